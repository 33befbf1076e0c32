/**
 * The IR verifier: structural invariants of the use-def graph and ONNX well-formedness rules
 * a pass can break. `verify(model)` returns `[]` for a valid model. Every finding has a stable
 * `code`:
 *
 * | code | meaning |
 * | --- | --- |
 * | `owner-mismatch` | a graph input/initializer has a producer or belongs to another graph |
 * | `producer-mismatch` | a node output does not name that node and slot as its producer |
 * | `multiple-definitions` | one Value object is defined at two sites (two outputs, input and output, …) |
 * | `duplicate-value-name` | two distinct values of one graph share a name |
 * | `shadowed-value-name` | a subgraph defines a name that an enclosing graph defines |
 * | `missing-use` / `duplicate-use` | an input slot has no (or more than one) matching entry in the value's use list |
 * | `stale-use` | a use-list entry names a detached node, a node outside the model, or a slot not holding the value |
 * | `use-before-def` | an input (or subgraph capture) is defined later in its graph or an enclosing one |
 * | `out-of-scope-use` | an input is defined in a graph of the model that does not enclose the use |
 * | `dangling-input` | an input is defined nowhere in the model |
 * | `undefined-output` | a graph output is not defined in the graph or an enclosing one |
 * | `duplicate-node-name` | two nodes of one graph tree share a non-empty name |
 * | `subgraph-parent-mismatch` | a graph attribute's graph names another parent node |
 * | `tensor-size-mismatch` / `tensor-read-failed` | tensor data length ≠ product of dims / unreadable lazy data |
 * | `initializer-type-mismatch` | an initializer's declared type disagrees with its tensor's dtype or dims |
 * | `const-value-type-mismatch` | likewise for a node output that carries a known constant (`constValue`) |
 * | `cast-missing-to` / `cast-to-mismatch` / `cast-like-mismatch` | Cast `to` ≠ output dtype; CastLike output dtype ≠ its second input's |
 * | `missing-opset` | a node's domain is not imported |
 * | `missing-required-attribute` | an ai.onnx node lacks an attribute its schema requires (If `then_branch`, Cast `to`, …) |
 * | `attribute-type-mismatch` | an ai.onnx node's attribute has another type than its schema declares |
 * | `missing-io-type` | a main-graph input or output has no type |
 */
import type { Diagnostic } from './diagnostic.js';
import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Value } from './value.js';
import { ContentChecks, checkInitializers, checkIoTypes } from './verifier-checks.js';
import { Tree, type GraphInfo, type VerifyOptions } from './verifier-context.js';
import {
  DefinedNames, Definitions, SiteTable, UseLists, checkScope, checkUseEntry, checkUseList, scopeOf,
} from './verifier-structure.js';

export type { VerifyOptions } from './verifier-context.js';

/** Checks a model; `[]` means valid. Diagnostics come in graph order, main graph first, then functions. */
export function verify(model: Model, options: VerifyOptions = {}): Diagnostic[] {
  const subgraphs = options.subgraphs !== false;
  const out: Diagnostic[] = [];
  // Each tree is built and checked before the next is built (they share the scratch fields).
  const check = (root: Graph, path: string, imports: ReadonlyMap<string, number>, isMain: boolean): void => {
    const tree = new Tree(root, path, subgraphs);
    checkTree(tree, imports, options, isMain);
    for (const d of tree.out) out.push(d);
  };
  check(model.graph, model.graph.name === '' ? 'main' : model.graph.name, model.opsetImports, true);
  if (options.functions !== false) {
    for (const f of model.functions) {
      const imports = new Map(model.opsetImports);
      for (const [d, v] of f.opsetImports) imports.set(d, v);
      check(f.graph, `function ${f.domain === '' ? '' : `${f.domain}.`}${f.name}`, imports, false);
    }
  }
  return out;
}

/**
 * One line per diagnostic: `error [code] message`; empty string for none. Line breaks and other
 * control or bidi characters inside a message (from hostile names) are escaped (`\n`, `\u202e`),
 * so each diagnostic stays one line.
 */
export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.severity} [${d.code}] ${escapeControls(d.message)}`).join('\n');
}

/** Escapes C0/C1 controls, line/paragraph separators and bidi overrides as `\n`, `\uXXXX`. */
function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/**
 * All checks of one tree in one walk per checked graph. Findings keep the order of the checks
 * run one after the other: per graph, its definitions (interface, then node outputs), then per
 * node its name, subgraph parents and input slots, then the graph outputs, then the use lists of
 * the values first met in that graph; after every graph, the content checks (main-graph IO
 * types, then per graph its initializers and nodes). Findings that come later in that order
 * than the step that finds them wait in lists (they are rare).
 */
function checkTree(t: Tree, imports: ReadonlyMap<string, number>, options: VerifyOptions, isMain: boolean): void {
  const out = t.out;
  const contents: Diagnostic[] = [];
  const inputChecks: Diagnostic[] = [];
  if (isMain) {
    t.sink = contents;
    checkIoTypes(t);
  }
  const content = new ContentChecks(t, imports, options);
  const names = new Map<string, GraphInfo>();
  // Every value the checked graphs define or read, once, in walk order; `firstIn` is by value
  // number (-1: not met yet): its use list is checked after the nodes of that graph.
  const distinct: Value[] = [];
  // Every value the tree defines has a number already (made while building it). Filled by
  // push: a packed list (`new Array(n)` would make a holey one).
  const firstIn: number[] = [];
  for (let i = 0; i < t.values.length; i++) firstIn.push(-1);
  const meet = (v: Value, gi: number): void => {
    const id = t.valueId(v);
    while (firstIn.length <= id) firstIn.push(-1);
    if (firstIn[id] !== -1) return;
    firstIn[id] = gi;
    distinct.push(v);
  };
  const uses = new UseLists(t);
  const definedNames = new DefinedNames();
  const sites = new SiteTable(t.values.length);
  const checked = t.graphs.filter((info) => info.checked);
  let next = 0;
  for (let gi = 0; gi < checked.length; gi++) {
    const info = checked[gi]!;
    const g = info.graph;
    const defs = new Definitions(t, info, gi, definedNames, sites);
    t.sink = out;
    defs.defineInterface();
    const ins = g.inputs;
    for (let k = 0; k < ins.length; k++) meet(ins[k]!, gi);
    for (const v of g.initializers.values()) meet(v, gi);
    for (const v of g.sparseInitializers.values()) meet(v, gi);
    t.sink = contents;
    checkInitializers(t, info, options);
    let i = 0;
    for (let n = g.first; n !== undefined; n = n._next) {
      t.sink = out;
      defs.defineOutputs(n);
      const outs = n.outputs;
      for (let k = 0; k < outs.length; k++) meet(outs[k]!, gi);
      t.sink = inputChecks;
      if (n.name !== '') {
        const prev = names.get(n.name);
        if (prev !== undefined) t.report('duplicate-node-name', `Node name '${n.name}' is used twice, in graph '${prev.path}' and in graph '${info.path}'; give one a fresh name (NameAuthority.freshNodeName)`, { graph: info, node: n });
        else names.set(n.name, info);
      }
      if (n.hasSubgraphs()) {
        for (const sg of n.subgraphs()) {
          if (sg.parentNode !== n) t.report('subgraph-parent-mismatch', `A graph attribute of node ${t.label(n)} in graph '${info.path}' names ${sg.parentNode === undefined ? 'no parent node' : `parent ${sg.parentNode.toString()}`}; set graph attributes through Node.setAttr`, { graph: info, node: n });
        }
      }
      const inputs = n.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const v = inputs[k];
        if (v === undefined) continue;
        meet(v, gi);
        // Fast paths of the two checks for the common case: the slot's own entry in a clean
        // list, a value defined earlier in the same graph.
        if (!uses.clean(v, n, k)) checkUseEntry(t, info, n, k, v, uses);
        if (!(t.defGraph(v) === info && t.defPos(v) < i)) checkScope(t, info, n, i, k, v);
      }
      t.sink = contents;
      content.node(info, n);
      i++;
    }
    t.sink = out;
    for (let k = 0; k < inputChecks.length; k++) out.push(inputChecks[k]!);
    inputChecks.length = 0;
    g.outputs.forEach((v, k) => {
      if (scopeOf(t, info, Infinity, v) !== 'ok') {
        t.report('undefined-output', `Output ${k} '${v.name}' of graph '${info.path}' is not defined in it or an enclosing graph; make it a node output, input or initializer`, { graph: info, value: v });
      }
    });
    for (; next < distinct.length; next++) {
      const v = distinct[next]!;
      if (uses.suspect(v)) checkUseList(t, info, v);
    }
  }
  t.sink = out;
  for (let k = 0; k < contents.length; k++) out.push(contents[k]!);
}

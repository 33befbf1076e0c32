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
import type { Node } from './node.js';
import type { Value } from './value.js';
import { checkContents } from './verifier-checks.js';
import { Tree, type GraphInfo, type VerifyOptions } from './verifier-context.js';

export type { VerifyOptions } from './verifier-context.js';

/** Checks a model; `[]` means valid. Diagnostics come in graph order, main graph first, then functions. */
export function verify(model: Model, options: VerifyOptions = {}): Diagnostic[] {
  const subgraphs = options.subgraphs !== false;
  const out: Diagnostic[] = [];
  // Each tree is built and checked before the next is built (they share the scratch fields).
  const check = (root: Graph, path: string, imports: ReadonlyMap<string, number>, isMain: boolean): void => {
    const tree = new Tree(root, path, subgraphs);
    checkStructure(tree);
    checkContents(tree, imports, options, isMain);
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

function checkStructure(t: Tree): void {
  const names = new Map<string, GraphInfo>();
  // Every value the checked graphs define or read, once, with the graph where it is first met
  // (its use list is checked there, after that graph's nodes), in walk order; `firstIn` is by
  // value number (-1: not met yet).
  const distinct: Value[] = [];
  const firstIn: number[] = [];
  const checked = t.graphs.filter((info) => info.checked);
  const meet = (v: Value, gi: number): void => {
    const id = t.valueId(v);
    while (firstIn.length <= id) firstIn.push(-1);
    if (firstIn[id] !== -1) return;
    firstIn[id] = gi;
    distinct.push(v);
  };
  for (let gi = 0; gi < checked.length; gi++) {
    const g = checked[gi]!.graph;
    const ins = g.inputs;
    for (let k = 0; k < ins.length; k++) meet(ins[k]!, gi);
    for (const v of g.initializers.values()) meet(v, gi);
    for (const v of g.sparseInitializers.values()) meet(v, gi);
    for (let n = g.first; n !== undefined; n = n._next) {
      const outs = n.outputs;
      for (let k = 0; k < outs.length; k++) meet(outs[k]!, gi);
      const inputs = n.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const v = inputs[k];
        if (v !== undefined) meet(v, gi);
      }
    }
  }
  // Indexes built once per verify so that a value with many uses, or a subgraph inside a big
  // graph, costs linear time (the fuzzer found quadratic cases taking over 10 s).
  const usesOf = new UseIndex(t, distinct);
  const definedNames = new DefinedNames();
  const sites = new SiteTable();
  let next = 0;
  checked.forEach((info, gi) => {
    checkDefinitions(t, info, gi, definedNames, sites);
    const g = info.graph;
    let i = 0;
    for (let n = g.first; n !== undefined; n = n._next) {
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
        // Fast paths of the two checks for the common case: the slot's own entry in a clean
        // list, a value defined earlier in the same graph.
        if (!usesOf.clean(v, n, k)) checkUseEntry(t, info, n, k, v, usesOf);
        if (!(t.defGraph(v) === info && t.defPos(v) < i)) checkScope(t, info, n, i, k, v);
      }
      i++;
    }
    g.outputs.forEach((v, k) => {
      if (scopeOf(t, info, Infinity, v) !== 'ok') {
        t.report('undefined-output', `Output ${k} '${v.name}' of graph '${info.path}' is not defined in it or an enclosing graph; make it a node output, input or initializer`, { graph: info, value: v });
      }
    });
    for (; next < distinct.length && firstIn[distinct[next]!._pos] === gi; next++) {
      const v = distinct[next]!;
      if (usesOf.suspect(v)) checkUseList(t, info, v);
    }
  });
}

/**
 * Where each value is defined in the graph being checked, by value number: a value's site
 * counts only when it was recorded for that graph (`graphOf`), so the table is not cleared
 * between graphs.
 */
class SiteTable {
  readonly #graphOf: number[] = [];
  readonly #site: Site[] = [];

  get(id: number, graph: number): Site | undefined {
    return this.#graphOf[id] === graph ? this.#site[id] : undefined;
  }

  set(id: number, graph: number, s: Site): void {
    while (this.#graphOf.length <= id) {
      this.#graphOf.push(-1);
      this.#site.push(INITIALIZER);
    }
    this.#graphOf[id] = graph;
    this.#site[id] = s;
  }
}

/** `gi`: the graph's index among the checked graphs. */
function checkDefinitions(t: Tree, info: GraphInfo, gi: number, definedNames: DefinedNames, sites: SiteTable): void {
  const g = info.graph;
  // Where each value is defined: its producer node, or the input index (-1: initializer).
  // Sites are described only when reported (a string per value would cost more than the check).
  const byName = new Map<string, Value>();
  const define = (v: Value, site: Site, slot = 0): void => {
    const id = t.valueId(v);
    const prev = sites.get(id, gi);
    if (prev !== undefined) {
      if (!(typeof prev === 'number' && prev >= 0 && site === INITIALIZER)) {
        t.report('multiple-definitions', `Value '${v.name}' is defined twice in graph '${info.path}', as ${describeSite(t, v, prev)} and as ${describeSite(t, v, site, slot)}`, { graph: info, value: v });
      }
      return;
    }
    sites.set(id, gi, site);
    if (v.name === '') return;
    const other = byName.get(v.name);
    if (other !== undefined && other !== v) {
      t.report('duplicate-value-name', `Graph '${info.path}' has two different values named '${v.name}'; rename one (NameAuthority.freshValueName)`, { graph: info, value: v });
      return;
    }
    byName.set(v.name, v);
    for (let p = info.parent; p !== undefined; p = p.parent) {
      if (definedNames.of(p.graph).has(v.name)) {
        t.report('shadowed-value-name', `Value '${v.name}' in graph '${info.path}' shadows a value of enclosing graph '${p.path}'; rename it`, { graph: info, value: v });
        break;
      }
    }
  };
  g.inputs.forEach((v, k) => {
    if (v.producer() !== undefined || v._owner !== g) t.report('owner-mismatch', `Input ${k} '${v.name}' of graph '${info.path}' ${v.producer() !== undefined ? `is also produced by ${v.producer()!.toString()}` : 'belongs to another graph'}`, { graph: info, value: v });
    define(v, k);
  });
  for (const map of [g.initializers, g.sparseInitializers]) {
    for (const v of map.values()) {
      if (v.producer() !== undefined || v._owner !== g) t.report('owner-mismatch', `Initializer '${v.name}' of graph '${info.path}' ${v.producer() !== undefined ? `is also produced by ${v.producer()!.toString()}` : 'belongs to another graph'}`, { graph: info, value: v });
      define(v, INITIALIZER);
    }
  }
  for (let n = g.first; n !== undefined; n = n._next) {
    const outs = n.outputs;
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j]!;
      if (o._producer !== n || o._index !== j) {
        t.report('producer-mismatch', `Output ${j} '${o.name}' of node ${t.label(n)} in graph '${info.path}' names ${o.producer() === undefined ? 'no producer' : `${o.producer()!.toString()} output ${o.index()}`} as its producer; create outputs through the Node constructor or appendOutput`, { graph: info, node: n, value: o });
      }
      define(o, n, j);
    }
  }
}

/** Where a value is defined: input `k` (a number ≥ 0), an initializer, or an output of a node. */
type Site = number | Node;
const INITIALIZER = -1;

/** `slot`: the output slot of a node site (default: the value's first slot on it, where it was first defined). */
function describeSite(t: Tree, v: Value, s: Site, slot?: number): string {
  if (typeof s === 'number') return s === INITIALIZER ? `initializer '${v.name}'` : `input ${s}`;
  return `output ${slot ?? s.outputs.indexOf(v)} of node ${t.label(s)}`;
}

/** The names each graph defines (inputs, initializers, node outputs), computed once per graph. */
class DefinedNames {
  readonly #byGraph = new Map<Graph, Set<string>>();

  of(g: Graph): ReadonlySet<string> {
    let set = this.#byGraph.get(g);
    if (set === undefined) {
      set = new Set<string>();
      for (const v of g.inputs) set.add(v.name);
      for (const name of g.initializers.keys()) set.add(name);
      for (const name of g.sparseInitializers.keys()) set.add(name);
      for (const n of g) for (const o of n.outputs) set.add(o.name);
      this.#byGraph.set(g, set);
    }
    return set;
  }
}

/**
 * Each value's use list counted by (node, input slot). A list whose every entry is the entry
 * its node registered for that slot (the normal case) is answered without building anything
 * per use; other lists are indexed once per value.
 */
class UseIndex {
  /** Values with a use-list entry that is not its node's own entry for that slot (rare). */
  readonly #dirty = new Set<Value>();
  /** Values with an entry {@link checkUseList} may report (a superset of the dirty ones; rare). */
  readonly #suspect = new Set<Value>();
  readonly #byValue = new Map<Value, Map<Node, Map<number, number>>>();

  /**
   * Looks at every use-list entry once: `values` (distinct) must hold every value any slot
   * reads. An entry is clean when it is its node's own entry for that slot, that slot holds the
   * value, and the node is in a graph of this tree.
   */
  constructor(t: Tree, values: readonly Value[]) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
        const n = u.node;
        if (n._useAt(u.index) !== u) {
          this.#dirty.add(v);
          this.#suspect.add(v);
          break;
        }
        if (n.graph === undefined || !t.hasNode(n) || n.inputs[u.index] !== v) this.#suspect.add(v);
      }
    }
  }

  /** Whether `v`'s use list has an entry that is not clean (see the constructor). */
  suspect(v: Value): boolean {
    return this.#suspect.size > 0 && this.#suspect.has(v);
  }

  /** True when `v`'s list is clean and holds input `k` of `n` once (by `n`'s own entry): a count of 1. */
  clean(v: Value, n: Node, k: number): boolean {
    if (this.#dirty.size > 0 && this.#dirty.has(v)) return false;
    const own = n._useAt(k);
    return own !== undefined && own._list === v && own.node === n && own.index === k;
  }

  /** How many entries of `v`'s use list name input `k` of `n`. */
  count(v: Value, n: Node, k: number): number {
    if (this.#dirty.size === 0 || !this.#dirty.has(v)) {
      // Entries are then distinct slots, so (n, k) is listed at most once: by n's own entry.
      const own = n._useAt(k);
      return own !== undefined && own.node === n && own.index === k && own._list === v ? 1 : 0;
    }
    let byNode = this.#byValue.get(v);
    if (byNode === undefined) {
      byNode = new Map();
      for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
        let slots = byNode.get(u.node);
        if (slots === undefined) byNode.set(u.node, (slots = new Map()));
        slots.set(u.index, (slots.get(u.index) ?? 0) + 1);
      }
      this.#byValue.set(v, byNode);
    }
    return byNode.get(n)?.get(k) ?? 0;
  }
}

function checkUseEntry(t: Tree, info: GraphInfo, n: Node, k: number, v: Value, usesOf: UseIndex): void {
  const count = usesOf.count(v, n, k);
  if (count === 0) t.report('missing-use', `Node ${t.label(n)} in graph '${info.path}' has '${v.name}' in input ${k}, but the value's use list lacks that use; change inputs only through Node.replaceInput`, { graph: info, node: n, value: v });
  if (count > 1) t.report('duplicate-use', `Value '${v.name}' lists input ${k} of node ${t.label(n)} in graph '${info.path}' ${count} times`, { graph: info, node: n, value: v });
}

function checkUseList(t: Tree, info: GraphInfo, v: Value): void {
  for (let u = v._firstUse; u !== undefined; u = u._nextUse) {
    let why: string | undefined;
    if (u.node.graph === undefined) why = 'is not in any graph (removed or never inserted)';
    else if (!t.hasNode(u.node)) why = 'belongs to a graph outside this model';
    else if (u.node.inputs[u.index] !== v) why = `holds ${u.node.inputs[u.index] === undefined ? 'nothing' : `'${u.node.inputs[u.index]!.name}'`} in that slot`;
    if (why !== undefined) {
      t.report('stale-use', `Value '${v.name}' (graph '${info.path}') lists a use by input ${u.index} of ${u.node.toString()}, which ${why}; edit inputs only through Node and Graph methods`, { graph: info, value: v });
    }
  }
}

type Scope = 'ok' | 'before-def' | 'out-of-scope' | 'dangling';

/**
 * Where `v` stands for a use at position `at` of graph `info` (∞ for graph outputs), judged by
 * the tree as walked (definition sites and attribute nesting), not by back-pointers.
 */
function scopeOf(t: Tree, info: GraphInfo, at: number, v: Value): Scope {
  const d = t.defGraph(v);
  if (d === undefined) return 'dangling';
  let cur: GraphInfo = info;
  let where = at;
  while (cur !== d) {
    if (cur.parent === undefined || cur.holder === undefined) return 'out-of-scope';
    where = t.nodeIndex(cur.holder)!;
    cur = cur.parent;
  }
  return t.defPos(v) < where ? 'ok' : 'before-def';
}

function checkScope(t: Tree, info: GraphInfo, n: Node, i: number, k: number, v: Value): void {
  const s = scopeOf(t, info, i, v);
  if (s === 'ok') return;
  const at = `Node ${t.label(n)} in graph '${info.path}' reads '${v.name}' (input ${k})`;
  const where = { graph: info, node: n, value: v };
  if (s === 'before-def') t.report('use-before-def', `${at} before it is defined; sort the graph topologically (Graph.sortTopologically)`, where);
  else if (s === 'out-of-scope') t.report('out-of-scope-use', `${at}, which is defined in graph '${t.defGraph(v)!.path}' that does not enclose it`, where);
  else if (s === 'dangling') t.report('dangling-input', `${at}, which no graph of the model defines; connect it to an input, initializer or node output`, where);
}

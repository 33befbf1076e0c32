/**
 * Hostile graph structures: cycles (plain and through subgraph captures), dangling names,
 * duplicate producers, missing or mistyped subgraphs, deep nesting, recursive functions,
 * long chains and wide nodes. Each generator draws its variant from the case's generator.
 */
import type { Rng } from './rng.js';
import {
  BOOL, FLOAT, FLOAT16, baseGraph, encode, floatTensor, graphAttr, intAttr, model, node, vi,
  type IGraph, type IModel,
} from './proto-build.js';
import { WT_LEN, concat, lenField, tag, varint, varintField } from './wire.js';

export type Generator = (rng: Rng) => { bytes: Uint8Array; variant: string };

const one = (variant: string, m: IModel): { bytes: Uint8Array; variant: string } => ({ bytes: encode(m), variant });

export const cycle: Generator = (rng) => {
  const v = rng.int(0, 3);
  const g = baseGraph();
  if (v === 0) g.node = [node('Relu', ['a'], ['a'], { name: 'self' }), node('Add', ['X', 'a'], ['Y'])];
  else if (v === 1) g.node = [node('Add', ['X', 'b'], ['a'], { name: 'n1' }), node('Relu', ['a'], ['b'], { name: 'n2' }), node('Identity', ['b'], ['Y'])];
  else if (v === 2) g.node = [node('Relu', ['c'], ['a']), node('Relu', ['a'], ['b']), node('Relu', ['b'], ['c']), node('Add', ['X', 'W'], ['Y'])];
  // A cycle through an If: its then-branch reads the If's own output.
  else {
    const branch: IGraph = { name: 'then', node: [node('Relu', ['Y'], ['t'])], output: [vi('t', FLOAT, [4])] };
    const other: IGraph = { name: 'else', node: [node('Identity', ['X'], ['e'])], output: [vi('e', FLOAT, [4])] };
    g.node = [node('If', ['c'], ['Y'], { name: 'if', attribute: [graphAttr('then_branch', branch), graphAttr('else_branch', other)] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  }
  return one(`cycle-${v}`, model(g));
};

export const dangling: Generator = (rng) => {
  const v = rng.int(0, 3);
  const g = baseGraph();
  if (v === 0) g.node = [node('Add', ['X', 'nowhere'], ['Y'])];
  else if (v === 1) g.output = [vi('not_produced', FLOAT, [4])];
  else if (v === 2) {
    const branch: IGraph = { name: 'then', node: [node('Relu', ['ghost'], ['t'])], output: [vi('t', FLOAT, [4])] };
    g.node = [node('If', ['c'], ['Y'], { attribute: [graphAttr('then_branch', branch), graphAttr('else_branch', branch)] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  } else {
    // A subgraph reads a value of its sibling subgraph (out of scope).
    const a: IGraph = { name: 'a', node: [node('Relu', ['X'], ['inner'])], output: [vi('inner', FLOAT, [4])] };
    const b: IGraph = { name: 'b', node: [node('Relu', ['inner'], ['t'])], output: [vi('t', FLOAT, [4])] };
    g.node = [node('If', ['c'], ['Y'], { attribute: [graphAttr('then_branch', a), graphAttr('else_branch', b)] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  }
  return one(`dangling-${v}`, model(g));
};

export const duplicateNames: Generator = (rng) => {
  const v = rng.int(0, 4);
  const g = baseGraph();
  if (v === 0) g.node = [node('Relu', ['X'], ['Y']), node('Neg', ['X'], ['Y'])];
  else if (v === 1) g.node = [node('Relu', ['W'], ['X']), node('Add', ['X', 'W'], ['Y'])];
  else if (v === 2) g.initializer = [floatTensor('W', [4], [1, 2, 3, 4]), floatTensor('W', [4], [5, 6, 7, 8])];
  else if (v === 3) g.node = [node('Add', ['X', 'W'], ['s'], { name: 'n' }), node('Relu', ['s'], ['Y'], { name: 'n' })];
  else {
    // A subgraph redefines an outer name (shadowing).
    const branch: IGraph = { name: 'then', node: [node('Relu', ['X'], ['s'])], output: [vi('s', FLOAT, [4])] };
    g.node = [node('Add', ['X', 'W'], ['s']), node('If', ['c'], ['Y'], { attribute: [graphAttr('then_branch', branch), graphAttr('else_branch', branch)] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  }
  return one(`duplicate-${v}`, model(g));
};

export const missingSubgraph: Generator = (rng) => {
  const v = rng.int(0, 6);
  const g = baseGraph();
  const ok: IGraph = { name: 'b', node: [node('Relu', ['X'], ['t'])], output: [vi('t', FLOAT, [4])] };
  const withC = (attrs: Parameters<typeof node>[3]): void => {
    g.node = [node('If', ['c'], ['Y'], attrs)];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  };
  if (v === 0) withC({ attribute: [graphAttr('else_branch', ok)] });
  else if (v === 1) withC({ attribute: [] });
  else if (v === 2) withC({ attribute: [intAttr('then_branch', 1), graphAttr('else_branch', ok)] });
  else if (v === 3) withC({ attribute: [{ name: 'then_branch', type: 10, graphs: [ok, ok] }, graphAttr('else_branch', ok)] });
  else if (v === 4) withC({ attribute: [graphAttr('then_branch', { name: 'empty' }), graphAttr('else_branch', ok)] });
  else if (v === 5) {
    g.node = [node('Loop', ['', 'c', 'X'], ['Y'], { attribute: [] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  } else {
    g.node = [node('Scan', ['X'], ['Y'], { attribute: [{ name: 'body', type: 5 }, intAttr('num_scan_inputs', 1)] })];
  }
  return one(`missing-subgraph-${v}`, model(g));
};

/** Bytes as a tree of chunks with the total length: nesting adds a header, never copies. */
interface Chunks {
  readonly items: readonly (Uint8Array | Chunks)[];
  readonly length: number;
}

const chunks = (...items: (Uint8Array | Chunks)[]): Chunks => {
  let length = 0;
  for (const it of items) length += it.length;
  return { items, length };
};

/** The bytes of a chunk tree (iterative: the trees are thousands of levels deep). */
const flatten = (c: Chunks): Uint8Array => {
  const out = new Uint8Array(c.length);
  let at = 0;
  const stack: (Uint8Array | Chunks)[] = [c];
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top instanceof Uint8Array) {
      out.set(top, at);
      at += top.length;
    } else {
      for (let i = top.items.length - 1; i >= 0; i--) stack.push(top.items[i]!);
    }
  }
  return out;
};

/** A LEN field around `payload` (linear time however deep the nesting). */
const nest = (no: number, payload: Chunks): Chunks => chunks(tag(no, WT_LEN), varint(payload.length), payload);

/** If nodes nested `depth` deep, built bottom-up without recursion or quadratic copying. */
export const deepNesting: Generator = (rng) => {
  const depth = rng.pick([8, 64, 200, 1000, 4000]);
  // Graph `g<d>` computing `t<d>`: a Relu of X at the leaves, else an If whose branches are g<d-1> and a leaf.
  let inner = chunks(leafGraph('t0', 'g0'));
  for (let d = 1; d <= depth; d++) {
    const thenAttr = nest(5, chunks(str(1, 'then_branch'), varintField(20, 5), nest(6, inner)));
    const elseAttr = lenField(5, concat([str(1, 'else_branch'), varintField(20, 5), lenField(6, leafGraph(`e${d}`, `ge${d}`))]));
    const ifNode = nest(1, chunks(str(1, 'c'), str(2, `t${d}`), str(4, 'If'), thenAttr, elseAttr));
    inner = chunks(ifNode, str(2, `g${d}`), lenField(12, typedName(`t${d}`, FLOAT)));
  }
  const graph = chunks(inner, lenField(11, typedName('X', FLOAT)), lenField(11, typedName('c', BOOL)));
  const bytes = flatten(chunks(varintField(1, 8), lenField(8, concat([str(1, ''), varintField(2, 17)])), nest(7, graph)));
  return { bytes, variant: `deep-if-${depth}` };
};

const utf8 = new TextEncoder();
const str = (no: number, s: string): Uint8Array => lenField(no, utf8.encode(s));
/** ValueInfoProto payload `name: tensor(elem)`. */
const typedName = (name: string, elem: number): Uint8Array => concat([str(1, name), lenField(2, lenField(1, varintField(1, elem)))]);
/** GraphProto payload: `out = Relu(X)`, named `name`. */
const leafGraph = (out: string, name: string): Uint8Array =>
  concat([lenField(1, concat([str(1, 'X'), str(2, out), str(4, 'Relu')])), str(2, name), lenField(12, typedName(out, FLOAT))]);

/** A TypeProto nested `depth` deep (sequence of sequence of …) on a graph input. */
export const deepType: Generator = (rng) => {
  const depth = rng.pick([10, 100, 1000, 20000]);
  let t = chunks(lenField(1, varintField(1, FLOAT)));
  for (let i = 0; i < depth; i++) t = nest(4, nest(1, t));
  const input = nest(11, chunks(str(1, 'S'), nest(2, t)));
  const graph = chunks(lenField(1, concat([str(1, 'S'), str(2, 'Y'), str(4, 'Identity')])), input, lenField(12, str(1, 'Y')));
  const bytes = flatten(chunks(varintField(1, 8), lenField(8, concat([str(1, ''), varintField(2, 17)])), nest(7, graph)));
  return { bytes, variant: `deep-type-${depth}` };
};

export const recursiveFunction: Generator = (rng) => {
  const v = rng.int(0, 2);
  const f = (name: string, calls: string) => ({
    name, domain: 'local', input: ['x'], output: ['y'], opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }],
    node: [node(calls, ['x'], ['y'], { domain: 'local' })],
  });
  const functions = v === 0 ? [f('F', 'F')] : v === 1 ? [f('F', 'G'), f('G', 'F')] : [f('F', 'Missing')];
  const g = baseGraph();
  g.node = [node('F', ['X'], ['Y'], { domain: 'local' })];
  return one(`recursive-function-${v}`, model(g, { opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }], functions }));
};

/**
 * Size stress (every stage must stay linear): a chain of n unary nodes (recursion depth of
 * traversals), one node reading the same value n times (use lists), or a big If branch inside a
 * big graph (scope checks). At 50k nodes the whole harness (convert, save, reload, three
 * verifies, plus the CLI on every fifth case) takes over 10 s on a loaded 2-core machine, so
 * the sizes stop at 10k; test/hardening/scaling.test.ts checks that the time grows linearly.
 */
export const longChain: Generator = (rng) => {
  const n = rng.pick([1000, 4000, 10000]);
  const kind = rng.pick(STRESS_KINDS);
  return { bytes: stressModel(kind, n), variant: `${kind}-${n}` };
};

export type StressKind = 'chain' | 'wide' | 'big-branch';
export const STRESS_KINDS: readonly StressKind[] = Object.freeze(['chain', 'wide', 'big-branch']);

/** A size-stress model of about `n` nodes (or 2n uses of one value for `wide`). */
export function stressModel(kind: StressKind, n: number): Uint8Array {
  const g = baseGraph();
  const chain = (prefix: string, from: string, to: string, count: number): ReturnType<typeof node>[] => {
    const nodes = [];
    let prev = from;
    for (let i = 0; i < count; i++) {
      const out = i === count - 1 ? to : `${prefix}${i}`;
      nodes.push(node(i % 2 === 0 ? 'Relu' : 'Neg', [prev], [out]));
      prev = out;
    }
    return nodes;
  };
  if (kind === 'chain') g.node = chain('v', 'X', 'Y', n);
  else if (kind === 'wide') g.node = [node('Sum', Array.from({ length: n * 2 }, () => 'X'), ['Y'])];
  else {
    const half = Math.floor(n / 2);
    const branch: IGraph = { name: 'then', node: chain('t', 'X', 'tout', half), output: [vi('tout', FLOAT, [4])] };
    g.node = [...chain('m', 'X', 'Z', half), node('If', ['c'], ['Y'], { attribute: [graphAttr('then_branch', branch), graphAttr('else_branch', branch)] })];
    g.input = [...(g.input ?? []), vi('c', BOOL, [])];
  }
  return encode(model(g));
}

/** Empty and degenerate things: no graph, no nodes, nodes without outputs, empty op types. */
export const degenerate: Generator = (rng) => {
  const v = rng.int(0, 6);
  const g = baseGraph();
  if (v === 0) return one('no-graph', { irVersion: 8, opsetImport: [{ domain: '', version: 17 }] });
  if (v === 1) g.node = [];
  else if (v === 2) g.node = [...(g.node ?? []), node('Relu', ['X'], [])];
  else if (v === 3) g.node = [node('', ['X'], ['Y'])];
  else if (v === 4) g.node = [node('Add', ['X', 'W'], ['', 'Y'])];
  else if (v === 5) g.output = [vi('X', FLOAT, [4])];
  else g.input = [vi('', FLOAT, [4]), ...(g.input ?? [])];
  return one(`degenerate-${v}`, model(g));
};

/** Types that disagree: value_info conflicts, graph output typed unlike its producer, undefined elem types. */
export const typeConflicts: Generator = (rng) => {
  const v = rng.int(0, 4);
  const g = baseGraph();
  if (v === 0) g.valueInfo = [vi('s', FLOAT16, [4]), vi('s', 7, [2, 2])];
  else if (v === 1) g.output = [vi('Y', 7, [9, 9])];
  else if (v === 2) g.input = [vi('X', 0, [4])];
  else if (v === 3) g.input = [{ name: 'X' }];
  else g.initializer = [{ ...floatTensor('W', [4], [1, 2, 3, 4]) }], g.input = [vi('X', FLOAT, [4]), vi('W', FLOAT16, [4])];
  return one(`type-conflict-${v}`, model(g));
};

/** IR version and opset imports out of range, duplicated, or missing. */
export const versions: Generator = (rng) => {
  const v = rng.int(0, 5);
  const g = baseGraph();
  const m = model(g);
  if (v === 0) m.irVersion = -1;
  else if (v === 1) m.irVersion = 2 ** 40;
  else if (v === 2) m.opsetImport = [];
  else if (v === 3) m.opsetImport = [{ domain: '', version: -1 }];
  else if (v === 4) m.opsetImport = [{ domain: '', version: 2 ** 52 }];
  else m.opsetImport = [{ domain: '', version: 13 }, { domain: 'ai.onnx', version: 17 }, { domain: '', version: 9 }];
  return one(`versions-${v}`, m);
};

/** Names with line breaks, NULs, bidi controls and huge lengths (messages must stay one line). */
export const hostileNames: Generator = (rng) => {
  const name = rng.pick(['a\nb', 'x\r\ny', 'nul\u0000nul', '\u202eevil', 'n'.repeat(100000), ' ', '\t']);
  const g = baseGraph();
  const v = rng.int(0, 3);
  if (v === 0) g.node = [node('Add', ['X', name], ['Y'])];
  else if (v === 1) g.output = [vi(name, FLOAT, [4])];
  else if (v === 2) g.node = [node('Relu', ['X'], [name]), node('Neg', ['X'], [name])];
  else g.node = [node(name, ['X'], ['Y'], { name, domain: name })];
  return one(`hostile-name-${v}`, model(g));
};

/** Names of Object.prototype members: op types, domains, attribute and value names (lookup tables keyed by plain objects). */
export const prototypeNames: Generator = (rng) => {
  const name = rng.pick(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'prototype']);
  const v = rng.int(0, 4);
  const g = baseGraph();
  if (v === 0) g.node = [node(name, ['X', 'W'], ['Y'])];
  else if (v === 1) g.node = [node('Add', ['X', 'W'], ['s']), node('Relu', ['s'], ['Y'], { attribute: [intAttr(name, 1)] })];
  else if (v === 2) g.node = [node('Add', ['X', 'W'], [name]), node('Relu', [name], ['Y'], { name })];
  else if (v === 3) {
    g.node = [node(name, ['X', 'W'], ['Y'], { domain: name })];
    return one(`prototype-${v}-${name}`, model(g, { opsetImport: [{ domain: '', version: 17 }, { domain: name, version: 1 }] }));
  } else {
    g.input = [vi(name, FLOAT, [4])];
    g.node = [node('Add', [name, 'W'], ['s']), node('Relu', ['s'], ['Y'])];
  }
  return one(`prototype-${v}-${name}`, model(g));
};

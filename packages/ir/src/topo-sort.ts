import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';
import { MinHeap } from './min-heap.js';

/** The graph has a dependency cycle; `nodes` are some of the nodes on it. */
export class GraphCycleError extends Error {
  override readonly name = 'GraphCycleError';
  constructor(readonly graphName: string, readonly nodes: readonly Node[]) {
    super(`Graph '${graphName}' has a cycle through ${nodes.slice(0, 5).map((n) => n.toString()).join(', ')}${nodes.length > 5 ? ', …' : ''}`);
  }
}

/**
 * Values a node reads from outside its subgraphs (outer-scope captures), in first-use order.
 * A node without subgraphs has none.
 */
export function implicitInputs(node: Node): Value[] {
  const out: Value[] = [];
  const seen = new Set<Value>();
  const inner = new Set<Graph>();
  const visit = (g: Graph): void => {
    inner.add(g);
    const consider = (v: Value | undefined): void => {
      if (v === undefined || seen.has(v)) return;
      const def = v.graph();
      if (def !== undefined && inner.has(def)) return;
      seen.add(v);
      out.push(v);
    };
    for (const n of g) {
      for (const sg of n.subgraphs()) visit(sg);
      for (const v of n.inputs) consider(v);
    }
    for (const v of g.outputs) consider(v);
  };
  for (const sg of node.subgraphs()) visit(sg);
  // A value defined in an inner graph is seen before its uses only if defined earlier;
  // drop any captured value that turned out to be inner (defined in a later-visited graph).
  return out.filter((v) => {
    const def = v.graph();
    return def === undefined || !inner.has(def);
  });
}

/**
 * A topological order of the graph's nodes that keeps the current order wherever the
 * dependencies allow (Kahn's algorithm, ready nodes taken by original position). A graph that
 * is already sorted (the common case) is recognised in one pass and returned as it is.
 */
export function topologicalOrder(graph: Graph): Node[] {
  const nodes = graph.nodes();
  if (graph._sorted) return nodes;
  // Positions of this call (see Node._mark): a producer in this graph is one marked with `tok`.
  const tok = {};
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    n._mark = tok;
    n._pos = i;
  }
  if (isSorted(nodes, tok)) {
    graph._sorted = true;
    return nodes;
  }
  // Dependencies as (from, to) index pairs, de-duplicated per node; `sorted` stays true while
  // every dependency points backwards.
  const from: number[] = [];
  const to: number[] = [];
  let sorted = true;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const first = from.length;
    let seen: Set<number> | undefined; // for nodes with many inputs (linear, not quadratic)
    const add = (v: Value | undefined): void => {
      const p = v?.producer();
      if (p === undefined || p === n || p._mark !== tok) return;
      const j = p._pos;
      if (seen !== undefined) {
        if (seen.has(j)) return;
        seen.add(j);
      } else {
        for (let k = first; k < from.length; k++) if (from[k] === j) return;
        if (from.length - first >= 16) seen = new Set([...from.slice(first), j]);
      }
      from.push(j);
      to.push(i);
      if (j > i) sorted = false;
    };
    for (const v of n.inputs) add(v);
    if (n.hasSubgraphs()) for (const v of implicitInputs(n)) add(v);
  }
  if (sorted) {
    graph._sorted = true;
    return nodes;
  }
  // Successor lists in compressed form.
  const start = new Int32Array(nodes.length + 1);
  for (const j of from) start[j + 1]!++;
  for (let i = 0; i < nodes.length; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, nodes.length);
  const succ = new Int32Array(from.length);
  const indeg = new Int32Array(nodes.length);
  for (let e = 0; e < from.length; e++) {
    succ[fill[from[e]!]!++] = to[e]!;
    indeg[to[e]!]!++;
  }
  const heap = new MinHeap();
  for (let i = 0; i < nodes.length; i++) if (indeg[i] === 0) heap.push(i);
  const order: Node[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(nodes[i]!);
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const j = succ[e]!;
      if (--indeg[j]! === 0) heap.push(j);
    }
  }
  if (order.length !== nodes.length) {
    throw new GraphCycleError(graph.name, nodes.filter((_, i) => indeg[i]! > 0));
  }
  return order;
}

/**
 * Whether every node of `nodes` (a graph's nodes in order, each marked with `tok` and its
 * position) comes after the producers in this graph of the values it reads, subgraph captures
 * included: one pass, nothing allocated for a node without subgraphs.
 */
function isSorted(nodes: readonly Node[], tok: object): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const ins = n.inputs;
    for (let k = 0; k < ins.length; k++) {
      const p = ins[k]?._producer;
      if (p !== undefined && p._mark === tok && p._pos > i) return false;
    }
    if (n.hasSubgraphs()) {
      for (const v of implicitInputs(n)) {
        const p = v._producer;
        if (p !== undefined && p._mark === tok && p._pos > i) return false;
      }
    }
  }
  return true;
}

import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

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
 * dependencies allow (Kahn's algorithm, ready nodes taken by original position).
 */
export function topologicalOrder(graph: Graph): Node[] {
  const nodes = graph.nodes();
  const pos = new Map<Node, number>();
  nodes.forEach((n, i) => pos.set(n, i));
  const indeg = new Int32Array(nodes.length);
  const succ: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    const deps = new Set<number>();
    const add = (v: Value | undefined): void => {
      const p = v?.producer();
      if (p === undefined || p === n) return;
      const j = pos.get(p);
      if (j !== undefined) deps.add(j);
    };
    for (const v of n.inputs) add(v);
    if (n.subgraphs().length > 0) for (const v of implicitInputs(n)) add(v);
    for (const j of deps) {
      succ[j]!.push(i);
      indeg[i]!++;
    }
  });
  const heap = new MinHeap();
  indeg.forEach((d, i) => {
    if (d === 0) heap.push(i);
  });
  const order: Node[] = [];
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(nodes[i]!);
    for (const j of succ[i]!) if (--indeg[j]! === 0) heap.push(j);
  }
  if (order.length !== nodes.length) {
    throw new GraphCycleError(graph.name, nodes.filter((_, i) => indeg[i]! > 0));
  }
  return order;
}

/** A binary min-heap of integers. */
class MinHeap {
  readonly #a: number[] = [];

  get size(): number {
    return this.#a.length;
  }

  push(x: number): void {
    const a = this.#a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.#a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** Options of {@link walkNodes} and {@link walkGraphs}. */
export interface WalkOptions {
  /** Go into If/Loop/Scan bodies (default true). */
  readonly subgraphs?: boolean;
  /** Also visit the bodies of model-local functions (default false). */
  readonly functions?: boolean;
}

/**
 * Every graph of a model or graph tree, parents before children, in node order.
 */
export function* walkGraphs(root: Model | Graph, options: WalkOptions = {}): Generator<Graph> {
  const graphs: Graph[] = [];
  if ('functions' in root) {
    graphs.push(root.graph);
    if (options.functions === true) for (const f of root.functions) graphs.push(f.graph);
  } else {
    graphs.push(root);
  }
  for (const g of graphs) yield* walkGraph(g, options.subgraphs !== false);
}

function* walkGraph(g: Graph, deep: boolean): Generator<Graph> {
  yield g;
  if (!deep) return;
  for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) yield* walkGraph(sg, true);
}

/**
 * Every node of a model or graph tree: a node comes before the nodes of its subgraphs.
 * Safe to edit the graph while walking (removed nodes are skipped).
 */
export function* walkNodes(root: Model | Graph, options: WalkOptions = {}): Generator<Node> {
  const deep = options.subgraphs !== false;
  const visit = function* (g: Graph): Generator<Node> {
    for (const n of g) {
      yield n;
      if (deep && n.hasSubgraphs()) for (const sg of n.subgraphs()) yield* visit(sg);
    }
  };
  if ('functions' in root) {
    yield* visit(root.graph);
    if (options.functions === true) for (const f of root.functions) yield* visit(f.graph);
  } else {
    yield* visit(root);
  }
}

/** Total node count of a graph tree (subgraphs included). */
export function countNodes(root: Model | Graph, options: WalkOptions = {}): number {
  let n = 0;
  for (const _ of walkNodes(root, options)) n++;
  return n;
}

/**
 * Every value defined in a graph (inputs, initializers, sparse initializers, node outputs
 * with a name), not going into subgraphs. A snapshot array (no generator step per value).
 */
export function graphValues(g: Graph): Value[] {
  const out: Value[] = [];
  const seen = new Set<Value>();
  for (const v of g.inputs) if (!seen.has(v)) { seen.add(v); out.push(v); }
  for (const v of g.initializers.values()) if (!seen.has(v)) { seen.add(v); out.push(v); }
  for (const v of g.sparseInitializers.values()) if (!seen.has(v)) { seen.add(v); out.push(v); }
  for (const n of g) {
    const outs = n.outputs;
    for (let i = 0; i < outs.length; i++) if (outs[i]!.name !== '') out.push(outs[i]!);
  }
  return out;
}

/** A name → value index of one graph (subgraphs not included). */
export function valuesByName(g: Graph): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const v of graphValues(g)) m.set(v.name, v);
  return m;
}

/** The depth of subgraph nesting: 0 for a graph without If/Loop/Scan. */
export function subgraphDepth(g: Graph): number {
  let d = 0;
  for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) d = Math.max(d, 1 + subgraphDepth(sg));
  return d;
}

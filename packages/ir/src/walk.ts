import type { Graph } from './graph.js';
import type { Model } from './model.js';
import type { Node } from './node.js';
import type { Value } from './value.js';
import { NodeCursor } from './node-cursor.js';

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
  // A graph none of whose nodes has a graph attribute (the common case) is not walked.
  if (!deep || g._holders === 0) return;
  for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) yield* walkGraph(sg, true);
}

/**
 * Every node of a model or graph tree: a node comes before the nodes of its subgraphs.
 * Safe to edit the graph while walking (removed nodes are skipped).
 */
export function walkNodes(root: Model | Graph, options: WalkOptions = {}): Generator<Node> {
  return new NodeWalk(root, options);
}

/** A frame of {@link NodeWalk}: the nodes of one graph, or graphs still to walk. */
type Frame = NodeCursor | { readonly graphs: readonly Graph[]; next: number };

/**
 * The walk of {@link walkNodes} as a plain object (a generator per graph costs more in the
 * passes' loops): a stack of node cursors. A node's subgraphs are looked up when the next node
 * is asked for, as a generator resumed after yielding the node would.
 */
class NodeWalk implements Generator<Node> {
  readonly #deep: boolean;
  readonly #stack: Frame[] = [];
  /** The model whose function bodies come after its graph (`functions: true`). */
  #functionsOf: Model | undefined;
  /** The node returned last, whose subgraphs come next. */
  #pending: Node | undefined;
  readonly #result: { done: boolean; value: Node | undefined } = { done: false, value: undefined };

  constructor(root: Model | Graph, options: WalkOptions) {
    this.#deep = options.subgraphs !== false;
    if ('functions' in root) {
      this.#stack.push(new NodeCursor(root.graph));
      if (options.functions === true) this.#functionsOf = root;
    } else {
      this.#stack.push(new NodeCursor(root));
    }
  }

  next(): IteratorResult<Node> {
    const stack = this.#stack;
    const p = this.#pending;
    if (p !== undefined) {
      this.#pending = undefined;
      if (this.#deep && p.hasSubgraphs()) stack.push({ graphs: p.subgraphs(), next: 0 });
    }
    const r = this.#result;
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        const m = this.#functionsOf;
        if (m === undefined) break;
        this.#functionsOf = undefined;
        stack.push({ graphs: m.functions.map((f) => f.graph), next: 0 });
        continue;
      }
      if (!(top instanceof NodeCursor)) {
        const g = top.graphs[top.next++];
        if (g === undefined) stack.pop();
        else stack.push(new NodeCursor(g));
        continue;
      }
      const step = top.next();
      if (step.done === true) {
        stack.pop();
        continue;
      }
      const n = step.value;
      this.#pending = n;
      r.done = false;
      r.value = n;
      return r as IteratorResult<Node>;
    }
    r.done = true;
    r.value = undefined;
    return r as IteratorResult<Node>;
  }

  return(): IteratorResult<Node> {
    this.#stop();
    return { done: true, value: undefined };
  }

  throw(e: unknown): IteratorResult<Node> {
    this.#stop();
    throw e;
  }

  #stop(): void {
    this.#stack.length = 0;
    this.#pending = undefined;
    this.#functionsOf = undefined;
  }

  [Symbol.iterator](): Generator<Node> {
    return this;
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
  if (g._holders === 0) return d;
  for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) d = Math.max(d, 1 + subgraphDepth(sg));
  return d;
}

import type { Graph } from './graph.js';
import type { Node } from './node.js';

/**
 * The graph's node iterator (a plain object: cheaper than a generator in the passes' loops).
 * It reads a node's successor only when asked for the next node, so nodes inserted after the
 * current one are visited, and a removed current node (which keeps its `_next`) is stepped
 * over; nodes not (or no longer) in the graph are skipped.
 */
export class NodeCursor implements IterableIterator<Node> {
  readonly #graph: Graph;
  #last: Node | undefined;
  #started = false;
  /**
   * One result object, updated by every `next()`: `for…of`, spreading and `yield*` read it at
   * once, and a walk over a big graph then allocates nothing per node (callers of `next()` keep
   * `value`, not the result).
   */
  readonly #result: { done: boolean; value: Node | undefined } = { done: false, value: undefined };

  constructor(graph: Graph) {
    this.#graph = graph;
  }

  next(): IteratorResult<Node> {
    let n: Node | undefined;
    if (!this.#started) {
      this.#started = true;
      n = this.#graph.first;
    } else {
      n = this.#last?._next;
    }
    while (n !== undefined && n._graph !== this.#graph) n = n._next;
    this.#last = n;
    const r = this.#result;
    r.done = n === undefined;
    r.value = n;
    return r as IteratorResult<Node>;
  }

  [Symbol.iterator](): IterableIterator<Node> {
    return this;
  }
}

/** Which nodes of a graph tree the outputs of its root depend on (dead code). */
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import type { Value } from './value.js';

/** The dead nodes of one graph, in graph order. */
export interface DeadNodes {
  readonly graph: Graph;
  readonly nodes: readonly Node[];
}

/**
 * The nodes no output of `root` depends on. A node is live when one of its outputs is an
 * output of `root` or an input of a live node; a live node's subgraphs keep their outputs
 * alive, and a value their nodes capture from an enclosing graph counts as an input of the
 * node holding them. Every other node of `root` is dead, and so is every other node of a
 * subgraph of a live node (subgraphs of dead nodes go with them and are not listed).
 *
 * Lists come per graph, in graph order; a subgraph's list comes before the list of the graph
 * that holds it (so removing them in this order edits inner graphs first). Graphs without a
 * dead node are not listed. Linear in the size of the tree: one reverse walk from the outputs
 * with a work list, the marks kept in the nodes' scratch fields (no set of nodes); the walk
 * ends before this function returns.
 *
 * ```ts
 * for (const { graph, nodes } of deadNodes(model.graph)) graph.remove(nodes);
 * ```
 */
export function deadNodes(root: Graph): DeadNodes[] {
  const tok = {};
  const work: Node[] = [];
  const reach = (values: readonly (Value | undefined)[]): void => {
    for (let i = 0; i < values.length; i++) {
      const p = values[i]?._producer;
      if (p === undefined || p._mark === tok) continue;
      p._mark = tok;
      work.push(p);
    }
  };
  reach(root.outputs);
  while (work.length > 0) {
    const n = work.pop()!;
    reach(n.inputs);
    if (n.hasSubgraphs()) for (const sg of n.subgraphs()) reach(sg.outputs);
  }
  const out: DeadNodes[] = [];
  const sweep = (g: Graph): void => {
    const dead: Node[] = [];
    for (let n = g.first; n !== undefined; n = n._next) {
      if (n._mark !== tok) dead.push(n);
      else if (n.hasSubgraphs()) for (const sg of n.subgraphs()) sweep(sg);
    }
    if (dead.length > 0) out.push({ graph: g, nodes: dead });
  };
  sweep(root);
  return out;
}

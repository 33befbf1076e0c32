import { definePass, type PassContext } from '@mixprec/passes';
import type { Graph } from '@mixprec/ir';

/**
 * Reorders the nodes of every graph (subgraphs included) so that each value is defined
 * before it is used, outer-scope captures of subgraphs counting as uses by the node that holds
 * them. The current order is kept wherever the dependencies allow (Kahn's algorithm, ready
 * nodes taken by original position), so a sorted graph is left untouched. A cycle is an error
 * naming some of the nodes on it.
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { Y = Neg (a)  a = Relu (X) }
 * after:  main (float[2] X) => (float[2] Y) { a = Relu (X)  Y = Neg (a) }
 * ```
 */
export const topoSort = definePass({
  name: 'topo-sort',
  description: 'Sort the nodes of every graph topologically, keeping the order where possible',
  optLevel: 0,
  run(model, _ctx: PassContext) {
    let modified = false;
    const visit = (g: Graph): void => {
      const before = g.nodes();
      g.sortTopologically();
      let i = 0;
      for (const n of g) {
        if (n !== before[i]) modified = true;
        i++;
        if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg);
      }
    };
    visit(model.graph);
    return { modified };
  },
});

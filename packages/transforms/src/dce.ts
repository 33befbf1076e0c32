import * as t from 'io-ts';
import { deadNodes, type Graph } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';

/**
 * Dead code elimination over the whole graph tree (If/Loop/Scan bodies included).
 *
 * 1. A node is live when one of its outputs is an output of its graph, or is used by a live
 *    node (uses inside subgraphs, i.e. outer-scope captures, count as uses by the node holding
 *    the subgraph). Every other node is removed. ONNX operators are treated as pure: an unused
 *    RandomNormal goes too.
 * 2. Initializers (dense and sparse) with no remaining use that are neither graph inputs
 *    (IR < 4 overridable defaults) nor graph outputs are removed (option `initializers`).
 * 3. Graph inputs are never removed; model-local function bodies are left alone.
 *
 * Linear: one reverse reachability walk with a worklist, then one sweep.
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { a = Relu (X)  d = Neg (a)  Y = Abs (a) }
 * after:  main (float[2] X) => (float[2] Y) { a = Relu (X)  Y = Abs (a) }
 * ```
 */
export const dce = definePass({
  name: 'dce',
  description: 'Remove nodes whose outputs are never used and unused initializers',
  optLevel: 1,
  options: t.strict({ initializers: t.boolean }),
  defaults: { initializers: true },
  optionDocs: { initializers: 'Also remove unused initializers (never graph inputs)' },
  run(model, _ctx, opts) {
    let modified = false;
    // Inner graphs first, each graph's dead nodes in one call.
    for (const { graph, nodes } of deadNodes(model.graph)) {
      graph.remove(nodes);
      modified = true;
    }
    if (opts.initializers) {
      const visit = (g: Graph): void => {
        for (const v of [...g.initializers.values()]) {
          if (v.useCount === 0 && !v.isGraphInput() && !v.isGraphOutput()) {
            g.removeInitializer(v);
            modified = true;
          }
        }
        for (const v of [...g.sparseInitializers.values()]) {
          if (v.useCount === 0 && !v.isGraphInput() && !v.isGraphOutput()) {
            g.removeSparseInitializer(v);
            modified = true;
          }
        }
        if (g.hasSubgraphNodes()) for (let n = g.first; n !== undefined; n = n.next) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg);
      };
      visit(model.graph);
    }
    return { modified };
  },
});

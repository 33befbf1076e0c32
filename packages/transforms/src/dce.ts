import * as t from 'io-ts';
import type { Graph, Node, Value } from '@mixprec/ir';
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
    const live = new Set<Node>();
    const work: Node[] = [];
    const mark = (v: Value | undefined): void => {
      const p = v?.producer();
      if (p === undefined) return;
      const before = live.size;
      live.add(p); // one lookup: the set grows only for a node not yet live
      if (live.size !== before) work.push(p);
    };
    for (const v of model.graph.outputs) mark(v);
    while (work.length > 0) {
      const n = work.pop()!;
      const ins = n.inputs;
      for (let i = 0; i < ins.length; i++) mark(ins[i]);
      // A live node keeps its subgraphs' interfaces alive; their nodes reach outer values.
      if (n.hasSubgraphs()) for (const sg of n.subgraphs()) for (const v of sg.outputs) mark(v);
    }
    let modified = false;
    const sweep = (g: Graph): void => {
      const dead: Node[] = [];
      for (const n of g) {
        if (!live.has(n)) dead.push(n);
        else if (n.hasSubgraphs()) for (const sg of n.subgraphs()) sweep(sg);
      }
      if (dead.length > 0) {
        g.remove(dead);
        modified = true;
      }
    };
    sweep(model.graph);
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
        for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) visit(sg);
      };
      visit(model.graph);
    }
    return { modified };
  },
});

import * as t from 'io-ts';
import { Node, Value, tensorType, type Graph } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { constantValue } from './constant-value.js';
import { isOutputOf } from './rewrite.js';

/**
 * Moves constants between `Constant` nodes and initializers, in every graph of the tree.
 *
 * `direction=to-initializer` (default):
 * 1. Every ONNX `Constant` (any of `value`, `value_float(s)`, `value_int(s)`,
 *    `value_string(s)`, `sparse_value`) becomes an initializer of its own graph named like its
 *    output (a subgraph initializer for Constants in If/Loop/Scan bodies; `sparse_value` becomes
 *    a sparse initializer); its uses, including captures in nested subgraphs, move over.
 * 2. A Constant whose output is an output of its own graph is kept (an output must stay a
 *    node's output for many consumers).
 *
 * `direction=to-constant`:
 * 3. Every initializer that is not a graph input (IR < 4 overridable defaults stay) becomes a
 *    `Constant` with `value` (or `sparse_value`, opset ≥ 11) at the start of its graph, in
 *    initializer order, with the same output name.
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { c = Constant <value_floats = [1.0, 2.0]> ()  Y = Add (X, c) }
 * after:  main (float[2] X) => (float[2] Y) <float[2] c = {1, 2}> { Y = Add (X, c) }
 * ```
 */
export const constantToInitializer = definePass({
  name: 'constant-to-initializer',
  description: 'Turn Constant nodes into initializers (or back, with direction=to-constant)',
  optLevel: 1,
  options: t.strict({ direction: t.keyof({ 'to-initializer': null, 'to-constant': null }) }),
  defaults: { direction: 'to-initializer' as 'to-initializer' | 'to-constant' },
  optionDocs: { direction: 'to-initializer: Constant nodes → initializers; to-constant: the reverse' },
  run(model, _ctx, opts) {
    let modified = false;
    const sparseOk = (model.opset('') ?? 1) >= 11;
    const toInitializers = (g: Graph): void => {
      for (const n of g) {
        if (n.hasSubgraphs()) for (const sg of n.subgraphs()) toInitializers(sg);
        const cv = constantValue(n);
        const y = n.outputs[0];
        if (cv === undefined || y === undefined || y.name === '' || isOutputOf(y, g)) continue;
        const dims = cv.kind === 'dense' ? cv.tensor.dims : cv.sparse.dims;
        const dtype = cv.kind === 'dense' ? cv.tensor.dtype : cv.sparse.values.dtype;
        const v = new Value(y.name, cv.kind === 'dense' ? tensorType(dtype, dims) : (y.type ?? tensorType(dtype, dims)), cv.kind === 'dense' ? cv.tensor : undefined);
        y.replaceAllUsesWith(v, { replaceGraphOutputs: true });
        g.remove(n);
        if (cv.kind === 'dense') {
          g.addInitializer(v);
        } else {
          v.sparseValue = cv.sparse;
          g.addSparseInitializer(v);
        }
        modified = true;
      }
    };
    const toConstants = (g: Graph): void => {
      const made: Node[] = [];
      const convert = (v: Value, sparse: boolean): void => {
        if (v.isGraphInput()) return;
        // A sparse initializer is a dense value for its consumers: the Constant's output is dense.
        const sv = v.sparseValue;
        const out = new Value(v.name, sparse && sv !== undefined ? tensorType(sv.values.dtype, sv.dims) : v.type);
        const node = new Node({
          opType: 'Constant',
          name: g.names.freshNodeName(`Constant_${v.name}`),
          outputs: [out],
          attributes: sparse ? { sparse_value: { type: 'SPARSE_TENSOR', value: v.sparseValue! } } : { value: { type: 'TENSOR', value: v.constValue! } },
        });
        v.replaceAllUsesWith(out, { replaceGraphOutputs: true });
        if (sparse) g.removeSparseInitializer(v);
        else g.removeInitializer(v);
        made.push(node);
      };
      for (const v of [...g.initializers.values()]) convert(v, false);
      if (sparseOk) for (const v of [...g.sparseInitializers.values()]) convert(v, true);
      for (const n of g) if (n.hasSubgraphs()) for (const sg of n.subgraphs()) toConstants(sg);
      if (made.length > 0) {
        g.prepend(made);
        modified = true;
      }
    };
    if (opts.direction === 'to-initializer') toInitializers(model.graph);
    else toConstants(model.graph);
    return { modified };
  },
});

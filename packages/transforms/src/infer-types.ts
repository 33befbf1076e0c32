import * as t from 'io-ts';
import { graphValues, walkGraphs, type Model, type Value } from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { TypeInferencer } from './infer-types-engine.js';

/**
 * Infers element types and shapes of every value, in every graph (If/Loop/Scan bodies
 * included), from the versioned ONNX schema table and per-op shape rules.
 *
 * 1. Element types: an output bound to its inputs' type parameter takes their type; fixed
 *    output types are set; attribute-driven outputs follow the attribute (`Cast.to`,
 *    `ConstantOfShape.value`, `dtype`, `output_datatype`, `stash_type`, `output_dtype`, Constant
 *    values); If outputs come from the branches, Loop/Scan outputs from the body, whose
 *    parameters are typed from the outer inputs first.
 * 2. Shapes: broadcasting, MatMul/Gemm, Conv/pool windows (pads, auto_pad, strides, dilations),
 *    Reshape/Expand/Tile/ConstantOfShape/Slice/Squeeze/Unsqueeze/Pad/Split/TopK/Resize… with
 *    constant or propagated operands (`Shape → Gather → Concat → Reshape` keeps `N`), RNNs,
 *    reductions. Unknown dims stay unknown (`?`), symbols are kept.
 * 3. A declared type is never contradicted: a more specific declaration is kept, a less
 *    specific one is completed; a contradiction is reported (`infer-types-conflict`) and the
 *    declaration kept, unless `overwrite=true` (node outputs only). Ops without a schema keep
 *    their declared types. Graph inputs are never changed; body parameters only completed.
 * 4. Idempotent: a second run finds every type already complete and changes nothing.
 *
 * ```
 * before: main (float[N,4] X) => (float[N,2] Y) <float[4,2] W = {…}> { h = MatMul (X, W)  Y = Relu (h) }
 * after:  main (float[N,4] X) => (float[N,2] Y) <float[4,2] W = {…}, float[N,2] h> { … }
 * ```
 */
export const inferTypes = definePass({
  name: 'infer-types',
  description: 'Infer element types and shapes of all values (never contradicting declared types)',
  optLevel: 0,
  options: t.strict({ overwrite: t.boolean, shapes: t.boolean }),
  defaults: { overwrite: false, shapes: true },
  optionDocs: {
    overwrite: 'Let inferred types replace contradicting declared types of node outputs',
    shapes: 'Infer shapes too (false: element types only)',
  },
  run(model, ctx, opts) {
    const eng = new TypeInferencer(model, opts, (d) => ctx.report(d));
    eng.inferGraph(model.graph);
    return { modified: eng.modified };
  },
});

/**
 * Values of a model (every graph, subgraphs included) whose element type is unknown: graph
 * inputs, initializers and named node outputs without a dtype. Mixed precision needs this empty.
 */
export function untypedValues(model: Model): Value[] {
  const out: Value[] = [];
  for (const g of walkGraphs(model)) for (const v of graphValues(g)) if (v.dtype === undefined || v.dtype === 0) out.push(v);
  return out;
}

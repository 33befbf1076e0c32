import { Graph, Model, Node, Tensor, Value, tensorType, type Attr } from '@mixprec/ir';
import { executeModel } from '@mixprec/executor-tfjs';
import type { Evaluator } from '../src/index.js';

/** A one-node model whose inputs are graph inputs named in0, in1, … (omitted ones stay omitted). */
export function oneNode(op: string, inputs: readonly (Tensor | undefined)[], attrs: Record<string, Attr>, outputs: number, opset: number): Model {
  const g = new Graph('g');
  const ins = inputs.map((t, i) => {
    if (t === undefined) return undefined;
    const v = new Value(`in${i}`, tensorType(t.dtype, t.dims));
    g.addInput(v);
    return v;
  });
  const n = new Node({ opType: op, inputs: ins, outputs: Array.from({ length: outputs }, (_, i) => `out${i}`), attributes: attrs });
  g.append(n);
  for (const o of n.outputs) g.addOutput(o);
  return new Model(g, { irVersion: 8, opsetImports: [['', opset]] });
}

/**
 * The reference executor as an Evaluator: runs a one-node model on tfjs. An example of a
 * pluggable evaluator (tests only: transforms does not depend on the executor). Call
 * `initBackend` first; a node the executor cannot run gives undefined.
 */
export const executorEvaluator: Evaluator = {
  evaluate(node, inputs, info) {
    const attrs = Object.fromEntries(node.attributes);
    const m = oneNode(node.opType, inputs, attrs, node.outputs.length, info.opset);
    const feeds: Record<string, Tensor> = {};
    inputs.forEach((t, i) => { if (t !== undefined) feeds[`in${i}`] = t; });
    const r = executeModel(m, feeds);
    if (r._tag === 'Left') return undefined;
    return node.outputs.map((_, i) => r.right.outputs[`out${i}`]!);
  },
};

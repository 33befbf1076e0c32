import { DataType, GraphBuilder, attr, floatTensor, type Model, type Value } from '@mixprec/ir';

/** Seeded weights in [-scale, scale) (a 32-bit LCG: no data files). */
function weights(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

/**
 * A classifier head as exporters write it, Linear layers as MatMul + Add:
 *
 * ```
 * x[1,64] → fc1 (MatMul, Add) → Relu → fc2 (MatMul, Add) → Relu → fc3 (MatMul, Add) → Softmax → probs[1,10]
 * ```
 * Value types are left to `infer-types`, as in most exported models.
 */
export function buildMlp(): Model {
  const b = new GraphBuilder();
  const x = b.input('x', DataType.FLOAT, [1, 64]);
  const layer = (name: string, input: Value, inN: number, outN: number, seed: number): Value => {
    const w = b.initializer(`${name}.weight`, floatTensor([inN, outN], weights(inN * outN, seed, 1 / Math.sqrt(inN))));
    const bias = b.initializer(`${name}.bias`, floatTensor([outN], weights(outN, seed + 100, 0.1)));
    return b.op1('Add', [b.op1('MatMul', [input, w], { name: `${name}/MatMul` }), bias], { name: `${name}/Add` });
  };
  const h1 = b.op1('Relu', [layer('fc1', x, 64, 128, 1)], { name: 'relu1' });
  const h2 = b.op1('Relu', [layer('fc2', h1, 128, 128, 2)], { name: 'relu2' });
  const logits = layer('fc3', h2, 128, 10, 3);
  const probs = b.op1('Softmax', [logits], { name: 'softmax', attrs: { axis: attr.int(-1) } });
  b.output(probs, 'probs').type = { kind: 'tensor', dtype: DataType.FLOAT, shape: [1, 10] };
  return b.model({ opset: 17 });
}

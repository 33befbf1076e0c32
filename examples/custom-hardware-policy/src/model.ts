import { DataType, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Model } from '@mixprec/ir';

/** Deterministic weights in [-scale, scale) (a small LCG, so the example needs no data files). */
function weights(dims: readonly number[], seed: number, scale = 0.1): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

/**
 * A small classifier that exercises every rule of the Acme NPU policy:
 *
 * ```
 * x[1,16,32,32] → conv_big (64·16·3·3 = 9216 weights) → relu → conv_dw (depthwise, group 64)
 *   → conv_small (8·64·1·1 = 512 weights) → relu_small → flatten [1,8192]
 *   → fc_long (MatMul, K = 8192) → npu.FusedGelu → fc_short (MatMul, K = 64) → softmax → probs[1,10]
 * ```
 */
export function buildDemoModel(): Model {
  const b = new GraphBuilder();
  const f = (shape: readonly number[]) => tensorType(DataType.FLOAT, shape);
  const x = b.input('x', DataType.FLOAT, [1, 16, 32, 32]);
  const w1 = b.initializer('conv_big.weight', floatTensor([64, 16, 3, 3], weights([64, 16, 3, 3], 1)));
  const c1 = b.op1('Conv', [x, w1], { name: 'conv_big', attrs: { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) }, type: f([1, 64, 32, 32]) });
  const r1 = b.op1('Relu', [c1], { name: 'relu', type: f([1, 64, 32, 32]) });
  const wdw = b.initializer('conv_dw.weight', floatTensor([64, 1, 3, 3], weights([64, 1, 3, 3], 2)));
  const dw = b.op1('Conv', [r1, wdw], { name: 'conv_dw', attrs: { group: attr.int(64), pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) }, type: f([1, 64, 32, 32]) });
  const w2 = b.initializer('conv_small.weight', floatTensor([8, 64, 1, 1], weights([8, 64, 1, 1], 3)));
  const c2 = b.op1('Conv', [dw, w2], { name: 'conv_small', type: f([1, 8, 32, 32]) });
  const r2 = b.op1('Relu', [c2], { name: 'relu_small', type: f([1, 8, 32, 32]) });
  const shape = b.initializer('flat_shape', int64Tensor([2], [1, 8192]));
  const flat = b.op1('Reshape', [r2, shape], { name: 'flatten', type: f([1, 8192]) });
  const wl = b.initializer('fc_long.weight', floatTensor([8192, 64], weights([8192, 64], 4, 0.02)));
  const h = b.op1('MatMul', [flat, wl], { name: 'fc_long', type: f([1, 64]) });
  const g = b.op1('FusedGelu', [h], { name: 'gelu', domain: 'npu', type: f([1, 64]) });
  const ws = b.initializer('fc_short.weight', floatTensor([64, 10], weights([64, 10], 5)));
  const logits = b.op1('MatMul', [g, ws], { name: 'fc_short', type: f([1, 10]) });
  const probs = b.op1('Softmax', [logits], { name: 'softmax', attrs: { axis: attr.int(-1) }, type: f([1, 10]) });
  b.output(probs, 'probs');
  return b.model({ opset: 17, opsets: { npu: 1 } });
}

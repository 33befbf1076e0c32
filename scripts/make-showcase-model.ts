/**
 * Builds examples/models/showcase.onnx: a small image model (Conv, Resize, BatchNormalization,
 * attention with a -inf-style mask, LayerNormalization, an epsilon, a classifier head) whose
 * conversion exercises the rules that matter on real models:
 * - Resize `scales` stays float32 (schema: tensor(float) only);
 * - a BatchNormalization running variance of 1e8 keeps that node float32 (weight range);
 * - the attention mask's float32-lowest sentinel saturates to -65504 (reported);
 * - an epsilon of 1e-12 would underflow to 0 in float16 (reported, kept as the smallest subnormal).
 * Deterministic: `npx tsx scripts/make-showcase-model.ts [OUT]` rewrites the same bytes.
 */
import fs from 'node:fs';
import {
  DataType, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Model, type Value,
} from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { mulberry32 } from '@mixprec/testing';

export function showcaseModel(): Model {
  const r = mulberry32(2026);
  const w = (dims: number[], scale: number): number[] => Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (r() * 2 - 1) * scale);
  const b = new GraphBuilder();
  const C = 16;
  const x = b.input('image', DataType.FLOAT, [1, 3, 16, 16]);
  const conv1 = b.op1('Conv', [x, b.initializer('conv1.weight', floatTensor([C, 3, 3, 3], w([C, 3, 3, 3], 0.4))), b.initializer('conv1.bias', floatTensor([C], w([C], 0.1)))],
    { attrs: { pads: attr.ints([1, 1, 1, 1]) }, name: 'conv1' });
  const relu1 = b.op1('Relu', [conv1], { name: 'relu1' });
  const pool = b.op1('MaxPool', [relu1], { attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, name: 'pool' });
  const up = b.op1('Resize', [pool, undefined, b.initializer('up.scales', floatTensor([4], [1, 1, 2, 2]))], { attrs: { mode: attr.string('nearest') }, name: 'upsample' });
  const conv2 = b.op1('Conv', [up, b.initializer('conv2.weight', floatTensor([C, C, 3, 3], w([C, C, 3, 3], 0.15)))], { attrs: { pads: attr.ints([1, 1, 1, 1]) }, name: 'conv2' });
  // A BatchNormalization whose running variance reaches 1e8 (PaddleOCR det has 9.8e7).
  const variance = w([C], 1).map((v, i) => (i === 3 ? 1e8 : 0.5 + Math.abs(v)));
  const bn = b.op1('BatchNormalization', [
    conv2,
    b.initializer('bn.scale', floatTensor([C], w([C], 1).map((v) => 1 + 0.2 * v))),
    b.initializer('bn.bias', floatTensor([C], w([C], 0.1))),
    b.initializer('bn.mean', floatTensor([C], w([C], 0.2))),
    b.initializer('bn.var', floatTensor([C], variance)),
  ], { name: 'bn' });
  const relu2 = b.op1('Relu', [bn], { name: 'relu2' });
  // Tokens: [1, C, 16, 16] → [1, 256, C].
  const flat = b.op1('Reshape', [relu2, b.initializer('tokens.shape', int64Tensor([3], [1, C, 256]))], { name: 'to_tokens' });
  const tokens = b.op1('Transpose', [flat], { attrs: { perm: attr.ints([0, 2, 1]) }, name: 'tokens' });
  const proj = (name: string): Value => b.op1('MatMul', [tokens, b.initializer(`${name}.weight`, floatTensor([C, C], w([C, C], 0.3)))], { name });
  const q = proj('q');
  const k = proj('k');
  const v = proj('v');
  const kt = b.op1('Transpose', [k], { attrs: { perm: attr.ints([0, 2, 1]) }, name: 'k_t' });
  const scores = b.op1('MatMul', [q, kt], { name: 'scores' });
  const scaled = b.op1('Mul', [scores, b.initializer('scale', floatTensor([], [0.25]))], { name: 'scaled' });
  // A causal-style mask with float32's lowest value as the "minus infinity" sentinel.
  const mask = new Array<number>(256 * 256);
  for (let i = 0; i < 256; i++) for (let j = 0; j < 256; j++) mask[i * 256 + j] = j > i + 64 ? -3.4028234663852886e38 : 0;
  const masked = b.op1('Add', [scaled, b.initializer('attn.mask', floatTensor([1, 256, 256], mask))], { name: 'masked' });
  const probs = b.op1('Softmax', [masked], { attrs: { axis: attr.int(-1) }, name: 'softmax' });
  const ctx = b.op1('MatMul', [probs, v], { name: 'context' });
  const res = b.op1('Add', [ctx, tokens], { name: 'residual' });
  const ln = b.op1('LayerNormalization', [res, b.initializer('ln.scale', floatTensor([C], w([C], 1).map((s) => 1 + 0.1 * s))), b.initializer('ln.bias', floatTensor([C], w([C], 0.1)))],
    { attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5) }, name: 'ln' });
  // Mean over tokens, then an RMS-style normalisation with an epsilon of 1e-12.
  const mean = b.op1('ReduceMean', [ln], { attrs: { axes: attr.ints([1]), keepdims: attr.int(0) }, name: 'mean_tokens' });
  const sq = b.op1('Mul', [mean, mean], { name: 'square' });
  const ms = b.op1('ReduceMean', [sq], { attrs: { axes: attr.ints([-1]), keepdims: attr.int(1) }, name: 'mean_square' });
  const denom = b.op1('Sqrt', [b.op1('Add', [ms, b.initializer('rms.eps', floatTensor([], [1e-12]))], { name: 'add_eps' })], { name: 'rms' });
  const normed = b.op1('Div', [mean, denom], { name: 'normalize' });
  const logits = b.op1('Gemm', [normed, b.initializer('head.weight', floatTensor([10, C], w([10, C], 0.5))), b.initializer('head.bias', floatTensor([10], w([10], 0.1)))],
    { attrs: { transB: attr.int(1) }, name: 'head' });
  b.output(b.op1('Softmax', [logits], { attrs: { axis: attr.int(-1) }, name: 'probabilities', type: tensorType(DataType.FLOAT, [1, 10]) }), 'probabilities');
  const model = b.model({ opset: 17, irVersion: 8 });
  model.producerName = 'mixprec showcase';
  model.docString = 'A small model whose FP16 conversion exercises the schema, range, saturation and underflow rules.';
  return model;
}

const out = process.argv[2] ?? 'examples/models/showcase.onnx';
fs.writeFileSync(out, encodeModel(showcaseModel()));

/**
 * Small models for the validation tests, each showing one way a 16-bit conversion goes wrong,
 * built in code with a planted culprit whose name the tests expect back.
 */
import {
  DataType, Graph, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Model, type Tensor, type Value,
} from '@mixprec/ir';
import { audioTensor, mulberry32 } from '@mixprec/testing';

export { overflowModel, spectrumModel } from '@mixprec/testing';

const F = DataType.FLOAT;

/** Marks `v` as graph output `Y`, declared float (ONNX graph outputs carry a type). */
function outputY(b: GraphBuilder, v: Value): void {
  v.type = tensorType(F);
  b.output(v, 'Y');
}

/** Seeded uniform values in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
}

/** Feeds `{ X }` of shape `dims`, uniform in [lo, hi). */
export function feedX(dims: number[], seed: number, lo = -1, hi = 1): Record<string, Tensor> {
  return { X: floatTensor(dims, uniform(dims.reduce((a, b) => a * b, 1), seed, lo, hi)) };
}

/**
 * X[1,64] → Add +1000 'shift' → Relu 'keep' → Sub −1000 'unshift' → Mul ×3 'gain' → Y.
 * FP16 rounds 1000 + x to a multiple of 0.5 (or 1), so the Sub cancels into an error of up to
 * 0.25 on values of ~1: 'unshift' diverges while its input agrees — but keeping it float32
 * alone does not help, its input must stay float32 too.
 */
export function cancellationModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 64]);
  const c = b.initializer('C', floatTensor([], [1000]));
  const three = b.initializer('three', floatTensor([], [3]));
  const s = b.op1('Add', [x, c], { name: 'shift', output: 'shift_out' });
  const r = b.op1('Relu', [s], { name: 'keep', output: 'keep_out' });
  const u = b.op1('Sub', [r, c], { name: 'unshift', output: 'unshift_out' });
  outputY(b, b.op1('Mul', [u, three], { name: 'gain', output: 'Y' }));
  return b.model({ opset: 17 });
}

/**
 * X[256,16] → MatMul 'proj' → Mul ×400 'steep' → Sigmoid 'sig' → Y: a steep sigmoid turns the
 * small rounding error of its logits into a large one — it amplifies, it does not cause.
 */
export function steepSigmoidModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [256, 16]);
  const w = b.initializer('W', floatTensor([16, 16], uniform(256, 11)));
  const k = b.initializer('K', floatTensor([], [400]));
  const p = b.op1('MatMul', [x, w], { name: 'proj', output: 'proj_out' });
  const z = b.op1('Mul', [p, k], { name: 'steep', output: 'steep_out' });
  outputY(b, b.op1('Sigmoid', [z], { name: 'sig', output: 'Y' }));
  return b.model({ opset: 17 });
}

/**
 * A chain of `depth` × (MatMul 'mm<i>' [W 32×32] → Tanh 'act<i>'), X[8,32] → Y: the FP16
 * rounding error is spread over every layer; no single node is to blame.
 */
export function chainModel(depth = 6): Model {
  const b = new GraphBuilder();
  let h = b.input('X', F, [8, 32]);
  for (let i = 0; i < depth; i++) {
    const w = b.initializer(`W${i}`, floatTensor([32, 32], uniform(32 * 32, 100 + i, -0.45, 0.45)));
    h = b.op1('Tanh', [b.op1('MatMul', [h, w], { name: `mm${i}`, output: `mm${i}_out` })], { name: `act${i}`, output: `act${i}_out` });
  }
  outputY(b, h);
  return b.model({ opset: 17 });
}

/** X[N, L] (symbolic) → ReduceMean over L 'mean' → Y: small outputs, large partial sums. */
export function meanModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, ['N', 'L']);
  outputY(b, b.op1('ReduceMean', [x], { name: 'mean', output: 'Y', attrs: { axes: attr.ints([1]), keepdims: attr.int(0) } }));
  return b.model({ opset: 17 });
}

/** Feeds `{ X }` of {@link spectrumModel}: integer noise in [-amp, amp]. */
export function audioFeeds(n: number, seed: number, amp: number): Record<string, Tensor> {
  return { X: audioTensor(n, seed, amp) };
}

/** Loop M times: s ← s + X·i (body values 'body_mul', 's_out'), Y = final s. */
export function loopModel(): Model {
  const b = new GraphBuilder();
  const m = b.input('M', DataType.INT64, []);
  const x = b.input('X', F, [2]);
  const s0 = b.initializer('s0', floatTensor([2], [0, 0]));
  const body = new GraphBuilder(new Graph('body'));
  const i = body.input('i', DataType.INT64, []);
  const cin = body.input('cond_in', DataType.BOOL, []);
  const s = body.input('s', F, [2]);
  const fi = body.op1('Cast', [i], { attrs: { to: attr.int(DataType.FLOAT) }, output: 'body_i' });
  const s2 = body.op1('Add', [s, body.op1('Mul', [x, fi], { output: 'body_mul' })], { output: 's_out' });
  body.output(body.op1('Identity', [cin], { output: 'cond_out' }), 'cond_out');
  body.output(s2, 's_out');
  const [sf] = b.op('Loop', [m, undefined, s0], { attrs: { body: attr.graph(body.graph) }, outputs: ['Y'], name: 'loop' });
  outputY(b, sf!);
  return b.model({ opset: 17 });
}

/** Feeds of {@link loopModel}. */
export function loopFeeds(trips: number, x: [number, number]): Record<string, Tensor> {
  return { M: int64Tensor([], [trips]), X: floatTensor([2], x) };
}

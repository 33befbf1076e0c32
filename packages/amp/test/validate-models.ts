/**
 * Small models for the validation tests, each showing one way a 16-bit conversion goes wrong,
 * built in code with a planted culprit whose name the tests expect back.
 */
import {
  DataType, Graph, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Model, type Tensor, type Value,
} from '@mixprec/ir';
import { mulberry32 } from '@mixprec/testing';

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
 * X[1,16] → MatMul 'proj' → Mul ×3e4 'planted' → Div ÷3e4 'unscale' → Add 'bias' → Y.
 * In FP32 'planted' reaches ~1e5; in FP16 it overflows to ±inf, which every later node carries.
 */
export function overflowModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 16]);
  const w = b.initializer('W', floatTensor([16, 16], uniform(256, 7, 0.2, 0.6)));
  const k = b.initializer('K', floatTensor([], [3e4]));
  const bias = b.initializer('B', floatTensor([16], uniform(16, 8)));
  const p = b.op1('MatMul', [x, w], { name: 'proj', output: 'proj_out' });
  const big = b.op1('Mul', [p, k], { name: 'planted', output: 'planted_out' });
  const back = b.op1('Div', [big, k], { name: 'unscale', output: 'unscale_out' });
  outputY(b, b.op1('Add', [back, bias], { name: 'bias', output: 'Y' }));
  return b.model({ opset: 17 });
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

/**
 * A power spectrum of audio: X[1,1,N] (int16 amplitude) → Conv 'frames' (32 windowed cosine
 * filters of 64 taps, hop 32, scaled by 1/64) → Pow 2 'power' → Add 'floor' → Log 'log' → Y.
 * The power floor defaults to 1e3, the usual −60 dB floor (1e-6 of full-scale power) in int16
 * units. The Conv output fits FP16 (|x| ≲ 1e4) but its square does not: FP16 gives +inf, then
 * log(inf).
 */
export function spectrumModel(n = 4096, floor = 1e3): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 1, n]);
  const bins = 32;
  const taps = 64;
  const w = new Float32Array(bins * taps);
  for (let k = 0; k < bins; k++) {
    for (let t = 0; t < taps; t++) {
      const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / (taps - 1));
      w[k * taps + t] = (hann * Math.cos((2 * Math.PI * (k + 0.5) * t) / taps)) / taps;
    }
  }
  const wt = b.initializer('filters', floatTensor([bins, 1, taps], w));
  const two = b.initializer('two', floatTensor([], [2]));
  const eps = b.initializer('eps', floatTensor([], [floor]));
  const fr = b.op1('Conv', [x, wt], { name: 'frames', output: 'frames_out', attrs: { strides: attr.ints([32]), kernel_shape: attr.ints([taps]) } });
  const pw = b.op1('Pow', [fr, two], { name: 'power', output: 'power_out' });
  const fl = b.op1('Add', [pw, eps], { name: 'floor', output: 'floor_out' });
  outputY(b, b.op1('Log', [fl], { name: 'log', output: 'Y' }));
  return b.model({ opset: 17 });
}

/** Audio at int16 amplitude: seeded noise in [-amp, amp). */
export function audioFeeds(n: number, seed: number, amp: number): Record<string, Tensor> {
  const rng = mulberry32(seed);
  return { X: floatTensor([1, 1, n], Float32Array.from({ length: n }, () => Math.round((rng() * 2 - 1) * amp))) };
}

/** X[N, L] (symbolic) → ReduceMean over L 'mean' → Y: small outputs, large partial sums. */
export function meanModel(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, ['N', 'L']);
  outputY(b, b.op1('ReduceMean', [x], { name: 'mean', output: 'Y', attrs: { axes: attr.ints([1]), keepdims: attr.int(0) } }));
  return b.model({ opset: 17 });
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

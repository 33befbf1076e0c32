import { DataType, GraphBuilder, attr, floatTensor, tensorType, type Model, type Tensor } from '@mixprec/ir';
import { mulberry32 } from './random.js';

/*
 * Models with a planted 16-bit failure, shared by the validation tests (amp, CLI, end-to-end):
 * each one fails in FP16 for a known reason at a known, named node.
 */

const F = DataType.FLOAT;

/**
 * X[1,16] → MatMul 'proj' → Mul ×3e4 'planted' → Div ÷3e4 'unscale' → Add 'bias' → Y[1,16].
 * For X in [0, 1) the MatMul gives ~3, so 'planted' reaches ~1e5 in FP32 and +inf in FP16,
 * which every later node carries: the culprit is 'planted'.
 */
export function overflowModel(): Model {
  const rng = mulberry32(7);
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 16]);
  const w = b.initializer('W', floatTensor([16, 16], Float32Array.from({ length: 256 }, () => 0.2 + 0.4 * rng())));
  const k = b.initializer('K', floatTensor([], [3e4]));
  const bias = b.initializer('B', floatTensor([16], Float32Array.from({ length: 16 }, () => rng() * 2 - 1)));
  const p = b.op1('MatMul', [x, w], { name: 'proj', output: 'proj_out' });
  const big = b.op1('Mul', [p, k], { name: 'planted', output: 'planted_out' });
  const back = b.op1('Div', [big, k], { name: 'unscale', output: 'unscale_out' });
  b.output(b.op1('Add', [back, bias], { name: 'bias', output: 'Y', type: tensorType(F, [1, 16]) }), 'Y');
  return b.model({ opset: 17 });
}

/**
 * A power spectrum of audio: X[1,1,N] → Conv 'frames' (32 Hann-windowed cosine filters of 64
 * taps, hop 32, scaled by 1/64) → Pow 2 'power' → Add 'floor' → Log 'log' → Y[1,32,frames].
 * The power floor defaults to 1e3, the usual −60 dB (1e-6 of full-scale power) in int16 units.
 * For audio at int16 amplitude the Conv output fits FP16 (|x| ≲ 1e4) but its square does not:
 * FP16 gives +inf, then log(inf). Quiet audio (|x| ≲ 100) is fine in FP16.
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
  const fr = b.op1('Conv', [x, b.initializer('filters', floatTensor([bins, 1, taps], w))], {
    name: 'frames', output: 'frames_out', attrs: { strides: attr.ints([32]), kernel_shape: attr.ints([taps]) },
  });
  const pw = b.op1('Pow', [fr, b.initializer('two', floatTensor([], [2]))], { name: 'power', output: 'power_out' });
  const fl = b.op1('Add', [pw, b.initializer('eps', floatTensor([], [floor]))], { name: 'floor', output: 'floor_out' });
  b.output(b.op1('Log', [fl], { name: 'log', output: 'Y', type: tensorType(F) }), 'Y');
  return b.model({ opset: 17 });
}

/** Audio X[1,1,n] of integer noise in [-amp, amp] (int16 amplitude for amp ≈ 2e4), seeded. */
export function audioTensor(n: number, seed: number, amp: number): Tensor {
  const rng = mulberry32(seed);
  return floatTensor([1, 1, n], Float32Array.from({ length: n }, () => Math.round((rng() * 2 - 1) * amp)));
}

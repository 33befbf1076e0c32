/** Small models for the validate/auto CLI tests, saved as .onnx files, with .npy data. */
import fs from 'node:fs';
import path from 'node:path';
import { DataType, GraphBuilder, attr, floatTensor, tensorType, type Model, type Tensor } from '@mixprec/ir';
import { encodeModel, encodeTensor } from '@mixprec/onnx';
import { mulberry32 } from '@mixprec/testing';
import { encodeNpy } from '../src/data/npy.js';

const F = DataType.FLOAT;

/** X[1,16] → MatMul 'proj' → Mul ×3e4 'planted' → Div ÷3e4 'unscale' → Add 'bias' → Y: 'planted' overflows FP16 for X in [0, 1). */
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
  const y = b.op1('Add', [back, bias], { name: 'bias', output: 'Y', type: tensorType(F, [1, 16]) });
  b.output(y, 'Y');
  return b.model({ opset: 17 });
}

/** Writes the model and returns its path. */
export function save(dir: string, name: string, m: Model): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeModel(m));
  return file;
}

/** Uniform [lo, hi) values, seeded. */
export function uniformTensor(dims: number[], seed: number, lo: number, hi: number): Tensor {
  const rng = mulberry32(seed);
  return floatTensor(dims, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng()));
}

/** An ONNX test-data folder `dir/test_data_set_<i>/input_0.pb` per tensor; returns `dir`. */
export function testData(dir: string, name: string, tensors: readonly Tensor[]): string {
  const root = path.join(dir, name);
  tensors.forEach((t, i) => {
    const d = path.join(root, `test_data_set_${i}`);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'input_0.pb'), encodeTensor(t, 'X'));
  });
  return root;
}

/** A `.npy` file holding `t`. */
export function npy(dir: string, name: string, t: Tensor): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, encodeNpy(t));
  return file;
}

/** Conv (32 windowed cosines, 64 taps, hop 32, /64) → Pow 2 → Add 1e3 → Log over X[1,1,N]: the FP16 power overflows for int16 audio. */
export function spectrumModel(n = 4096): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 1, n]);
  const w = new Float32Array(32 * 64);
  for (let k = 0; k < 32; k++) {
    for (let t = 0; t < 64; t++) w[k * 64 + t] = ((0.5 - 0.5 * Math.cos((2 * Math.PI * t) / 63)) * Math.cos((2 * Math.PI * (k + 0.5) * t) / 64)) / 64;
  }
  const fr = b.op1('Conv', [x, b.initializer('filters', floatTensor([32, 1, 64], w))], { name: 'frames', output: 'frames_out', attrs: { strides: attr.ints([32]) } });
  const pw = b.op1('Pow', [fr, b.initializer('two', floatTensor([], [2]))], { name: 'power', output: 'power_out' });
  const fl = b.op1('Add', [pw, b.initializer('eps', floatTensor([], [1e3]))], { name: 'floor', output: 'floor_out' });
  b.output(b.op1('Log', [fl], { name: 'log', output: 'Y', type: tensorType(F) }), 'Y');
  return b.model({ opset: 17 });
}

/** Audio at int16 amplitude: integer noise in [-amp, amp]. */
export function audio(n: number, seed: number, amp: number): Tensor {
  const rng = mulberry32(seed);
  return floatTensor([1, 1, n], Float32Array.from({ length: n }, () => Math.round((rng() * 2 - 1) * amp)));
}

/** Small models for the validate/auto CLI tests, saved as .onnx files, with .npy data. */
import fs from 'node:fs';
import path from 'node:path';
import { floatTensor, type Model, type Tensor } from '@mixprec/ir';
import { encodeModel, encodeTensor } from '@mixprec/onnx';
import { mulberry32 } from '@mixprec/testing';
import { encodeNpy } from '../src/data/npy.js';

export { audioTensor as audio, overflowModel, spectrumModel } from '@mixprec/testing';

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

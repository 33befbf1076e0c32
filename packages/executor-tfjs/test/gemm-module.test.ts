import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { attr, DataType, GraphBuilder, Tensor } from '@mixprec/ir';
import { generateInputs, initBackend } from '../src/index.js';
import { instantiateGemm, packColumns, type Gemm } from '../src/gemm-module.js';
import { GEMM } from '../src/heap-kernels.js';
import { nums, run } from './helpers.js';

/**
 * The executor's matrix product (WebAssembly SIMD on the wasm backend memory), on a memory of
 * its own against float32 arithmetic in the same order: bias, then + a·b over k ascending,
 * each product and sum rounded to float32 — bit for bit.
 */

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

describe('matrix product kernel (gemm-module)', () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  let gemm: Gemm;
  before(() => {
    const g = instantiateGemm(memory);
    if (g === undefined) throw new Error('WebAssembly SIMD is not available in this runtime');
    gemm = g;
  });

  // Every tile: 4×8 body, 4×4 column tail (N mod 8 = 4), 1-row tails (M mod 4 ≠ 0), K = 1.
  for (const [m, n, k] of [[1, 4, 1], [3, 12, 5], [4, 8, 1], [7, 8, 3], [9, 20, 17], [64, 60, 33], [13, 36, 120]] as const) {
    it(`[${m}, ${k}] · [${k}, ${n}] + bias equals sequential float32 arithmetic bit for bit`, () => {
      const rnd = lcg(m * 1000 + n * 10 + k);
      const a = Float32Array.from({ length: m * k }, rnd);
      const b = Float32Array.from({ length: k * n }, rnd);
      const bias = Float32Array.from({ length: n }, rnd);
      const f = new Float32Array(memory.buffer);
      const A = 0;
      const B = A + a.length * 4;
      const BIAS = B + b.length * 4;
      const C = BIAS + bias.length * 4;
      f.set(a, A / 4);
      f.set(packColumns(b, k, n), B / 4);
      f.set(bias, BIAS / 4);
      f.fill(NaN, C / 4, C / 4 + m * n + 8);
      gemm(A, B, C, BIAS, m, n, k);
      const got = new Float32Array(memory.buffer, C, m * n + 8);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = bias[j]!;
          for (let q = 0; q < k; q++) acc = Math.fround(acc + Math.fround(a[i * k + q]! * b[q * n + j]!));
          if (!Object.is(got[i * n + j], acc)) expect.fail(`C[${i}, ${j}] = ${got[i * n + j]}, want ${acc}`);
        }
      }
      // Nothing is written past C.
      for (let i = m * n; i < m * n + 8; i++) expect(Number.isNaN(got[i])).to.equal(true);
    });
  }

  it('N not a multiple of 4 or K = 0 is refused', () => {
    expect(() => gemm(0, 0, 0, 0, 1, 6, 2)).to.throw(/multiple of 4/);
    expect(() => gemm(0, 0, 0, 0, 1, 4, 0)).to.throw(/K ≥ 1/);
  });

  it('on the wasm backend, MatMul by a weight initializer (N = 6, padded) equals MatMul by the same weight fed as an input, bit for bit', async () => {
    const backend = await initBackend('wasm').catch(() => undefined);
    if (backend !== 'wasm') return;
    const rnd = lcg(5);
    const w = Tensor.of(DataType.FLOAT, [7, 6], Float32Array.from({ length: 42 }, rnd));
    const make = (asInput: boolean) => {
      const b = new GraphBuilder();
      const x = b.input('X', DataType.FLOAT, [2, 5, 7]);
      const wv = asInput ? b.input('W', DataType.FLOAT, [7, 6]) : b.initializer('W', w);
      b.output(b.op1('MatMul', [x, wv]), 'Y');
      b.output(b.op1('MatMul', [b.op1('ReduceMax', [x], { attrs: { axes: attr.ints([0, 1]), keepdims: attr.int(0) } }), wv]), 'V');
      return b.model({ opset: 17 });
    };
    const m = make(false);
    const feeds = generateInputs(m, { seed: 6 });
    const own = await run(m, feeds);
    const xnn = await run(make(true), { ...feeds, W: w });
    expect(own.outputs['Y']!.dims).to.deep.equal([2, 5, 6]);
    expect(own.outputs['V']!.dims).to.deep.equal([6]);
    for (const o of ['Y', 'V']) expect(nums(own.outputs[o]), o).to.deep.equal(nums(xnn.outputs[o]));
  });

  it('on the wasm backend, a pointwise Conv on a channels-last input runs on it and matches float64', async () => {
    const backend = await initBackend('wasm').catch(() => undefined);
    if (backend !== 'wasm') return;
    expect(tf.getKernel(GEMM, 'wasm')).to.not.equal(undefined);
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [1, 5, 3, 3]);
    const rnd = lcg(3);
    const w1 = b.initializer('W1', Tensor.of(DataType.FLOAT, [6, 5, 3, 3], Float32Array.from({ length: 270 }, rnd)));
    const w2 = b.initializer('W2', Tensor.of(DataType.FLOAT, [12, 6, 1, 1], Float32Array.from({ length: 72 }, rnd)));
    const c1 = b.op1('Conv', [x, w1], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    b.output(c1, 'C1');
    b.output(b.op1('Conv', [c1, w2]), 'Y');
    const m = b.model({ opset: 17 });
    const feeds = generateInputs(m, { seed: 4 });
    const r = await run(m, feeds);
    const c = nums(r.outputs['C1']);
    const w = Array.from(w2.constValue!.data as Float32Array);
    const y = nums(r.outputs['Y']);
    expect(r.outputs['Y']!.dims).to.deep.equal([1, 12, 3, 3]);
    for (let o = 0; o < 12; o++) {
      for (let p = 0; p < 9; p++) {
        let want = 0;
        for (let i = 0; i < 6; i++) want += w[o * 6 + i]! * c[i * 9 + p]!;
        expect(Math.abs(y[o * 9 + p]! - want)).to.be.below(1e-5 * Math.max(1, Math.abs(want)));
      }
    }
  });
});

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { attr, DataType, GraphBuilder, Tensor } from '@mixprec/ir';
import { generateInputs, initBackend } from '../src/index.js';
import { instantiateDepthwise, type Depthwise, type DepthwiseShape } from '../src/depthwise-module.js';
import { DEPTHWISE } from '../src/heap-kernels.js';
import { nums, run } from './helpers.js';

/**
 * The executor's depthwise convolution (WebAssembly SIMD on the wasm backend memory), on a
 * memory of its own against float32 arithmetic in the same order — bias, then the taps inside
 * the input, kh then kw ascending, each product and sum rounded — bit for bit.
 */

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function reference(x: Float32Array, f: Float32Array, bias: Float32Array, s: DepthwiseShape): Float32Array {
  const y = new Float32Array(s.n * s.oh * s.ow * s.c);
  let o = 0;
  for (let b = 0; b < s.n; b++) for (let i = 0; i < s.oh; i++) for (let j = 0; j < s.ow; j++) for (let ch = 0; ch < s.c; ch++) {
    let acc = bias[ch]!;
    for (let p = 0; p < s.kh; p++) for (let q = 0; q < s.kw; q++) {
      const ih = i * s.sh - s.pt + p;
      const iw = j * s.sw - s.pl + q;
      if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w) continue;
      acc = Math.fround(acc + Math.fround(x[((b * s.h + ih) * s.w + iw) * s.c + ch]! * f[(p * s.kw + q) * s.c + ch]!));
    }
    y[o++] = acc;
  }
  return y;
}

describe('depthwise convolution kernel (depthwise-module)', () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  let dw: Depthwise;
  before(() => {
    const d = instantiateDepthwise(memory);
    if (d === undefined) throw new Error('WebAssembly SIMD is not available in this runtime');
    dw = d;
  });

  const cases: readonly DepthwiseShape[] = [
    { n: 1, h: 5, w: 6, c: 4, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, oh: 5, ow: 6 },
    { n: 2, h: 7, w: 5, c: 20, kh: 5, kw: 5, sh: 2, sw: 1, pt: 2, pl: 2, oh: 4, ow: 5 },
    { n: 1, h: 4, w: 9, c: 32, kh: 1, kw: 3, sh: 1, sw: 2, pt: 0, pl: 1, oh: 4, ow: 5 },
    // asymmetric: nothing above/left, two rows/columns below/right; a kernel larger than the input
    { n: 1, h: 3, w: 3, c: 12, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, oh: 3, ow: 3 },
    { n: 1, h: 2, w: 2, c: 16, kh: 5, kw: 5, sh: 1, sw: 1, pt: 2, pl: 2, oh: 2, ow: 2 },
  ];
  for (const s of cases) {
    it(`[${s.n}, ${s.h}, ${s.w}, ${s.c}] by ${s.kh}×${s.kw}, strides ${s.sh}×${s.sw}, pads ${s.pt}/${s.pl} equals sequential float32 bit for bit`, () => {
      const rnd = lcg(s.c * 31 + s.kh);
      const x = Float32Array.from({ length: s.n * s.h * s.w * s.c }, rnd);
      const f = Float32Array.from({ length: s.kh * s.kw * s.c }, rnd);
      const bias = Float32Array.from({ length: s.c }, rnd);
      const X = 0;
      const F = X + x.length * 4;
      const B = F + f.length * 4;
      const Y = B + bias.length * 4;
      const mem = new Float32Array(memory.buffer);
      mem.set(x, X / 4);
      mem.set(f, F / 4);
      mem.set(bias, B / 4);
      const want = reference(x, f, bias, s);
      mem.fill(NaN, Y / 4, Y / 4 + want.length + 4);
      dw(X, F, B, Y, s);
      const got = new Float32Array(memory.buffer, Y, want.length + 4);
      for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`y[${i}] = ${got[i]}, want ${want[i]}`);
      for (let i = want.length; i < want.length + 4; i++) expect(Number.isNaN(got[i])).to.equal(true);
    });
  }

  it('on the wasm backend, a dilated depthwise Conv on a channels-last input runs on it and matches float64', async () => {
    const backend = await initBackend('wasm').catch(() => undefined);
    if (backend !== 'wasm') return;
    expect(tf.getKernel(DEPTHWISE, 'wasm')).to.not.equal(undefined);
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [1, 2, 6, 7]);
    const rnd = lcg(8);
    const w1 = b.initializer('W1', Tensor.of(DataType.FLOAT, [8, 2, 1, 1], Float32Array.from({ length: 16 }, rnd)));
    const w2 = b.initializer('W2', Tensor.of(DataType.FLOAT, [8, 1, 3, 3], Float32Array.from({ length: 72 }, rnd)));
    const b2 = b.initializer('B2', Tensor.of(DataType.FLOAT, [8], Float32Array.from({ length: 8 }, rnd)));
    const c1 = b.op1('Conv', [b.op1('Conv', [x, w1]), b.initializer('W0', Tensor.of(DataType.FLOAT, [8, 8, 1, 1], Float32Array.from({ length: 64 }, rnd)))]);
    // A 3×3 (padded) conv first makes the input channels-last.
    const c0 = b.op1('Conv', [c1, b.initializer('WS', Tensor.of(DataType.FLOAT, [8, 8, 3, 3], Float32Array.from({ length: 576 }, rnd)))], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    b.output(c0, 'C0');
    b.output(b.op1('Conv', [c0, w2, b2], { attrs: { group: attr.int(8), dilations: attr.ints([2, 1]), pads: attr.ints([2, 0, 1, 1]), strides: attr.ints([1, 2]) } }), 'Y');
    const m = b.model({ opset: 17 });
    const r = await run(m, generateInputs(m, { seed: 2 }));
    const c = nums(r.outputs['C0']);
    const w = Array.from(w2.constValue!.data as Float32Array);
    const bias = Array.from(b2.constValue!.data as Float32Array);
    // output: h = (6 + 2 + 1 − 5) + 1 = 5, w = floor((7 + 0 + 1 − 3) / 2) + 1 = 3
    expect(r.outputs['Y']!.dims).to.deep.equal([1, 8, 5, 3]);
    const y = nums(r.outputs['Y']);
    for (let ch = 0; ch < 8; ch++) for (let i = 0; i < 5; i++) for (let j = 0; j < 3; j++) {
      let want = bias[ch]!;
      for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
        const ih = i - 2 + 2 * p;
        const iw = 2 * j + q;
        if (ih >= 0 && ih < 6 && iw >= 0 && iw < 7) want += c[(ch * 6 + ih) * 7 + iw]! * w[(ch * 3 + p) * 3 + q]!;
      }
      expect(Math.abs(y[(ch * 5 + i) * 3 + j]! - want)).to.be.below(1e-5 * Math.max(1, Math.abs(want)));
    }
  });
});

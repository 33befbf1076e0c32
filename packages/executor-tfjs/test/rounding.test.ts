import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { f16round } from '@petamoriken/float16';
import { DataType } from '@mixprec/ir';
import { BF16_GRID, FP16_GRID, addRound, roundTensor, roundTo } from '../src/index.js';
import { setup } from './helpers.js';

/** 10 M float32 test values: edge cases, random bit patterns, log-uniform, exact ties, ties ± 1 ulp, uniform. */
function testValues(format: 'fp16' | 'bf16', n: number): Float32Array {
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  let s = 0x12345678;
  const rnd = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
  const edges = [0, -0, Infinity, -Infinity, NaN, 65504, 65519, 65519.99, 65520, -65520, 65536, 2 ** -14, 2 ** -24, 2 ** -25,
    -(2 ** -25), 2 ** -25 * 1.0000001, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4028234663852886e38, 1.401298464324817e-45];
  edges.forEach((v, i) => { out[i] = v; });
  const mant = format === 'fp16' ? 10 : 7;
  const part = Math.floor((n - edges.length) / 5);
  let i = edges.length;
  for (let k = 0; k < part; k++) bits[i++] = rnd();
  for (let k = 0; k < part; k++) out[i++] = (rnd() & 1 ? -1 : 1) * 2 ** ((rnd() / 2 ** 32) * (format === 'fp16' ? 44 : 260) - (format === 'fp16' ? 28 : 130));
  for (let k = 0; k < part; k++) {
    // Exact ties: a random grid value plus half an ulp (fp16 normals/subnormals, bf16 normals).
    const e = format === 'fp16' ? (rnd() % 30) - 24 : (rnd() % 250) - 125;
    const ulp = 2 ** (Math.max(e, format === 'fp16' ? -14 : -126) - mant);
    const q = rnd() % (1 << mant);
    const base = e < (format === 'fp16' ? -14 : -126) ? q * ulp : 2 ** e + q * ulp;
    out[i++] = (rnd() & 1 ? -1 : 1) * (base + ulp / 2);
  }
  for (let k = 0; k < part; k++) {
    bits[i] = bits[i - part]! + (rnd() & 1 ? 1 : -1);
    i++;
  }
  for (; i < n; i++) out[i] = ((rnd() / 2 ** 32) * 2 - 1) * (format === 'fp16' ? 70000 : 1e30);
  return out;
}

/** Exact float64 reference for bf16: RNE(|x| / ulp) · ulp, overflow to Inf, NaN kept. */
function refBF16(x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, -126) - 7);
  const q = a / ulp;
  const f = Math.floor(q);
  const r = q - f > 0.5 || (q - f === 0.5 && f % 2 === 1) ? f + 1 : f;
  const v = r * ulp > 3.3895313892515355e38 ? Infinity : r * ulp;
  return x < 0 ? -v : v;
}

/** Rounds through the registered tfjs kernel (no typed array returned from tidy: tidy walks it). */
function viaKernel(xs: Float32Array, dtype: DataType): Float32Array {
  const x = tf.tensor1d(xs);
  const y = roundTensor(x, dtype);
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  return out;
}

function sameF32(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('rounding kernels (exact 16-bit grids)', function () {
  this.timeout(120000);
  const N = 10_000_000;
  before(setup);

  it('RoundF16 kernel matches @petamoriken/float16 on 10 M values (ties, subnormals, ±0, Inf, NaN)', () => {
    const xs = testValues('fp16', N);
    const out = viaKernel(xs, DataType.FLOAT16);
    let bad = 0;
    let first = -1;
    for (let i = 0; i < N; i++) {
      if (!sameF32(out[i]!, f16round(xs[i]!))) {
        bad++;
        if (first < 0) first = i;
      }
    }
    expect(bad, bad > 0 ? `first mismatch at ${xs[first]}: ${out[first]} vs ${f16round(xs[first]!)}` : '').to.equal(0);
    expect(Object.is(out[1], -0)).to.equal(true);
  });

  it('RoundBF16 kernel matches an exact float64 reference on 10 M values', () => {
    const xs = testValues('bf16', N);
    const out = viaKernel(xs, DataType.BFLOAT16);
    let bad = 0;
    for (let i = 0; i < N; i++) if (!sameF32(out[i]!, Math.fround(refBF16(xs[i]!)))) bad++;
    expect(bad).to.equal(0);
  });

  it('scalar roundTo agrees with the kernels and keeps the sign of zero', () => {
    expect(roundTo(65519.99, FP16_GRID)).to.equal(65504);
    expect(roundTo(65520, FP16_GRID)).to.equal(Infinity);
    expect(roundTo(2 ** -25, FP16_GRID)).to.equal(0);
    expect(Object.is(roundTo(-(2 ** -26), FP16_GRID), -0)).to.equal(true);
    expect(roundTo(1 + 2 ** -11, FP16_GRID)).to.equal(1);
    expect(roundTo(1 + 3 * 2 ** -11, FP16_GRID)).to.equal(1 + 2 ** -9);
    expect(roundTo(1 + 2 ** -8, BF16_GRID)).to.equal(1);
  });

  it('addRound rounds a + b once, even where the float64 sum alone would tie wrongly', () => {
    // 2048 + 1 is a tie on the fp16 grid (ulp 2 there): ties to even gives 2048; a tiny
    // positive extra term that float64 loses must push it up to 2050.
    expect(addRound(2048, 1, FP16_GRID)).to.equal(2048);
    expect(2048 + (1 + 2 ** -52)).to.equal(2049); // float64 alone loses the extra bit
    expect(addRound(2048, 1 + 2 ** -52, FP16_GRID)).to.equal(2050);
    expect(addRound(2048, 1 - 2 ** -53, FP16_GRID)).to.equal(2048);
    expect(addRound(2050, -1 - 2 ** -52, FP16_GRID)).to.equal(2048);
    expect(addRound(2050, 1 + 2 ** -52, FP16_GRID)).to.equal(2052);
    expect(addRound(2050, 1 - 2 ** -52, FP16_GRID)).to.equal(2050); // plain ties-to-even would give 2052
    expect(addRound(60000, 6000, FP16_GRID)).to.equal(Infinity);
  });
});

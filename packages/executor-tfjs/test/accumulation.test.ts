import { expect } from 'chai';
import { Float16Array as F16 } from '@petamoriken/float16';
import {
  attr, bfloat16BitsToFloat32, DataType, float16BitsToFloat32, float32ToBFloat16Bits, float32ToFloat16Bits, Tensor,
} from '@mixprec/ir';
import { ACCUMULATION_KEY } from '../src/index.js';
import { run, setup, singleOp } from './helpers.js';

/**
 * Sequential low-precision accumulation (`mixprec.accumulation=float16|bfloat16`) against an
 * independent JS reference: every partial sum is rounded by searching the sorted table of all
 * 65 536 fp16 (or bf16) values for the nearest one (ties to the even bit pattern).
 */

const H = DataType.FLOAT16;
const B = DataType.BFLOAT16;

/** Sorted finite values of a 16-bit format with their bit patterns. */
function gridTable(decode: (bits: Uint16Array) => Float32Array): { v: Float64Array; bits: Uint16Array } {
  const all = new Uint16Array(65536).map((_, i) => i);
  const f = decode(all);
  const idx = [...all].filter((i) => Number.isFinite(f[i]!) && !Object.is(f[i], -0)).sort((a, b) => f[a]! - f[b]!);
  return { v: Float64Array.from(idx, (i) => f[i]!), bits: Uint16Array.from(idx) };
}

function refRound(x: number, t: { v: Float64Array; bits: Uint16Array }): number {
  const v = t.v;
  const max = v[v.length - 1]!;
  const top = max + (max - v[v.length - 2]!) / 2;
  if (x >= top) return Infinity;
  if (x <= -top) return -Infinity;
  let lo = 0;
  let hi = v.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const a = v[lo]!;
  const b = v[hi]!;
  if (x <= a) return a;
  if (x >= b) return b;
  const da = x - a;
  const db = b - x;
  if (da !== db) return da < db ? a : b;
  return (t.bits[lo]! & 1) === 0 ? a : b;
}

const FP16 = gridTable((b) => float16BitsToFloat32(b));
const BF16 = gridTable((b) => bfloat16BitsToFloat32(b));

/** Seeded values already on the 16-bit grid. */
function gridValues(n: number, seed: number, scale: number, dtype: DataType): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  const bits = dtype === H ? float32ToFloat16Bits(out) : float32ToBFloat16Bits(out);
  return dtype === H ? float16BitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
}

function tensor16(dtype: DataType, dims: number[], v: Float32Array): Tensor {
  return Tensor.of(dtype, dims, dtype === H ? float32ToFloat16Bits(v) : float32ToBFloat16Bits(v));
}

function values16(t: Tensor): number[] {
  const d = t.data as Uint16Array;
  return Array.from(t.dtype === H ? float16BitsToFloat32(d) : bfloat16BitsToFloat32(d));
}

const f16 = { [ACCUMULATION_KEY]: 'float16' };

describe('low-precision accumulation (exact sequential semantics)', () => {
  before(setup);

  it('MatMul float16 accumulation rounds every partial sum and differs from fp32-then-round', async () => {
    const [m, k, n] = [4, 64, 5];
    const a = gridValues(m * k, 1, 8, H);
    const b = gridValues(k * n, 2, 8, H);
    const feeds = { A: tensor16(H, [m, k], a), B: tensor16(H, [k, n], b) };
    const seq = await run(singleOp('MatMul', [['A', H, [m, k]], ['B', H, [k, n]]], { metadata: f16 }), feeds);
    const wide = await run(singleOp('MatMul', [['A', H, [m, k]], ['B', H, [k, n]]]), feeds);
    const refSeq: number[] = [];
    const refWide: number[] = [];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        let acc32 = 0;
        for (let p = 0; p < k; p++) {
          acc = refRound(acc + a[i * k + p]! * b[p * n + j]!, FP16);
          acc32 = Math.fround(acc32 + Math.fround(a[i * k + p]! * b[p * n + j]!));
        }
        refSeq.push(acc);
        refWide.push(refRound(acc32, FP16));
      }
    }
    expect(values16(seq.outputs['Y0']!)).to.deep.equal(refSeq);
    const w = values16(wide.outputs['Y0']!);
    // fp32 accumulation then one rounding: within one fp16 ulp of the float32-sum reference.
    w.forEach((x, i) => expect(Math.abs(x - refWide[i]!)).to.be.at.most(Math.abs(refWide[i]!) * 2 ** -10 + 2 ** -24));
    expect(refSeq.filter((x, i) => x !== refWide[i]).length, 'the two semantics must differ on this data').to.be.greaterThan(0);
  });

  it('bfloat16 accumulation in MatMul matches the bf16 reference', async () => {
    const [m, k, n] = [3, 40, 3];
    const a = gridValues(m * k, 3, 4, B);
    const b = gridValues(k * n, 4, 4, B);
    const r = await run(singleOp('MatMul', [['A', B, [m, k]], ['B', B, [k, n]]], { metadata: { [ACCUMULATION_KEY]: 'bfloat16' } }),
      { A: tensor16(B, [m, k], a), B: tensor16(B, [k, n], b) });
    const ref: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = refRound(acc + a[i * k + p]! * b[p * n + j]!, BF16);
      ref.push(acc);
    }
    expect(values16(r.outputs['Y0']!)).to.deep.equal(ref);
  });

  it('Gemm float16 accumulation: transB, alpha, beta and C each rounded', async () => {
    const [m, k, n] = [3, 33, 4];
    const a = gridValues(m * k, 5, 4, H);
    const bt = gridValues(n * k, 6, 4, H);
    const c = gridValues(n, 7, 4, H);
    const model = singleOp('Gemm', [['A', H, [m, k]], ['B', H, [n, k]], ['C', H, [n]]],
      { metadata: f16, attrs: { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) } });
    const r = await run(model, { A: tensor16(H, [m, k], a), B: tensor16(H, [n, k], bt), C: tensor16(H, [n], c) });
    const ref: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = refRound(acc + a[i * k + p]! * bt[j * k + p]!, FP16);
      ref.push(refRound(refRound(0.5 * acc, FP16) + refRound(2 * c[j]!, FP16), FP16));
    }
    expect(values16(r.outputs['Y0']!)).to.deep.equal(ref);
  });

  it('Conv float16 accumulation: channels, then kernel positions, bias last', async () => {
    const [c, hgt, wid, mo, kk] = [3, 5, 5, 2, 3];
    const x = gridValues(c * hgt * wid, 8, 4, H);
    const w = gridValues(mo * c * kk * kk, 9, 4, H);
    const bias = gridValues(mo, 10, 4, H);
    const model = singleOp('Conv', [['X', H, [1, c, hgt, wid]], ['W', H, [mo, c, kk, kk]], ['Bias', H, [mo]]],
      { metadata: f16, attrs: { pads: attr.ints([1, 1, 1, 1]) } });
    const r = await run(model, { X: tensor16(H, [1, c, hgt, wid], x), W: tensor16(H, [mo, c, kk, kk], w), Bias: tensor16(H, [mo], bias) });
    const ref: number[] = [];
    for (let o = 0; o < mo; o++) for (let i = 0; i < hgt; i++) for (let j = 0; j < wid; j++) {
      let acc = 0;
      for (let ci = 0; ci < c; ci++) for (let p = 0; p < kk; p++) for (let q = 0; q < kk; q++) {
        const y = i + p - 1;
        const z = j + q - 1;
        if (y < 0 || y >= hgt || z < 0 || z >= wid) continue;
        acc = refRound(acc + x[(ci * hgt + y) * wid + z]! * w[((o * c + ci) * kk + p) * kk + q]!, FP16);
      }
      ref.push(refRound(acc + bias[o]!, FP16));
    }
    expect(values16(r.outputs['Y0']!)).to.deep.equal(ref);
  });

  it('ReduceSum and ReduceMean float16 accumulation run sequentially in row-major order', async () => {
    const x = gridValues(4 * 50, 11, 100, H);
    const axes = { axes: Tensor.of(DataType.INT64, [1], BigInt64Array.of(1n)) };
    const sum = await run(singleOp('ReduceSum', [['X', H, [4, 50]]], { metadata: f16, inits: axes, attrs: { keepdims: attr.int(0) } }), { X: tensor16(H, [4, 50], x) });
    const mean = await run(singleOp('ReduceMean', [['X', H, [4, 50]]], { metadata: f16, attrs: { axes: attr.ints([1]), keepdims: attr.int(0) } }), { X: tensor16(H, [4, 50], x) });
    const refS: number[] = [];
    const refM: number[] = [];
    for (let i = 0; i < 4; i++) {
      let acc = 0;
      for (let j = 0; j < 50; j++) acc = refRound(acc + x[i * 50 + j]!, FP16);
      refS.push(acc);
      refM.push(refRound(acc / 50, FP16));
    }
    expect(values16(sum.outputs['Y0']!)).to.deep.equal(refS);
    expect(values16(mean.outputs['Y0']!)).to.deep.equal(refM);
  });

  it('the table reference agrees with @petamoriken/float16 on float32 inputs', () => {
    const xs = gridValues(1000, 12, 70000, DataType.FLOAT).map((v, i) => v + i * 1e-3);
    const viaLib = Array.from(new F16(xs), Number);
    expect(Array.from(xs, (v) => refRound(v, FP16))).to.deep.equal(viaLib);
  });
});

import { expect } from 'chai';
import { DataType, Tensor, float32ToFloat16Bits, fromBFloat16Bits, fromFloat16Bits } from '@mixprec/ir';
import { mulberry32 } from '@mixprec/testing';
import {
  bigIntsToFloat64RoundOdd, castTensor, float64ToBFloat16Bits, float64ToFloat16Bits,
} from '../src/const-eval-numeric.js';

/**
 * Exact oracles for "round once": the finite non-negative values of a 16-bit format, sorted,
 * and a nearest-even decision made with exact float64 midpoints (every 16-bit value and every
 * midpoint of two neighbours is exact in float64).
 */
function positives(decode: (h: number) => number, maxBits: number): Float64Array {
  const out = new Float64Array(maxBits + 1);
  for (let h = 0; h <= maxBits; h++) out[h] = decode(h);
  return out;
}

const F16 = positives(fromFloat16Bits, 0x7bff);
const BF16 = positives(fromBFloat16Bits, 0x7f7f);

function oracle(table: Float64Array, overflow: number, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  let r: number;
  if (a >= overflow) r = Infinity;
  else {
    let lo = 0;
    let hi = table.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (table[mid]! <= a) lo = mid;
      else hi = mid;
    }
    if (a >= table[hi]!) lo = hi;
    const down = table[lo]!;
    const up = lo + 1 < table.length ? table[lo + 1]! : Infinity;
    const midpoint = (down + up) / 2;
    r = a < midpoint ? down : a > midpoint ? up : lo % 2 === 0 ? down : up;
  }
  return x < 0 || Object.is(x, -0) ? -r : r;
}

/** fp16: 65520 = 65504 + half an ulp rounds up to infinity; bf16: halfway to 2^128. */
const F16_OVERFLOW = 65520;
const BF16_OVERFLOW = (3.3895313892515355e38 + 2 ** 128) / 2;

/** Values next to 16-bit rounding midpoints, where rounding twice (via float32) goes wrong. */
function trickyDoubles(table: Float64Array, count: number, seed: number): Float64Array {
  const rng = mulberry32(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const k = 1 + Math.floor(rng() * (table.length - 2));
    const mid = (table[k]! + table[k + 1]!) / 2;
    const nudge = (rng() < 0.5 ? -1 : 1) * 2 ** -(30 + Math.floor(rng() * 20));
    const v = i % 3 === 0 ? mid : mid * (1 + nudge);
    out[i] = rng() < 0.5 ? -v : v;
  }
  return out;
}

describe('const-eval-numeric: one rounding per conversion', () => {
  it('DOUBLE → FLOAT16 rounds once (100k values next to midpoints, edge cases), where float32 first would not', () => {
    const xs = Float64Array.from([
      ...trickyDoubles(F16, 100000, 1), 0, -0, 65504, 65519.999, 65520, 1e9, -1e9, 2 ** -24, 2 ** -25, 2 ** -25 * (1 + 2 ** -40),
      1 + 2 ** -11 + 2 ** -40, Infinity, -Infinity, NaN, 5e-324,
    ]);
    const got = float64ToFloat16Bits(xs);
    const viaFloat32 = float32ToFloat16Bits(Float32Array.from(xs));
    let doubleRoundingDiffers = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = oracle(F16, F16_OVERFLOW, xs[i]!);
      const have = fromFloat16Bits(got[i]!);
      if (!(Number.isNaN(want) ? Number.isNaN(have) : Object.is(have, want) || have === want)) {
        expect.fail(`x=${xs[i]}: got ${have}, want ${want}`);
      }
      if (got[i] !== viaFloat32[i]) doubleRoundingDiffers++;
    }
    // The test bites: the naive double → float32 → fp16 path is wrong on many of these.
    expect(doubleRoundingDiffers).to.be.greaterThan(1000);
  });

  it('DOUBLE → BFLOAT16 rounds once (100k values next to midpoints)', () => {
    const xs = trickyDoubles(BF16, 100000, 2);
    const got = float64ToBFloat16Bits(xs);
    for (let i = 0; i < xs.length; i++) {
      const want = oracle(BF16, BF16_OVERFLOW, xs[i]!);
      expect(fromBFloat16Bits(got[i]!), `x=${xs[i]}`).to.equal(want);
    }
  });

  it('FLOAT → FLOAT16/BFLOAT16 casts of tensors agree with the oracle (float32 inputs are exact doubles)', () => {
    const rng = mulberry32(3);
    const f = Float32Array.from({ length: 50000 }, () => (rng() - 0.5) * 2 ** (Math.floor(rng() * 40) - 24));
    const t = Tensor.of(DataType.FLOAT, [f.length], f);
    const h = castTensor(t, DataType.FLOAT16)!.data as Uint16Array;
    const b = castTensor(t, DataType.BFLOAT16)!.data as Uint16Array;
    for (let i = 0; i < f.length; i++) {
      expect(fromFloat16Bits(h[i]!)).to.equal(oracle(F16, F16_OVERFLOW, f[i]!));
      expect(fromBFloat16Bits(b[i]!)).to.equal(oracle(BF16, BF16_OVERFLOW, f[i]!));
    }
  });

  it('INT64 → FLOAT/FLOAT16/DOUBLE round once, also beyond 2^53', () => {
    const rng = mulberry32(4);
    const xs: bigint[] = [2049n, 2051n, -2051n, 65519n, 65520n, (1n << 53n) + 1n, (1n << 62n) + (1n << 38n) + 1n, -(1n << 63n), (1n << 63n) - 1n];
    for (let i = 0; i < 2000; i++) {
      // Integers just above float32 midpoints: k·2^e + 2^(e-1) ± 1, which a double may round onto the midpoint.
      const e = 25 + Math.floor(rng() * 35);
      const k = BigInt(Math.floor(rng() * 2 ** 23) + 2 ** 23);
      const mid = (k << BigInt(e - 24)) + (1n << BigInt(e - 25));
      xs.push(mid + (rng() < 0.5 ? 1n : -1n), mid);
    }
    const t = Tensor.of(DataType.INT64, [xs.length], BigInt64Array.from(xs));
    const f32 = castTensor(t, DataType.FLOAT)!.data as Float32Array;
    const f64 = castTensor(t, DataType.DOUBLE)!.data as Float64Array;
    const odd = bigIntsToFloat64RoundOdd(BigInt64Array.from(xs));
    const abs = (v: bigint): bigint => (v < 0n ? -v : v);
    xs.forEach((x, i) => {
      expect(f64[i]).to.equal(Number(x));
      // Round-to-odd: exact, or the neighbour of x whose last significand bit is 1.
      const o = odd[i]!;
      if (BigInt(Number(x)) === x) expect(o).to.equal(Number(x));
      else {
        expect(abs(BigInt(o) - x) <= abs(BigInt(o)) >> 52n, `x=${x}`).to.equal(true);
        expect(new Uint32Array(new Float64Array([o]).buffer)[0]! & 1).to.equal(1);
      }
      if (abs(x) < 1n << 24n) {
        expect(f32[i]).to.equal(Number(x));
        return;
      }
      // Exact nearest float32 (neighbours are integers here): compare 2x with their sum as bigints.
      const f = Math.fround(Number(x));
      const other = BigInt(f) > x ? nextDown32(f) : nextUp32(f);
      const [lo, hi] = f < other ? [f, other] : [other, f];
      const s = BigInt(lo) + BigInt(hi);
      const want = 2n * x < s ? lo : 2n * x > s ? hi : evenOf32(lo, hi);
      expect(f32[i], `x=${x}`).to.equal(want);
    });
    const h = castTensor(Tensor.of(DataType.INT64, [4], BigInt64Array.of(2049n, 2051n, 65519n, 65520n)), DataType.FLOAT16)!;
    expect(Array.from(h.data as Uint16Array, fromFloat16Bits)).to.deep.equal([2048, 2052, 65504, Infinity]);
  });

  it('float → integer casts refuse NaN, ±Inf and out-of-range values; integer narrowing wraps', () => {
    const f = (vals: number[]): Tensor => Tensor.of(DataType.FLOAT, [vals.length], Float32Array.from(vals));
    expect(castTensor(f([1.9, -1.9, 127]), DataType.INT8)!.data).to.deep.equal(Int8Array.of(1, -1, 127));
    expect(castTensor(f([NaN]), DataType.INT32)).to.equal(undefined);
    expect(castTensor(f([128]), DataType.INT8)).to.equal(undefined);
    expect(castTensor(f([2 ** 63]), DataType.INT64)).to.equal(undefined);
    expect(castTensor(f([0, 2, NaN]), DataType.BOOL)!.data).to.deep.equal(Uint8Array.of(0, 1, 1));
    const big = Tensor.of(DataType.INT64, [2], BigInt64Array.of(300n, -1n));
    expect(castTensor(big, DataType.UINT8)!.data).to.deep.equal(Uint8Array.of(44, 255));
    expect(castTensor(Tensor.of(DataType.STRING, [1], [new Uint8Array([49])]), DataType.FLOAT)).to.equal(undefined);
  });
});

function nextUp32(f: number): number {
  const a = new Float32Array([f]);
  const u = new Uint32Array(a.buffer);
  if (f >= 0) u[0] = u[0]! + 1;
  else u[0] = u[0]! - 1;
  return a[0]!;
}

function nextDown32(f: number): number {
  return -nextUp32(-f);
}

function evenOf32(a: number, b: number): number {
  const u = new Uint32Array(new Float32Array([a]).buffer);
  return (u[0]! & 1) === 0 ? a : b;
}

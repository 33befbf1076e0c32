import { DataType } from '@mixprec/ir';

/**
 * Exact scalar rounding of float64 values onto the FLOAT16 / BFLOAT16 / FLOAT grids, and an
 * exactly rounded addition, for the sequential low-precision accumulation loops.
 *
 * All roundings are to nearest, ties to even, directly from float64 (no double rounding
 * through float32); overflow goes to ±Infinity; subnormals are kept; NaN and the sign of
 * zero are kept.
 */

/** Grid parameters of a binary float format. */
export interface Grid {
  /** Explicit mantissa bits. */
  readonly mant: number;
  /** Exponent of the smallest normal. */
  readonly emin: number;
  /** Largest finite value. */
  readonly max: number;
}

export const FP16_GRID: Grid = Object.freeze({ mant: 10, emin: -14, max: 65504 });
export const BF16_GRID: Grid = Object.freeze({ mant: 7, emin: -126, max: 3.3895313892515355e38 });
export const FP32_GRID: Grid = Object.freeze({ mant: 23, emin: -126, max: 3.4028234663852886e38 });

/** The grid of a float dtype (FLOAT16, BFLOAT16, FLOAT; undefined otherwise). */
export function gridOf(dtype: DataType): Grid | undefined {
  if (dtype === DataType.FLOAT16) return FP16_GRID;
  if (dtype === DataType.BFLOAT16) return BF16_GRID;
  if (dtype === DataType.FLOAT) return FP32_GRID;
  return undefined;
}

const MAGIC = 6755399441055744; // 1.5 · 2^52

/** floor(log2(a)) for a finite a > 0, exact. */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** The spacing of the grid at |x| (x finite, non-zero). */
function ulpAt(a: number, g: Grid): number {
  const e = Math.max(exponentOf(a), g.emin);
  return 2 ** (e - g.mant);
}

/** x rounded to the grid (nearest, ties to even). */
export function roundTo(x: number, g: Grid): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const ulp = ulpAt(a, g);
  const r = ((a / ulp + MAGIC) - MAGIC) * ulp;
  const v = r > g.max ? Infinity : r;
  return x < 0 ? -v : v;
}

/**
 * a + b rounded once to the grid, exactly, for finite a and b: the float64 sum and its
 * rounding error (TwoSum) decide the ties that a float64 sum alone could get wrong.
 */
export function addRound(a: number, b: number, g: Grid): number {
  const s = a + b;
  if (!Number.isFinite(s)) return s;
  const bb = s - a;
  const e = (a - (s - bb)) + (b - bb);
  if (e === 0 || s === 0) return roundTo(s, g);
  const as = Math.abs(s);
  const ulp = ulpAt(as, g);
  const q = as / ulp;
  const fl = Math.floor(q);
  if (q - fl !== 0.5) {
    // Not a tie. If s sits exactly on the grid, the tiny error cannot move it off its cell.
    return roundTo(s, g);
  }
  // s is exactly halfway: the sign of the error (relative to |s|) breaks the tie.
  const up = (e > 0) === (s > 0);
  const r = (up ? fl + 1 : fl) * ulp;
  const v = r > g.max ? Infinity : r;
  return s < 0 ? -v : v;
}

/** a · b rounded once to the grid (the float64 product of two ≤ 26-bit values is exact). */
export function mulRound(a: number, b: number, g: Grid): number {
  return roundTo(a * b, g);
}

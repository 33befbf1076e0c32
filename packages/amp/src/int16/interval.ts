import { DataType, integerRange } from '@mixprec/ir';

/**
 * Closed integer intervals with exact bigint bounds; `undefined` marks an infinite bound
 * (−∞ for `lo`, +∞ for `hi`). They bound every element of a tensor. The arithmetic here is
 * sound interval arithmetic over the mathematical integers: it never assumes that an integer op
 * wraps around, so a result that could leave its type's range is simply unbounded (callers
 * then clamp it to the type, which stays sound whatever the runtime does on overflow).
 */
export interface Interval {
  readonly lo: bigint | undefined;
  readonly hi: bigint | undefined;
}

/** (−∞, +∞). */
export const UNBOUNDED: Interval = Object.freeze({ lo: undefined, hi: undefined });
/** The range of a BOOL value (0 or 1). */
export const BOOL_RANGE: Interval = Object.freeze({ lo: 0n, hi: 1n });

export function interval(lo: bigint | undefined, hi: bigint | undefined): Interval {
  return { lo, hi };
}

export function point(v: bigint): Interval {
  return { lo: v, hi: v };
}

export function isBounded(a: Interval): boolean {
  return a.lo !== undefined && a.hi !== undefined;
}

/** True when every element of `a` lies in [lo, hi]. */
export function within(a: Interval, lo: bigint, hi: bigint): boolean {
  return a.lo !== undefined && a.hi !== undefined && a.lo >= lo && a.hi <= hi;
}

/** True when the interval fits the value range of the integer type `dtype`. */
export function fitsType(a: Interval, dtype: DataType): boolean {
  const r = integerRange(dtype);
  return r !== undefined && within(a, r[0], r[1]);
}

/** The full range of an integer type, BOOL as [0, 1]; UNBOUNDED for anything else. */
export function typeRange(dtype: DataType | undefined): Interval {
  if (dtype === DataType.BOOL) return BOOL_RANGE;
  const r = dtype === undefined ? undefined : integerRange(dtype);
  return r === undefined ? UNBOUNDED : { lo: r[0], hi: r[1] };
}

/**
 * `a` as a bound on a value of type `dtype`: `a` itself when it fits the type, else the type's
 * whole range (an op whose mathematical result leaves the type may wrap, so nothing narrower
 * is sound). Non-integer types are returned unchanged.
 */
export function clampToType(a: Interval, dtype: DataType | undefined): Interval {
  const t = typeRange(dtype);
  if (t === UNBOUNDED) return a;
  return within(a, t.lo!, t.hi!) ? a : t;
}

function minB(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxB(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Smallest interval holding both. */
export function join(a: Interval, b: Interval): Interval {
  return {
    lo: a.lo === undefined || b.lo === undefined ? undefined : minB(a.lo, b.lo),
    hi: a.hi === undefined || b.hi === undefined ? undefined : maxB(a.hi, b.hi),
  };
}

/** Intersection; undefined when empty. */
export function meet(a: Interval, b: Interval): Interval | undefined {
  const lo = a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : maxB(a.lo, b.lo);
  const hi = a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : minB(a.hi, b.hi);
  if (lo !== undefined && hi !== undefined && lo > hi) return undefined;
  return { lo, hi };
}

export function add(a: Interval, b: Interval): Interval {
  return {
    lo: a.lo === undefined || b.lo === undefined ? undefined : a.lo + b.lo,
    hi: a.hi === undefined || b.hi === undefined ? undefined : a.hi + b.hi,
  };
}

export function neg(a: Interval): Interval {
  return { lo: a.hi === undefined ? undefined : -a.hi, hi: a.lo === undefined ? undefined : -a.lo };
}

export function sub(a: Interval, b: Interval): Interval {
  return add(a, neg(b));
}

/** |a|. */
export function abs(a: Interval): Interval {
  if (a.lo !== undefined && a.lo >= 0n) return a;
  if (a.hi !== undefined && a.hi <= 0n) return neg(a);
  const m = a.lo === undefined || a.hi === undefined ? undefined : maxB(-a.lo, a.hi);
  return { lo: 0n, hi: m };
}

/** Product of two extended bounds; `sign` tells which infinity an undefined bound stands for. */
type Ext = { readonly v: bigint } | { readonly inf: 1 | -1 };

function ext(b: bigint | undefined, side: -1 | 1): Ext {
  return b === undefined ? { inf: side } : { v: b };
}

function sgn(e: Ext): number {
  return 'inf' in e ? e.inf : e.v > 0n ? 1 : e.v < 0n ? -1 : 0;
}

function mulExt(x: Ext, y: Ext): Ext {
  if ('v' in x && 'v' in y) return { v: x.v * y.v };
  const s = sgn(x) * sgn(y);
  return s === 0 ? { v: 0n } : { inf: s > 0 ? 1 : -1 };
}

function cmpExt(x: Ext, y: Ext): number {
  const xi = 'inf' in x ? x.inf : 0;
  const yi = 'inf' in y ? y.inf : 0;
  if (xi !== 0 || yi !== 0) return xi - yi;
  const a = (x as { v: bigint }).v;
  const b = (y as { v: bigint }).v;
  return a < b ? -1 : a > b ? 1 : 0;
}

function fromExts(es: readonly Ext[]): Interval {
  let lo = es[0]!;
  let hi = es[0]!;
  for (const e of es) {
    if (cmpExt(e, lo) < 0) lo = e;
    if (cmpExt(e, hi) > 0) hi = e;
  }
  return { lo: 'v' in lo ? lo.v : undefined, hi: 'v' in hi ? hi.v : undefined };
}

export function mul(a: Interval, b: Interval): Interval {
  const al = ext(a.lo, -1);
  const ah = ext(a.hi, 1);
  const bl = ext(b.lo, -1);
  const bh = ext(b.hi, 1);
  return fromExts([mulExt(al, bl), mulExt(al, bh), mulExt(ah, bl), mulExt(ah, bh)]);
}

/** a scaled by a count known to lie in [kmin, kmax] (kmin ≥ 0): the range of sums of k elements of a. */
export function scale(a: Interval, kmin: bigint, kmax: bigint | undefined): Interval {
  return join(mul(a, point(kmin)), mul(a, kmax === undefined ? { lo: kmin, hi: undefined } : { lo: kmax, hi: kmax }));
}

/**
 * Integer division truncating toward zero (ONNX Div on integers). Divisors of 0 are excluded
 * (undefined behaviour): the divisor interval is split at zero.
 */
export function divTrunc(a: Interval, b: Interval): Interval {
  const parts: Interval[] = [];
  const pos = meet(b, { lo: 1n, hi: undefined });
  const negp = meet(b, { lo: undefined, hi: -1n });
  if (pos !== undefined) parts.push(divPositive(a, pos));
  if (negp !== undefined) parts.push(neg(divPositive(a, neg(negp))));
  if (parts.length === 0) return UNBOUNDED;
  return parts.length === 1 ? parts[0]! : join(parts[0]!, parts[1]!);
}

/** a / d with d ≥ 1, truncating: the extremes are reached at d's smallest value (or unchanged sign). */
function divPositive(a: Interval, d: Interval): Interval {
  const dl = d.lo!;
  const q = (x: bigint, y: bigint): bigint => x / y; // bigint division truncates toward zero
  const lo = a.lo === undefined ? undefined : a.lo >= 0n ? (d.hi === undefined ? 0n : q(a.lo, d.hi)) : q(a.lo, dl);
  const hi = a.hi === undefined ? undefined : a.hi >= 0n ? q(a.hi, dl) : (d.hi === undefined ? 0n : q(a.hi, d.hi));
  return { lo, hi };
}

/**
 * ONNX Mod on integers: with `fmod = 0` the result takes the sign of the divisor, with
 * `fmod = 1` the sign of the dividend; |result| < |divisor| and |result| ≤ |dividend|.
 */
export function mod(a: Interval, b: Interval, fmod: boolean): Interval {
  const absB = abs(b);
  const m = absB.hi === undefined ? undefined : absB.hi - 1n;
  const absA = abs(a);
  const cap = m === undefined ? absA.hi : absA.hi === undefined ? m : minB(m, absA.hi);
  if (fmod) {
    const lo = a.lo !== undefined && a.lo >= 0n ? 0n : cap === undefined ? undefined : -cap;
    const hi = a.hi !== undefined && a.hi <= 0n ? 0n : cap;
    return { lo, hi };
  }
  // The result has the divisor's sign; when dividend and divisor share a sign it is also ≤ |dividend|.
  const sameSign = (a.lo !== undefined && a.lo >= 0n && b.lo !== undefined && b.lo > 0n)
    || (a.hi !== undefined && a.hi <= 0n && b.hi !== undefined && b.hi < 0n);
  const c = sameSign ? cap : m;
  if (c === undefined) {
    return { lo: b.lo !== undefined && b.lo > 0n ? 0n : undefined, hi: b.hi !== undefined && b.hi < 0n ? 0n : undefined };
  }
  const lo = b.lo !== undefined && b.lo > 0n ? 0n : -c;
  const hi = b.hi !== undefined && b.hi < 0n ? 0n : c;
  return { lo, hi };
}

export function min(a: Interval, b: Interval): Interval {
  return {
    lo: a.lo === undefined || b.lo === undefined ? undefined : minB(a.lo, b.lo),
    hi: a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : minB(a.hi, b.hi),
  };
}

export function max(a: Interval, b: Interval): Interval {
  return {
    lo: a.lo === undefined ? b.lo : b.lo === undefined ? a.lo : maxB(a.lo, b.lo),
    hi: a.hi === undefined || b.hi === undefined ? undefined : maxB(a.hi, b.hi),
  };
}

/** sign(a) ∈ {−1, 0, 1}. */
export function sign(a: Interval): Interval {
  const lo = a.lo !== undefined && a.lo > 0n ? 1n : a.lo !== undefined && a.lo === 0n ? 0n : -1n;
  const hi = a.hi !== undefined && a.hi < 0n ? -1n : a.hi !== undefined && a.hi === 0n ? 0n : 1n;
  return { lo, hi };
}

/** Bitwise AND / OR / XOR / NOT bounds for signed two's-complement integers. */
export function bitwise(op: 'and' | 'or' | 'xor', a: Interval, b: Interval): Interval {
  const nonneg = (x: Interval): boolean => x.lo !== undefined && x.lo >= 0n;
  if (op === 'and') {
    if (nonneg(a) && nonneg(b)) return { lo: 0n, hi: a.hi === undefined ? b.hi : b.hi === undefined ? a.hi : minB(a.hi, b.hi) };
    if (nonneg(a)) return { lo: 0n, hi: a.hi };
    if (nonneg(b)) return { lo: 0n, hi: b.hi };
    return UNBOUNDED;
  }
  if (nonneg(a) && nonneg(b) && a.hi !== undefined && b.hi !== undefined) {
    return { lo: 0n, hi: allOnes(maxB(a.hi, b.hi)) };
  }
  return UNBOUNDED;
}

/** The smallest 2^k − 1 ≥ v (v ≥ 0). */
function allOnes(v: bigint): bigint {
  let m = 0n;
  while (m < v) m = (m << 1n) | 1n;
  return m;
}

export function bitNot(a: Interval): Interval {
  return sub(point(-1n), a);
}

/** For messages and reports: `[-1000, 1000]`, `(-inf, 7]`. */
export function formatInterval(a: Interval): string {
  return `${a.lo === undefined ? '(-inf' : `[${a.lo}`}, ${a.hi === undefined ? '+inf)' : `${a.hi}]`}`;
}

/** Bounds as strings for JSON reports (`null` for infinite). */
export function intervalJson(a: Interval): [string | null, string | null] {
  return [a.lo === undefined ? null : a.lo.toString(), a.hi === undefined ? null : a.hi.toString()];
}

/** Floor/ceil of a finite double as a bigint bound, widened outward by a small relative slack. */
export function floorBound(x: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  const y = Math.floor(x - Math.abs(x) * 1e-6 - 1e-6);
  return Number.isSafeInteger(y) ? BigInt(y) : undefined;
}

export function ceilBound(x: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  const y = Math.ceil(x + Math.abs(x) * 1e-6 + 1e-6);
  return Number.isSafeInteger(y) ? BigInt(y) : undefined;
}

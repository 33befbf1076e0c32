import { isFloatType, isIntegerType } from '@mixprec/ir';
import {
  BOOL_RANGE, UNBOUNDED, abs, add, bitNot, bitwise, ceilBound, divTrunc, floorBound, join, max, meet, min, mod, mul,
  neg, point, scale, sign, sub, type Interval,
} from './interval.js';
import type { RangeContext, RangeRule } from './range-context.js';
import { anyAssumed, elementwise, whole, type ValueRange } from './value-range.js';

/*
 * Range rules of element-wise arithmetic, comparisons and reductions. Each returns bounds that
 * hold for the mathematical result; results that could leave the output type are clamped by
 * the caller, never assumed to wrap.
 */

function present(c: RangeContext): ValueRange[] | undefined {
  const out: ValueRange[] = [];
  for (const r of c.inputs) if (r !== undefined) out.push(r);
  return out.length === 0 ? undefined : out;
}

function binary(f: (a: Interval, b: Interval) => Interval): RangeRule {
  return (c) => {
    const [a, b] = c.inputs;
    return a === undefined || b === undefined ? undefined : [elementwise([a, b], ([x, y]) => f(x!, y!))];
  };
}

function unary(f: (a: Interval) => Interval): RangeRule {
  return (c) => {
    const a = c.inputs[0];
    return a === undefined ? undefined : [elementwise([a], ([x]) => f(x!))];
  };
}

function variadic(f: (a: Interval, b: Interval) => Interval): RangeRule {
  return (c) => {
    const xs = present(c);
    return xs === undefined ? undefined : [elementwise(xs, (is) => is.reduce((p, q) => f(p, q)))];
  };
}

/** Real division of float bounds, rounded outward to integers. */
function divReal(a: Interval, b: Interval): Interval {
  if (a.lo === undefined || a.hi === undefined || b.lo === undefined || b.hi === undefined) return UNBOUNDED;
  if (b.lo <= 0n && b.hi >= 0n) return UNBOUNDED;
  const qs = [Number(a.lo) / Number(b.lo), Number(a.lo) / Number(b.hi), Number(a.hi) / Number(b.lo), Number(a.hi) / Number(b.hi)];
  return { lo: floorBound(Math.min(...qs)), hi: ceilBound(Math.max(...qs)) };
}

const div: RangeRule = (c) => {
  const [a, b] = c.inputs;
  if (a === undefined || b === undefined) return undefined;
  const f = isFloatType(c.outDType(0)) ? divReal : divTrunc;
  return [elementwise([a, b], ([x, y]) => f(x!, y!))];
};

const modRule: RangeRule = (c) => {
  const [a, b] = c.inputs;
  if (a === undefined || b === undefined || !isIntegerType(c.outDType(0))) return undefined;
  const fmod = c.node.getInt('fmod', 0) === 1;
  return [elementwise([a, b], ([x, y]) => mod(x!, y!, fmod))];
};

function clipBound(c: RangeContext, input: number, attr: 'min' | 'max'): Interval | undefined {
  if (c.opset < 11) {
    const v = c.node.getFloat(attr);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    return attr === 'min' ? { lo: floorBound(v), hi: undefined } : { lo: undefined, hi: ceilBound(v) };
  }
  return c.inputs[input]?.all;
}

const clip: RangeRule = (c) => {
  const x = c.inputs[0];
  if (x === undefined) return undefined;
  const lo = clipBound(c, 1, 'min');
  const hi = clipBound(c, 2, 'max');
  // Clip(x, lo, hi) = min(max(x, lo), hi): every element lies in [lo.lo, hi.hi] and in x's hull
  // widened by the bounds (the result is one of x, lo, hi).
  const f = (i: Interval): Interval => {
    let r = i;
    if (lo !== undefined) r = max(r, lo);
    if (hi !== undefined) r = min(r, hi);
    return r;
  };
  const assumed = anyAssumed(c.inputs);
  const out = elementwise([x], ([i]) => f(i!));
  return [assumed && out.assumed !== true ? { ...out, assumed } : out];
};

const where: RangeRule = (c) => {
  const [, x, y] = c.inputs;
  if (x === undefined || y === undefined) return undefined;
  return [whole(join(x.all, y.all), anyAssumed([x, y]))];
};

const bool: RangeRule = () => [{ all: BOOL_RANGE }];

const relu = unary((a) => max(a, point(0n)));

/** Power with a small non-negative integer exponent (bounds by the monotone pieces). */
const pow: RangeRule = (c) => {
  const [a, b] = c.inputs;
  if (a === undefined || b === undefined) return undefined;
  const e = b.all;
  if (e.lo === undefined || e.hi === undefined || e.lo < 0n || e.hi > 16n) return undefined;
  let r: Interval | undefined;
  for (let k = e.lo; k <= e.hi; k++) {
    let p: Interval = point(1n);
    for (let j = 0n; j < k; j++) p = mul(p, a.all);
    // Even powers are non-negative.
    if (k % 2n === 0n) p = meet(p, { lo: 0n, hi: undefined }) ?? p;
    r = r === undefined ? p : join(r, p);
  }
  return r === undefined ? undefined : [whole(r, anyAssumed([a, b]))];
};

/** Product of known dims bounds: [min product, max product]. */
function countRange(c: RangeContext, dims: readonly (number | string | undefined)[]): [bigint, bigint | undefined] {
  let lo = 1n;
  let hi: bigint | undefined = 1n;
  for (const d of dims) {
    const r = c.dim(d);
    lo *= r.lo ?? 0n;
    hi = hi === undefined || r.hi === undefined ? undefined : hi * r.hi;
  }
  return [lo, hi];
}

/** The axes a reduction reduces over (attribute or, from the opsets that moved it, input 1). */
function reduceAxes(c: RangeContext, rank: number): number[] | undefined {
  const fromInput = (c.node.opType === 'ReduceSum' && c.opset >= 13) || c.opset >= 18;
  let axes: number[] | undefined;
  if (fromInput) {
    const r = c.inputs[1];
    if (r !== undefined) {
      if (r.elems === undefined) return undefined;
      axes = [];
      for (const e of r.elems) {
        if (e.lo === undefined || e.lo !== e.hi) return undefined;
        axes.push(Number(e.lo));
      }
    }
  } else {
    axes = c.node.getInts('axes');
  }
  if (axes === undefined || axes.length === 0) {
    if (fromInput && c.node.getInt('noop_with_empty_axes', 0) === 1) return [];
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => (a < 0 ? a + rank : a));
}

function reducedCount(c: RangeContext): [bigint, bigint | undefined] | undefined {
  const shape = c.inShape(0);
  if (shape === undefined) return undefined;
  const axes = reduceAxes(c, shape.length);
  if (axes === undefined) return undefined;
  return countRange(c, axes.map((a) => shape[a]));
}

const reduceSum: RangeRule = (c) => {
  const x = c.inputs[0];
  const k = reducedCount(c);
  if (x === undefined || k === undefined) return undefined;
  const all = scale(x.all, k[0], k[1]);
  const partial = join(all, scale(x.all, 0n, k[1]));
  return [{ ...whole(all, x.assumed === true), partial }];
};

const reduceMinMax: RangeRule = (c) => {
  const x = c.inputs[0];
  const k = reducedCount(c);
  // Over an empty set the result is the type's extreme value: only a non-empty reduction is bounded.
  if (x === undefined || k === undefined || k[0] < 1n) return undefined;
  return [whole(x.all, x.assumed === true)];
};

const cumSum: RangeRule = (c) => {
  const x = c.inputs[0];
  const shape = c.inShape(0);
  const ax = c.inputs[1]?.elems?.[0];
  if (x === undefined || shape === undefined || ax?.lo === undefined || ax.lo !== ax.hi) return undefined;
  const a = Number(ax.lo) < 0 ? Number(ax.lo) + shape.length : Number(ax.lo);
  const n = c.dim(shape[a]);
  const all = scale(x.all, 1n, n.hi);
  return [{ ...whole(join(all, x.all), x.assumed === true), partial: join(all, x.all) }];
};

const matMul: RangeRule = (c) => {
  const [a, b] = c.inputs;
  const sa = c.inShape(0);
  if (a === undefined || b === undefined || sa === undefined || sa.length === 0 || !isIntegerType(c.outDType(0))) return undefined;
  const k = c.dim(sa[sa.length - 1]);
  const prod = mul(a.all, b.all);
  const all = scale(prod, k.lo ?? 0n, k.hi);
  return [{ ...whole(all, anyAssumed([a, b])), partial: join(all, scale(prod, 0n, k.hi)) }];
};

/** Float rounding ops keep integer bounds. */
const identityBounds = unary((a) => a);

const sqrt: RangeRule = (c) => {
  const a = c.inputs[0];
  if (a?.all.lo === undefined || a.all.hi === undefined || a.all.lo < 0n) return undefined;
  return [whole({ lo: floorBound(Math.sqrt(Number(a.all.lo))), hi: ceilBound(Math.sqrt(Number(a.all.hi))) }, a.assumed === true)];
};

/** Range rules of the arithmetic ops (ONNX domain). */
export const ARITH_RULES: Readonly<Record<string, RangeRule>> = Object.freeze({
  Add: binary(add), Sub: binary(sub), Mul: binary(mul), Div: div, Mod: modRule,
  Neg: unary(neg), Abs: unary(abs), Sign: unary(sign), Relu: relu,
  Min: variadic(min), Max: variadic(max), Sum: variadic(add), Clip: clip, Where: where, Pow: pow,
  BitwiseAnd: binary((a, b) => bitwise('and', a, b)), BitwiseOr: binary((a, b) => bitwise('or', a, b)),
  BitwiseXor: binary((a, b) => bitwise('xor', a, b)), BitwiseNot: unary(bitNot),
  Equal: bool, Less: bool, LessOrEqual: bool, Greater: bool, GreaterOrEqual: bool, Not: bool, And: bool, Or: bool,
  Xor: bool, IsNaN: bool, IsInf: bool,
  ReduceSum: reduceSum, ReduceMax: reduceMinMax, ReduceMin: reduceMinMax, CumSum: cumSum, MatMul: matMul,
  Floor: identityBounds, Ceil: identityBounds, Round: identityBounds, Sqrt: sqrt,
});

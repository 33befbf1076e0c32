import { DataType, isFloatType, isIntegerType, type Dim } from '@mixprec/ir';
import { BOOL_RANGE, UNBOUNDED, fitsType, join, point, typeRange, within, type Interval } from './interval.js';
import type { RangeContext, RangeRule } from './range-context.js';
import { castTo } from './value-types.js';
import {
  MAX_TRACKED_ELEMENTS, anyAssumed, constantRange, exactValues, whole, withElems, type ValueRange,
} from './value-range.js';

/*
 * Range rules of conversion (Cast), shape queries (Shape, Size), creation (Range,
 * ConstantOfShape, EyeLike, OneHot, random ops) and index-producing ops (ArgMax, TopK, NonZero,
 * Unique), whose outputs are bounded by the dims they index.
 */

function ints(r: ValueRange | undefined): number[] | undefined {
  return exactValues(r)?.map(Number);
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

const cast: RangeRule = (c) => {
  const x = c.inputs[0];
  const to = c.node.opType === 'Cast' ? castTo(c.node) : c.inDType(1);
  if (x === undefined || to === undefined) return undefined;
  const from = c.inDType(0);
  if (to === DataType.BOOL) return [{ all: BOOL_RANGE }];
  if (isFloatType(to)) return [within(x.all, -(1n << 24n), 1n << 24n) ? x : { all: UNBOUNDED }];
  if (!isIntegerType(to) || (from !== undefined && !isIntegerType(from) && from !== DataType.BOOL && !isFloatType(from))) return undefined;
  // A value that fits the target type converts exactly (floats truncate toward zero, inside the
  // integer bounds kept for them); anything else is unknown within the target type.
  return [fitsType(x.all, to) ? x : { all: typeRange(to) }];
};

const shape: RangeRule = (c) => {
  const s = c.inShape(0);
  if (s === undefined) return [whole(join(point(0n), c.dim(undefined)))];
  const rank = s.length;
  const norm = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = c.opset >= 15 ? norm(c.node.getInt('start', 0)) : 0;
  const end = c.opset >= 15 ? norm(c.node.getInt('end', rank)) : rank;
  const dims = s.slice(start, Math.max(start, end));
  return [withElems(dims.map((d) => c.dim(d)), [dims.length])];
};

const size: RangeRule = (c) => {
  const s = c.inShape(0);
  if (s === undefined) return [{ all: { lo: 0n, hi: undefined } }];
  let lo = 1n;
  let hi: bigint | undefined = 1n;
  for (const d of s) {
    const r = c.dim(d);
    lo *= r.lo ?? 0n;
    hi = hi === undefined || r.hi === undefined ? undefined : hi * r.hi;
  }
  return [{ all: { lo, hi }, elems: [{ lo, hi }], dims: [] }];
};

const range: RangeRule = (c) => {
  const [s, l, d] = c.inputs;
  if (s === undefined || l === undefined || d === undefined) return undefined;
  const assumed = anyAssumed([s, l, d]);
  // delta > 0: start ≤ x < limit; delta < 0: limit < x ≤ start. Integer bounds of float
  // values are floors and ceilings, so for floats the strict inequality gains nothing.
  const one = isFloatType(c.outDType(0)) ? 0n : 1n;
  const parts: Interval[] = [];
  if (d.all.hi === undefined || d.all.hi > 0n) {
    const lo = s.all.lo;
    let hi = l.all.hi === undefined ? undefined : l.all.hi - one;
    if (hi !== undefined && lo !== undefined && hi < lo) hi = lo;
    parts.push({ lo, hi });
  }
  if (d.all.lo === undefined || d.all.lo < 0n) {
    const hi = s.all.hi;
    let lo = l.all.lo === undefined ? undefined : l.all.lo + one;
    if (lo !== undefined && hi !== undefined && lo > hi) lo = hi;
    parts.push({ lo, hi });
  }
  if (parts.length === 0) return [whole(s.all, assumed)];
  return [whole(parts.reduce(join), assumed)];
};

const constantOfShape: RangeRule = (c) => {
  const t = c.node.getTensor('value');
  const r = t === undefined ? { all: point(0n) } : constantRange(t);
  if (r === undefined) return undefined;
  const dims = ints(c.inputs[0]);
  if (dims !== undefined && count(dims) <= MAX_TRACKED_ELEMENTS) return [withElems(new Array<Interval>(count(dims)).fill(r.all), dims)];
  return [{ all: r.all }];
};

/** [0, n − 1] for an index into an axis of `n` elements (n bounded by `dim`). */
function indexInto(c: RangeContext, d: Dim): ValueRange {
  const n = c.dim(d);
  return { all: { lo: 0n, hi: n.hi === undefined ? undefined : n.hi - 1n } };
}

function axisDim(c: RangeContext, axisAttr = 'axis', fallback = 0): Dim {
  const s = c.inShape(0);
  if (s === undefined) return undefined;
  const a0 = c.node.getInt(axisAttr, fallback);
  return s[a0 < 0 ? a0 + s.length : a0];
}

const argMax: RangeRule = (c) => [indexInto(c, axisDim(c))];

const topK: RangeRule = (c) => {
  const x = c.inputs[0];
  return [x === undefined ? undefined : whole(x.all, x.assumed === true), indexInto(c, axisDim(c, 'axis', -1))];
};

const nonZero: RangeRule = (c) => {
  const s = c.inShape(0);
  if (s === undefined || s.length === 0) return [indexInto(c, undefined)];
  let hi: bigint | undefined = 0n;
  for (const d of s) {
    const r = c.dim(d).hi;
    hi = hi === undefined || r === undefined ? undefined : r > hi ? r : hi;
  }
  return [{ all: { lo: 0n, hi: hi === undefined ? undefined : hi - 1n } }];
};

const unique: RangeRule = (c) => {
  const x = c.inputs[0];
  const s = c.inShape(0);
  let n: bigint | undefined = 1n;
  for (const d of s ?? [undefined]) {
    const r = c.dim(d).hi;
    n = n === undefined || r === undefined ? undefined : n * r;
  }
  const idx: ValueRange = { all: { lo: 0n, hi: n === undefined ? undefined : n - 1n } };
  return [x === undefined ? undefined : whole(x.all, x.assumed === true), idx, idx, { all: { lo: 1n, hi: n } }];
};

const oneHot: RangeRule = (c) => {
  const v = c.inputs[2];
  return v === undefined ? undefined : [whole(v.all, v.assumed === true)];
};

const multinomial: RangeRule = (c) => {
  const s = c.inShape(0);
  return [indexInto(c, s?.[1])];
};

const zeroOne: RangeRule = () => [{ all: BOOL_RANGE }];

/** Range rules of the conversion, creation and index-producing ops (ONNX domain). */
export const CREATE_RULES: Readonly<Record<string, RangeRule>> = Object.freeze({
  Cast: cast, CastLike: cast, Shape: shape, Size: size, Range: range, ConstantOfShape: constantOfShape,
  EyeLike: zeroOne, Bernoulli: zeroOne, OneHot: oneHot, ArgMax: argMax, ArgMin: argMax, TopK: topK,
  NonZero: nonZero, Unique: unique, Multinomial: multinomial,
});

import { DataType, isFloatType, isIntegerType, type Tensor } from '@mixprec/ir';
import {
  BOOL_RANGE, UNBOUNDED, clampToType, join, point, typeRange, type Interval,
} from './interval.js';

/** Longest tensor whose elements are tracked one by one (shape vectors, small constants). */
export const MAX_TRACKED_ELEMENTS = 64;

/** Largest float constant whose values are bounded (bigger ones are left unbounded). */
const MAX_FLOAT_CONSTANT = 1 << 16;

/**
 * What range analysis knows about one value. `all` bounds every element. For small tensors of
 * known static shape (`dims`), `elems` bounds each element (row-major): this keeps shape
 * arithmetic precise (`Gather(Shape(x), 1)` is exactly the second dim). Float values are bounded
 * by integers (floor of the lowest, ceiling of the highest possible value), which is what a Cast
 * to an integer type needs.
 */
export interface ValueRange {
  readonly all: Interval;
  readonly elems?: readonly Interval[];
  readonly dims?: readonly number[];
  /**
   * Bounds of the intermediate results the producing op computes on its way (partial sums of
   * ReduceSum/CumSum/MatMul), when they can be wider than the result.
   */
  readonly partial?: Interval;
  /** True when the bound rests on an assumed input range (`unprovenInputs: 'cast'`). */
  readonly assumed?: boolean;
}

/** A range known only as a whole. */
export function whole(all: Interval, assumed = false): ValueRange {
  return assumed ? { all, assumed } : { all };
}

/** Nothing known beyond the type: an integer type's full range, [0, 1] for BOOL, else unbounded. */
export function unknownRange(dtype: DataType | undefined): ValueRange {
  return { all: typeRange(dtype) };
}

/** Element-wise bounds of a small tensor of static shape. */
export function withElems(elems: readonly Interval[], dims: readonly number[], assumed = false): ValueRange {
  let all = elems[0] ?? UNBOUNDED;
  for (let i = 1; i < elems.length; i++) all = join(all, elems[i]!);
  const r: ValueRange = elems.length <= MAX_TRACKED_ELEMENTS ? { all, elems, dims } : { all };
  return assumed ? { ...r, assumed } : r;
}

/** The exact element values when every element is known exactly. */
export function exactValues(r: ValueRange | undefined): bigint[] | undefined {
  if (r?.elems === undefined) return undefined;
  const out: bigint[] = [];
  for (const e of r.elems) {
    if (e.lo === undefined || e.lo !== e.hi) return undefined;
    out.push(e.lo);
  }
  return out;
}

/** Clamps a range to the value range of its dtype (sound whatever the runtime does on overflow). */
export function clampRange(r: ValueRange, dtype: DataType | undefined): ValueRange {
  if (dtype === undefined || (!isIntegerType(dtype) && dtype !== DataType.BOOL)) return r;
  const all = clampToType(r.all, dtype);
  const elems = r.elems?.map((e) => clampToType(e, dtype));
  const out: ValueRange = elems === undefined ? { all } : { all, elems, dims: r.dims! };
  const withPartial = r.partial === undefined ? out : { ...out, partial: r.partial };
  return r.assumed === true ? { ...withPartial, assumed: true } : withPartial;
}

/** True when any of the ranges rests on an assumption. */
export function anyAssumed(rs: readonly (ValueRange | undefined)[]): boolean {
  return rs.some((r) => r?.assumed === true);
}

/**
 * The bounds of a constant tensor: exact for integer and BOOL types; for floats the floor of
 * each value and the ceiling (so a truncating Cast to an integer type stays inside). NaN or
 * infinite floats leave the range unbounded. Undefined for types with no numeric meaning here.
 */
export function constantRange(t: Tensor): ValueRange | undefined {
  const n = t.size;
  const small = n <= MAX_TRACKED_ELEMENTS;
  const elems: Interval[] = [];
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  const take = (a: bigint, b: bigint): void => {
    if (small) elems.push(a === b ? point(a) : { lo: a, hi: b });
    if (lo === undefined || a < lo) lo = a;
    if (hi === undefined || b > hi) hi = b;
  };
  const d = t.data;
  if (t.dtype === DataType.INT64 || t.dtype === DataType.UINT64) {
    for (const x of d as BigInt64Array) take(x, x);
  } else if (isIntegerType(t.dtype) || t.dtype === DataType.BOOL) {
    if (t.dtype !== DataType.BOOL && !(d instanceof Int8Array || d instanceof Uint8Array || d instanceof Int16Array
      || d instanceof Uint16Array || d instanceof Int32Array || d instanceof Uint32Array)) return undefined;
    for (const x of d as Int32Array) {
      const b = BigInt(x);
      take(b, b);
    }
  } else if (t.dtype === DataType.FLOAT || t.dtype === DataType.DOUBLE) {
    // Large float tensors are weights, not the scalars a float→int computation starts from:
    // reading every element of them would cost time for nothing.
    if (n > MAX_FLOAT_CONSTANT) return { all: UNBOUNDED };
    for (const x of d as Float32Array) {
      if (!Number.isFinite(x)) return { all: UNBOUNDED };
      take(BigInt(Math.floor(x)), BigInt(Math.ceil(x)));
    }
  } else {
    return undefined;
  }
  if (n === 0) return { all: t.dtype === DataType.BOOL ? BOOL_RANGE : point(0n), elems: [], dims: t.dims };
  const all: Interval = { lo, hi };
  return small ? { all, elems, dims: t.dims } : { all };
}

/** True for dtypes whose values range analysis bounds (integers, BOOL, standard floats). */
export function isTracked(dtype: DataType | undefined): boolean {
  return dtype !== undefined && (isIntegerType(dtype) || dtype === DataType.BOOL || isFloatType(dtype));
}

/** Numpy broadcasting of static shapes; undefined when incompatible. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let k = 0; k < rank; k++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + k] ?? 1;
      if (x === 1) continue;
      if (d !== 1 && d !== x) return undefined;
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** Row-major index into a broadcast input of shape `s` for output position `pos` of shape `out`. */
function sourceIndex(pos: number, out: readonly number[], s: readonly number[]): number {
  let idx = 0;
  let stride = 1;
  let rem = pos;
  const coords: number[] = new Array<number>(out.length);
  for (let k = out.length - 1; k >= 0; k--) {
    coords[k] = rem % out[k]!;
    rem = Math.floor(rem / out[k]!);
  }
  for (let k = s.length - 1; k >= 0; k--) {
    const c = coords[out.length - s.length + k]!;
    idx += (s[k] === 1 ? 0 : c) * stride;
    stride *= s[k]!;
  }
  return idx;
}

/**
 * Applies an element-wise interval function: `all` from the inputs' `all`, and element bounds
 * when every input has them (with numpy broadcasting of their static shapes).
 */
export function elementwise(inputs: readonly ValueRange[], f: (xs: readonly Interval[]) => Interval): ValueRange {
  const assumed = anyAssumed(inputs);
  const all = f(inputs.map((r) => r.all));
  if (inputs.length > 0 && inputs.every((r) => r.elems !== undefined && r.dims !== undefined)) {
    const out = broadcastDims(inputs.map((r) => r.dims!));
    if (out !== undefined) {
      const n = out.reduce((a, b) => a * b, 1);
      if (n <= MAX_TRACKED_ELEMENTS) {
        const elems: Interval[] = [];
        for (let p = 0; p < n; p++) elems.push(f(inputs.map((r) => r.elems![sourceIndex(p, out, r.dims!)]!)));
        const r = withElems(elems, out, assumed);
        return n === 0 ? { ...r, all } : r;
      }
    }
  }
  return whole(all, assumed);
}

import * as tf from '@tensorflow/tfjs-core';
import { DataType, dataTypeName, elementCount } from '@mixprec/ir';
import { ExecError } from './errors.js';
import { mayBeWide, storageOf, TensorValue } from './values.js';

/**
 * Host-side helpers: reading tensor values into typed arrays, building tensors from host
 * arrays (with the int32 range check and the wide int64 path), strides and broadcasting.
 */

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** The values of a numeric or bool tensor as numbers (wide values rounded to the nearest double). */
export function numbersOf(v: TensorValue): Float32Array | Int32Array | Uint8Array | Float64Array {
  if (v.stored !== undefined) return v.tf!.dataSync() as Float32Array | Int32Array | Uint8Array;
  if (v.wide !== undefined) return Float64Array.from(v.wide, (x) => Number(x));
  throw new ExecError('KernelError', `A STRING tensor ${v.toString()} was used where numbers are needed`);
}

/** The values of an integer or bool tensor as exact bigints. */
export function bigintsOf(v: TensorValue): BigInt64Array {
  if (v.wide !== undefined) return v.wide;
  const d = numbersOf(v);
  const out = new BigInt64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = BigInt(Math.trunc(d[i]!));
  return out;
}

/** The values of a float tensor as float32 (a copy only when the storage is not float32). */
export function floatsOf(v: TensorValue): Float32Array {
  const d = numbersOf(v);
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

/** Wraps an integer to the range of a narrow integer dtype (two's complement), as C casts do. */
export function wrapInt(dtype: DataType, x: number): number {
  switch (dtype) {
    case DataType.INT8: return (x << 24) >> 24;
    case DataType.UINT8: return x & 0xff;
    case DataType.INT16: return (x << 16) >> 16;
    case DataType.UINT16: return x & 0xffff;
    case DataType.INT32: return x | 0;
    default: return x;
  }
}

/** True for narrow integer dtypes whose arithmetic wraps (INT8..INT32, UINT8, UINT16). */
export function wrapsAround(dtype: DataType): boolean {
  return dtype === DataType.INT8 || dtype === DataType.UINT8 || dtype === DataType.INT16 || dtype === DataType.UINT16 || dtype === DataType.INT32;
}

/**
 * A tensor of `dtype` from host numbers. Floats are stored as float32 (16-bit rounding is
 * applied by the executor to node outputs); narrow integers wrap; INT64/UINT32/UINT64 values
 * outside the int32 range make a wide (exact 64-bit) tensor; BOOL is x ≠ 0.
 */
export function makeTensor(dtype: DataType, shape: readonly number[], values: ArrayLike<number>): TensorValue {
  const n = elementCount(shape);
  if (values.length !== n) throw new ExecError('KernelError', `Internal: ${n} values expected for shape [${shape.join(', ')}], got ${values.length}`);
  const st = storageOf(dtype);
  switch (st) {
    case 'float32':
      return TensorValue.ofTf(dtype, tf.tensor(values instanceof Float32Array ? values : Float32Array.from(values), [...shape], 'float32'));
    case 'bool': {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = values[i] ? 1 : 0;
      return TensorValue.ofTf(dtype, tf.tensor(b, [...shape], 'bool'));
    }
    case 'int32': {
      const out = new Int32Array(n);
      const wideOk = mayBeWide(dtype);
      for (let i = 0; i < n; i++) {
        const x = toInteger(values[i]!);
        if (x >= INT32_MIN && x <= INT32_MAX) out[i] = wrapInt(dtype, x);
        else if (wideOk) return makeWide(dtype, shape, BigInt64Array.from(Array.from(values), (y) => clampInt64(BigInt(toInteger(y)))));
        else out[i] = wrapInt(dtype, Number(BigInt.asIntN(32, BigInt(x))));
      }
      return TensorValue.ofTf(dtype, tf.tensor(out, [...shape], 'int32'));
    }
    default:
      throw new ExecError('KernelError', `The executor cannot hold ${dataTypeName(dtype)} tensors`);
  }
}

/** An integer from a host number: truncated toward zero, NaN → 0, ±Infinity → the int64 limits (clamped by the caller). */
function toInteger(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (!Number.isFinite(x)) return x > 0 ? 9223372036854775807 : -9223372036854775808;
  return Math.trunc(x);
}

function clampInt64(x: bigint): bigint {
  return x > 9223372036854775807n ? 9223372036854775807n : x < -9223372036854775808n ? -9223372036854775808n : x;
}

/** An integer tensor from exact bigints: int32 storage when every value fits, else wide. */
export function makeWide(dtype: DataType, shape: readonly number[], values: BigInt64Array): TensorValue {
  let fits = true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < -2147483648n || x > 2147483647n) { fits = false; break; }
  }
  if (fits) return TensorValue.ofTf(dtype, tf.tensor(Int32Array.from(values, (x) => Number(x)), [...shape], 'int32'));
  if (!mayBeWide(dtype)) throw new ExecError('KernelError', `Internal: ${dataTypeName(dtype)} values out of range`);
  return TensorValue.ofWide(dtype, shape, values);
}

/** A scalar/vector float tensor of dtype FLOAT (for small constants). */
export function scalarOf(dtype: DataType, x: number): TensorValue {
  return makeTensor(dtype, [], [x]);
}

/** Broadcast of shapes by the numpy rules; throws a KernelError naming the shapes otherwise. */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      const o = out[j]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[j] = d;
      else throw new ExecError('KernelError', `Shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' and ')} do not broadcast`);
    }
  }
  return out;
}

/** For each element of `outShape` (row-major), the flat index into a tensor of `shape` broadcast to it. */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = elementCount(outShape);
  const idx = new Int32Array(n);
  const rank = outShape.length;
  const st = stridesOf(shape);
  const bst = new Array<number>(rank).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const j = rank - shape.length + i;
    bst[j] = shape[i] === 1 ? 0 : st[i]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      off += bst[d]!;
      if (counter[d]! < outShape[d]!) break;
      off -= bst[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return idx;
}

/** Normalises a possibly negative axis; throws when out of range. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || !Number.isInteger(a)) throw new ExecError('KernelError', `${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

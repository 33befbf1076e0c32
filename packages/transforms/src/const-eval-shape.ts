import { DataType, Tensor, elementCount, storageArrayType, storageLength, tensorToFloat64, type TensorData } from '@mixprec/ir';

/**
 * Index arithmetic for constant evaluation: row-major strides, broadcasting maps and a generic
 * gather of elements by flat index that works for every dtype whose elements are whole storage
 * items (everything but the packed 4/2-bit types and complex numbers).
 */

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Numpy broadcast of shapes, or undefined when they do not broadcast. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const a = out[off + i]!;
      const b = s[i]!;
      if (a === b || b === 1) continue;
      if (a === 1) out[off + i] = b;
      else return undefined;
    }
  }
  return out;
}

/**
 * For each element of a tensor of `outDims`, the flat index of the element of a tensor of
 * `inDims` it reads under numpy broadcasting (`inDims` right-aligned, size-1 dims repeated).
 */
export function broadcastMap(outDims: readonly number[], inDims: readonly number[]): Int32Array {
  const rank = outDims.length;
  const inStrides = stridesOf(inDims);
  const stride = new Array<number>(rank).fill(0);
  const off = rank - inDims.length;
  for (let i = 0; i < inDims.length; i++) stride[off + i] = inDims[i] === 1 ? 0 : inStrides[i]!;
  return stridedMap(outDims, stride);
}

/** For each element of a tensor of `outDims`, the flat index `Σ idx[d]·strides[d]` it reads. */
export function stridedMap(outDims: readonly number[], strides: readonly number[]): Int32Array {
  const n = elementCount(outDims);
  const map = new Int32Array(n);
  const rank = outDims.length;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    map[k] = src;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outDims[d]!) break;
      src -= strides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

/** Whether `take` can copy elements of this dtype (one storage item per element). */
export function isTakeable(dtype: number): boolean {
  return dtype !== DataType.COMPLEX64 && dtype !== DataType.COMPLEX128 && storageLength(dtype, 8) === 8;
}

/** A new tensor of `dims` whose element k is `t`'s element `map[k]` (any dtype {@link isTakeable}). */
export function take(t: Tensor, map: Int32Array, dims: readonly number[]): Tensor {
  const src = t.data;
  if (Array.isArray(src)) return Tensor.of(t.dtype, dims, Array.from(map, (i) => src[i]!));
  const ctor = storageArrayType(t.dtype)!;
  const out = new ctor(map.length) as Exclude<TensorData, readonly Uint8Array[]>;
  const s = src as Exclude<TensorData, readonly Uint8Array[]>;
  for (let k = 0; k < map.length; k++) (out as unknown as number[])[k] = (s as unknown as number[])[map[k]!]!;
  return Tensor.of(t.dtype, dims, out);
}

/** The same elements under other dims (same count). */
export function reshaped(t: Tensor, dims: readonly number[]): Tensor {
  return Tensor.of(t.dtype, dims, t.data, {});
}

/** The values of a small integer tensor (axes, shapes, indices) as numbers; undefined if not an integer tensor. */
export function intValues(t: Tensor | undefined): number[] | undefined {
  if (t === undefined) return undefined;
  switch (t.dtype) {
    case DataType.INT64: case DataType.INT32: case DataType.INT16: case DataType.INT8:
    case DataType.UINT64: case DataType.UINT32: case DataType.UINT16: case DataType.UINT8:
      return Array.from(tensorToFloat64(t));
    default:
      return undefined;
  }
}

/** `axis` normalised into [0, rank), or undefined. */
export function axisIn(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

/** An INT64 tensor from numbers. */
export function int64Of(dims: readonly number[], values: readonly number[]): Tensor {
  return Tensor.of(DataType.INT64, dims, BigInt64Array.from(values, (v) => BigInt(v)));
}

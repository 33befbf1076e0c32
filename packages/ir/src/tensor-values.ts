import { DataType, dataTypeName } from './data-type.js';
import { PreconditionError } from './errors.js';
import {
  bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBFloat16Bits, float32ToFloat16Bits,
} from './float16.js';
import { storageArrayType, Tensor, type TensorData, type TensorMeta } from './tensor.js';

/**
 * A tensor of `dtype` from plain numbers (fp16/bf16 rounded to nearest even, integers
 * truncated by the typed array, BOOL as 0/1). Not for STRING or packed sub-byte types.
 */
export function tensorFromNumbers(dtype: DataType, dims: readonly number[], values: ArrayLike<number> | readonly bigint[], meta?: TensorMeta): Tensor {
  const n = values.length;
  switch (dtype) {
    case DataType.FLOAT16:
      return Tensor.of(dtype, dims, float32ToFloat16Bits(Float32Array.from(values as ArrayLike<number>)), meta);
    case DataType.BFLOAT16:
      return Tensor.of(dtype, dims, float32ToBFloat16Bits(Float32Array.from(values as ArrayLike<number>)), meta);
    case DataType.INT64:
    case DataType.UINT64: {
      const ctor = dtype === DataType.INT64 ? BigInt64Array : BigUint64Array;
      const out = new ctor(n);
      for (let i = 0; i < n; i++) {
        const v = (values as ArrayLike<number | bigint>)[i]!;
        out[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
      }
      return Tensor.of(dtype, dims, out, meta);
    }
    case DataType.BOOL:
      return Tensor.of(dtype, dims, Uint8Array.from(values as ArrayLike<number>, (v) => (v ? 1 : 0)), meta);
    case DataType.FLOAT: case DataType.DOUBLE: case DataType.INT8: case DataType.UINT8: case DataType.INT16:
    case DataType.UINT16: case DataType.INT32: case DataType.UINT32: {
      const ctor = storageArrayType(dtype) as Exclude<ReturnType<typeof storageArrayType>, undefined | BigInt64ArrayConstructor | BigUint64ArrayConstructor>;
      return Tensor.of(dtype, dims, (ctor as Float64ArrayConstructor).from(values as ArrayLike<number>) as TensorData, meta);
    }
    default:
      throw new PreconditionError(`tensorFromNumbers does not build ${dataTypeName(dtype)} tensors`);
  }
}

/** A FLOAT tensor. */
export function floatTensor(dims: readonly number[], values: ArrayLike<number>, meta?: TensorMeta): Tensor {
  return tensorFromNumbers(DataType.FLOAT, dims, values, meta);
}

/** An INT64 tensor. */
export function int64Tensor(dims: readonly number[], values: ArrayLike<number> | readonly bigint[], meta?: TensorMeta): Tensor {
  return tensorFromNumbers(DataType.INT64, dims, values, meta);
}

/** An INT32 tensor. */
export function int32Tensor(dims: readonly number[], values: ArrayLike<number>, meta?: TensorMeta): Tensor {
  return tensorFromNumbers(DataType.INT32, dims, values, meta);
}

/** True for dtypes whose values {@link tensorToFloat64} can decode. */
export function isNumericTensorType(dtype: number): boolean {
  switch (dtype) {
    case DataType.FLOAT: case DataType.DOUBLE: case DataType.FLOAT16: case DataType.BFLOAT16:
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16:
    case DataType.INT32: case DataType.UINT32: case DataType.INT64: case DataType.UINT64: case DataType.BOOL:
      return true;
    default:
      return false;
  }
}

/**
 * The values of a numeric tensor as float64 (exact for every type except 64-bit integers
 * beyond ±2^53). Throws for STRING, complex and packed sub-byte types.
 */
export function tensorToFloat64(t: Tensor): Float64Array {
  const d = t.data;
  switch (t.dtype) {
    case DataType.FLOAT16: return Float64Array.from(float16BitsToFloat32(d as Uint16Array));
    case DataType.BFLOAT16: return Float64Array.from(bfloat16BitsToFloat32(d as Uint16Array));
    case DataType.INT64: case DataType.UINT64: return Float64Array.from(d as BigInt64Array, (x) => Number(x));
    default:
      if (!isNumericTensorType(t.dtype)) throw new PreconditionError(`Cannot read ${t.toString()} as numbers`);
      return Float64Array.from(d as Float32Array);
  }
}

/** The values of a numeric tensor as a float32 array (fp16/bf16 decoded exactly). */
export function tensorToFloat32(t: Tensor): Float32Array {
  const d = t.data;
  switch (t.dtype) {
    case DataType.FLOAT: return d as Float32Array;
    case DataType.FLOAT16: return float16BitsToFloat32(d as Uint16Array);
    case DataType.BFLOAT16: return bfloat16BitsToFloat32(d as Uint16Array);
    default: return Float32Array.from(tensorToFloat64(t));
  }
}

/** The values of a numeric tensor as plain numbers (for small tensors: shapes, axes, scalars). */
export function tensorToNumbers(t: Tensor): number[] {
  return Array.from(tensorToFloat64(t));
}

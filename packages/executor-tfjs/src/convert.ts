import * as tf from '@tensorflow/tfjs-core';
import {
  bfloat16BitsToFloat32, DataType, dataTypeName, float16BitsToFloat32, float32ToBFloat16Bits,
  float32ToFloat16Bits, Tensor,
} from '@mixprec/ir';
import { ExecError } from './errors.js';
import { makeWide } from './host.js';
import { TensorValue } from './values.js';

/**
 * Conversions between IR {@link Tensor}s (feeds, initializers, outputs) and executor values.
 * FLOAT16/BFLOAT16 bits decode exactly to float32; DOUBLE is rounded to float32 (the executor
 * computes DOUBLE in float32); INT64/UINT64/UINT32 stay exact (int32 or wide).
 */
export function valueFromTensor(t: Tensor, what: string): TensorValue {
  const dims = [...t.dims];
  const d = t.data;
  switch (t.dtype) {
    case DataType.FLOAT: return TensorValue.ofTf(t.dtype, tf.tensor(Float32Array.from(d as Float32Array), dims, 'float32'));
    case DataType.FLOAT16: return TensorValue.ofTf(t.dtype, tf.tensor(float16BitsToFloat32(d as Uint16Array), dims, 'float32'));
    case DataType.BFLOAT16: return TensorValue.ofTf(t.dtype, tf.tensor(bfloat16BitsToFloat32(d as Uint16Array), dims, 'float32'));
    case DataType.DOUBLE: return TensorValue.ofTf(t.dtype, tf.tensor(Float32Array.from(d as Float64Array), dims, 'float32'));
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16: case DataType.INT32:
      return TensorValue.ofTf(t.dtype, tf.tensor(Int32Array.from(d as Int32Array), dims, 'int32'));
    case DataType.UINT32: return makeWide(t.dtype, dims, BigInt64Array.from(d as Uint32Array, (x) => BigInt(x)));
    case DataType.INT64: return makeWide(t.dtype, dims, BigInt64Array.from(d as BigInt64Array));
    case DataType.UINT64: return makeWide(t.dtype, dims, BigInt64Array.from(d as BigUint64Array, (x) => BigInt.asIntN(64, x)));
    case DataType.BOOL: return TensorValue.ofTf(t.dtype, tf.tensor(Uint8Array.from(d as Uint8Array), dims, 'bool'));
    case DataType.STRING: {
      const dec = new TextDecoder();
      return TensorValue.ofStrings(dims, (d as readonly Uint8Array[]).map((b) => dec.decode(b)));
    }
    default:
      throw new ExecError('InvalidInput', `${what} has data type ${dataTypeName(t.dtype)}, which the executor does not support`);
  }
}

/** An IR tensor holding a value's elements in the storage of its logical dtype. */
export function tensorFromValue(v: TensorValue): Tensor {
  const dims = v.shape;
  if (v.strings !== undefined) {
    const enc = new TextEncoder();
    return Tensor.of(DataType.STRING, dims, v.strings.map((s) => enc.encode(s)));
  }
  if (v.wide !== undefined) {
    switch (v.dtype) {
      case DataType.INT64: return Tensor.of(v.dtype, dims, BigInt64Array.from(v.wide));
      case DataType.UINT64: return Tensor.of(v.dtype, dims, BigUint64Array.from(v.wide, (x) => BigInt.asUintN(64, x)));
      case DataType.UINT32: return Tensor.of(v.dtype, dims, Uint32Array.from(v.wide, (x) => Number(BigInt.asUintN(32, x))));
      default: throw new ExecError('KernelError', `Internal: wide ${dataTypeName(v.dtype)} value`);
    }
  }
  const data = v.tf!.dataSync();
  switch (v.dtype) {
    case DataType.FLOAT: return Tensor.of(v.dtype, dims, Float32Array.from(data as Float32Array));
    case DataType.FLOAT16: return Tensor.of(v.dtype, dims, float32ToFloat16Bits(toF32(data)));
    case DataType.BFLOAT16: return Tensor.of(v.dtype, dims, float32ToBFloat16Bits(toF32(data)));
    case DataType.DOUBLE: return Tensor.of(v.dtype, dims, Float64Array.from(data as Float32Array));
    case DataType.INT8: return Tensor.of(v.dtype, dims, Int8Array.from(data as Int32Array));
    case DataType.UINT8: return Tensor.of(v.dtype, dims, Uint8Array.from(data as Int32Array));
    case DataType.INT16: return Tensor.of(v.dtype, dims, Int16Array.from(data as Int32Array));
    case DataType.UINT16: return Tensor.of(v.dtype, dims, Uint16Array.from(data as Int32Array));
    case DataType.INT32: return Tensor.of(v.dtype, dims, Int32Array.from(data as Int32Array));
    case DataType.UINT32: return Tensor.of(v.dtype, dims, Uint32Array.from(data as Int32Array));
    case DataType.INT64: return Tensor.of(v.dtype, dims, BigInt64Array.from(data as Int32Array, (x) => BigInt(x)));
    case DataType.UINT64: return Tensor.of(v.dtype, dims, BigUint64Array.from(data as Int32Array, (x) => BigInt.asUintN(64, BigInt(x))));
    case DataType.BOOL: return Tensor.of(v.dtype, dims, Uint8Array.from(data as Uint8Array, (x) => (x ? 1 : 0)));
    default: throw new ExecError('KernelError', `Internal: cannot export ${dataTypeName(v.dtype)}`);
  }
}

function toF32(d: ArrayLike<number>): Float32Array {
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

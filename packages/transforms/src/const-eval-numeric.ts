import {
  DataType, Tensor, bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBFloat16Bits, float32ToFloat16Bits,
  type TensorData,
} from '@mixprec/ir';

/**
 * Numbers in and out of tensors for constant evaluation, with one rounding per result:
 * values are read exactly (FLOAT16/BFLOAT16 decoded, integers up to 32 bits as doubles, 64-bit
 * integers as bigints), computed in float64 or bigint, and rounded once into the output type
 * (FLOAT: round-to-nearest-even from the double; FLOAT16/BFLOAT16: round-to-odd to float32,
 * then nearest-even, which equals a single rounding of the double).
 */

/** The element types evaluated as doubles: floats, integers up to 32 bits, BOOL. */
export function isNumberType(dtype: number): boolean {
  switch (dtype) {
    case DataType.FLOAT: case DataType.DOUBLE: case DataType.FLOAT16: case DataType.BFLOAT16: case DataType.BOOL:
    case DataType.INT8: case DataType.UINT8: case DataType.INT16: case DataType.UINT16: case DataType.INT32: case DataType.UINT32:
      return true;
    default:
      return false;
  }
}

/** INT64 and UINT64, evaluated as bigints. */
export function isBigIntType(dtype: number): boolean {
  return dtype === DataType.INT64 || dtype === DataType.UINT64;
}

export function isFloatDType(dtype: number): boolean {
  return dtype === DataType.FLOAT || dtype === DataType.DOUBLE || dtype === DataType.FLOAT16 || dtype === DataType.BFLOAT16;
}

/** The values of a tensor of a {@link isNumberType} dtype, exactly, as doubles. */
export function readNumbers(t: Tensor): Float64Array {
  const d = t.data;
  switch (t.dtype) {
    case DataType.FLOAT16: return Float64Array.from(float16BitsToFloat32(d as Uint16Array));
    case DataType.BFLOAT16: return Float64Array.from(bfloat16BitsToFloat32(d as Uint16Array));
    default: return Float64Array.from(d as Float32Array);
  }
}

/** The values of an INT64/UINT64 tensor. */
export function readBigInts(t: Tensor): BigInt64Array | BigUint64Array {
  return t.data as BigInt64Array | BigUint64Array;
}

/**
 * Doubles rounded to float32 with round-to-odd (truncate, then set the last bit when inexact):
 * a later round-to-nearest-even to a format with at most 22 significand bits then equals one
 * rounding of the original double.
 */
export function roundOddToFloat32(src: Float64Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    const f = Math.fround(x);
    out[i] = f;
    if (f === x || Number.isNaN(x)) continue;
    // Inexact (or overflowed to ±Inf): step toward zero if rounding went away from zero, then make it odd.
    if (Math.abs(f) > Math.abs(x)) bits[i] = bits[i]! - 1;
    bits[i] = bits[i]! | 1;
  }
  return out;
}

/** Doubles to FLOAT16 bit patterns, rounded once (nearest, ties to even). */
export function float64ToFloat16Bits(src: Float64Array): Uint16Array {
  return float32ToFloat16Bits(roundOddToFloat32(src));
}

/** Doubles to BFLOAT16 bit patterns, rounded once (nearest, ties to even). */
export function float64ToBFloat16Bits(src: Float64Array): Uint16Array {
  return float32ToBFloat16Bits(roundOddToFloat32(src));
}

/**
 * 64-bit integers to doubles with round-to-odd (exact below 2^53), so that rounding the double
 * to float32 or a 16-bit format later is one rounding of the integer.
 */
export function bigIntsToFloat64RoundOdd(src: BigInt64Array | BigUint64Array): Float64Array {
  const out = new Float64Array(src.length);
  const lo = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    const d = Number(x);
    out[i] = d;
    const back = BigInt(d);
    if (back === x) continue;
    const neg = x < 0n;
    if (neg ? back < x : back > x) {
      // Rounded away from zero: one ulp toward zero (borrowing from the high word), i.e. truncation.
      if (lo[2 * i] === 0) lo[2 * i + 1] = lo[2 * i + 1]! - 1;
      lo[2 * i] = (lo[2 * i]! - 1) >>> 0;
    }
    lo[2 * i] = (lo[2 * i]! | 1) >>> 0;
  }
  return out;
}

/** Doubles as 64-bit integers (integral values only; the caller checks). */
export function toBigInts(dtype: number, src: ArrayLike<number>): BigInt64Array | BigUint64Array {
  const out = dtype === DataType.UINT64 ? new BigUint64Array(src.length) : new BigInt64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]!);
  return out;
}

/**
 * A tensor of `dtype` from exact doubles, rounding once: FLOAT nearest-even, FLOAT16/BFLOAT16
 * one rounding, integers wrapped as C casts do (values must be integral), BOOL as `≠ 0`.
 */
export function fromNumbers(dtype: number, dims: readonly number[], values: Float64Array): Tensor {
  let data: TensorData;
  switch (dtype) {
    case DataType.FLOAT: data = Float32Array.from(values); break;
    case DataType.DOUBLE: data = values; break;
    case DataType.FLOAT16: data = float64ToFloat16Bits(values); break;
    case DataType.BFLOAT16: data = float64ToBFloat16Bits(values); break;
    case DataType.BOOL: data = Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0)); break;
    case DataType.INT8: data = Int8Array.from(values); break;
    case DataType.UINT8: data = Uint8Array.from(values); break;
    case DataType.INT16: data = Int16Array.from(values); break;
    case DataType.UINT16: data = Uint16Array.from(values); break;
    case DataType.INT32: data = Int32Array.from(values); break;
    case DataType.UINT32: data = Uint32Array.from(values); break;
    case DataType.INT64: case DataType.UINT64: data = toBigInts(dtype, values); break;
    default: throw new Error(`fromNumbers: unsupported dtype ${dtype}`);
  }
  return Tensor.of(dtype, dims, data);
}

/**
 * `values` rounded in place onto the grid of `dtype` (FLOAT, FLOAT16, BFLOAT16 round once;
 * DOUBLE and integer types are left as they are), for step-by-step float semantics.
 */
export function roundInPlace(dtype: number, values: Float64Array): Float64Array {
  switch (dtype) {
    case DataType.FLOAT:
      for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i]!);
      return values;
    case DataType.FLOAT16: case DataType.BFLOAT16:
      values.set(readNumbers(fromNumbers(dtype, [values.length], values)));
      return values;
    default:
      return values;
  }
}

/** A tensor of INT64/UINT64 from bigints (stored modulo 2^64). */
export function fromBigInts(dtype: number, dims: readonly number[], values: BigInt64Array | BigUint64Array): Tensor {
  if (dtype === DataType.INT64) return Tensor.of(dtype, dims, values instanceof BigInt64Array ? values : BigInt64Array.from(values, (v) => BigInt.asIntN(64, v)));
  return Tensor.of(dtype, dims, values instanceof BigUint64Array ? values : BigUint64Array.from(values, (v) => BigInt.asUintN(64, v)));
}

const INT_RANGE: Readonly<Record<number, readonly [number, number]>> = {
  [DataType.INT8]: [-128, 127], [DataType.UINT8]: [0, 255], [DataType.INT16]: [-32768, 32767],
  [DataType.UINT16]: [0, 65535], [DataType.INT32]: [-2147483648, 2147483647], [DataType.UINT32]: [0, 4294967295],
  [DataType.INT64]: [-9223372036854775808, 9223372036854775807], [DataType.UINT64]: [0, 18446744073709551615],
};

/**
 * ONNX Cast of a constant, or undefined when the result is not well defined or not supported:
 * float → integer of NaN, ±Inf or an out-of-range value (C leaves it undefined), STRING and the
 * 8/4/2-bit formats. Float → float and integer → float round once; integer → integer wraps.
 */
export function castTensor(t: Tensor, to: number): Tensor | undefined {
  const from = t.dtype;
  if (from === to) return t;
  const fromBig = isBigIntType(from);
  if (!(isNumberType(from) || fromBig) || !(isNumberType(to) || isBigIntType(to))) return undefined;
  if (fromBig) {
    const src = readBigInts(t);
    if (isBigIntType(to)) return fromBigInts(to, t.dims, src);
    if (to === DataType.BOOL) return Tensor.of(to, t.dims, Uint8Array.from(src, (v) => (v !== 0n ? 1 : 0)));
    if (to === DataType.DOUBLE) return Tensor.of(to, t.dims, Float64Array.from(src, (v) => Number(v)));
    if (isFloatDType(to)) return fromNumbers(to, t.dims, bigIntsToFloat64RoundOdd(src));
    // Narrowing integer casts wrap (two's complement), as static_cast does.
    return fromNumbers(to, t.dims, Float64Array.from(src, (v) => Number(BigInt.asIntN(32, v))));
  }
  const v = readNumbers(t);
  if (to === DataType.BOOL) return Tensor.of(to, t.dims, Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0)));
  if (isFloatDType(to)) return fromNumbers(to, t.dims, v);
  const srcFloat = isFloatDType(from);
  if (srcFloat) {
    const range = INT_RANGE[to]!;
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = Math.trunc(v[i]!);
      // 2^63 and 2^64 are doubles just past the 64-bit ranges: exclusive there.
      if (!Number.isFinite(x) || x < range[0] || x > range[1] || (isBigIntType(to) && x === range[1])) return undefined;
      out[i] = x;
    }
    if (isBigIntType(to)) return Tensor.of(to, t.dims, toBigInts(to, out));
    return fromNumbers(to, t.dims, out);
  }
  if (isBigIntType(to)) return Tensor.of(to, t.dims, toBigInts(to, v));
  return fromNumbers(to, t.dims, v);
}

/**
 * Exact conversions between float32 and the 16-bit float formats, over whole arrays.
 *
 * All conversions round to nearest, ties to even; fp16 overflows to ±Infinity at
 * |x| ≥ 65520, keeps subnormals (grid 2^-24), NaN and the sign of zero. bf16 keeps
 * float32's exponent range; NaN stays NaN (a quiet NaN with the sign kept).
 * The loops work on the bit patterns through Uint32Array views: no allocation per element.
 */

/** 1.5 · 2^52: adding and subtracting it rounds a float64 to an integer, ties to even. */
const MAGIC = 6755399441055744;
const TWO_POW_24 = 16777216;
const TWO_POW_MINUS_24 = 5.9604644775390625e-8;
/** Largest finite fp16 value. */
export const FLOAT16_MAX = 65504;
/** Smallest positive fp16 subnormal (2^-24). */
export const FLOAT16_MIN_SUBNORMAL = TWO_POW_MINUS_24;
/** Smallest positive normal fp16 value (2^-14). */
export const FLOAT16_MIN_NORMAL = 6.103515625e-5;
/** Largest finite bf16 value. */
export const BFLOAT16_MAX = 3.3895313892515355e38;

function u32(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** fp16 bit pattern of one float32 bit pattern. */
function f32BitsToF16Bits(x: number, f: number): number {
  const sign = (x >>> 16) & 0x8000;
  const a = x & 0x7fffffff;
  if (a >= 0x38800000) {
    if (a >= 0x7f800000) return a > 0x7f800000 ? sign | 0x7e00 | ((a >>> 13) & 0x3ff) : sign | 0x7c00;
    if (a >= 0x477ff000) return sign | 0x7c00;
    return sign | (((a + 0xfff + ((a >>> 13) & 1)) >>> 13) - 0x1c000);
  }
  // Subnormal or zero: round |f|·2^24 to an integer (1024 is the smallest normal, 0x0400).
  return sign | ((Math.abs(f) * TWO_POW_24 + MAGIC) - MAGIC);
}

/** Converts float32 values to fp16 bit patterns. */
export function float32ToFloat16Bits(src: Float32Array, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  const s = u32(src);
  for (let i = 0; i < s.length; i++) dst[i] = f32BitsToF16Bits(s[i]!, src[i]!);
  return dst;
}

/** Every fp16 bit pattern decoded to float32 (a frozen lookup table built once). */
const F16_TABLE: Float32Array = (() => {
  const t = new Float32Array(65536);
  const b = u32(t);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) t[h] = (sign ? -1 : 1) * mant * TWO_POW_MINUS_24;
    else if (exp === 31) b[h] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    else b[h] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  return t;
})();

/** Converts fp16 bit patterns to float32 values (exact). */
export function float16BitsToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) dst[i] = F16_TABLE[src[i]!]!;
  return dst;
}

/** Converts float32 values to bf16 bit patterns. */
export function float32ToBFloat16Bits(src: Float32Array, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  const s = u32(src);
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    dst[i] = (x & 0x7fffffff) > 0x7f800000 ? (x >>> 16) | 0x40 : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return dst;
}

/** Converts bf16 bit patterns to float32 values (exact). */
export function bfloat16BitsToFloat32(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const d = u32(dst);
  for (let i = 0; i < src.length; i++) d[i] = (src[i]! << 16) >>> 0;
  return dst;
}

/** Rounds float32 values onto the fp16 grid, staying float32 (the executor's storage). */
export function roundToFloat16(src: Float32Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const s = u32(src);
  const d = u32(dst);
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    const a = x & 0x7fffffff;
    if (a >= 0x38800000) {
      if (a >= 0x477ff000) d[i] = a > 0x7f800000 ? x : ((x & 0x80000000) | 0x7f800000) >>> 0;
      else d[i] = ((x + 0xfff + ((x >>> 13) & 1)) & 0xffffe000) >>> 0;
    } else {
      const r = ((Math.abs(src[i]!) * TWO_POW_24 + MAGIC) - MAGIC) * TWO_POW_MINUS_24;
      dst[i] = x & 0x80000000 ? -r : r;
    }
  }
  return dst;
}

/** Rounds float32 values onto the bf16 grid, staying float32. */
export function roundToBFloat16(src: Float32Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  const s = u32(src);
  const d = u32(dst);
  for (let i = 0; i < s.length; i++) {
    const x = s[i]!;
    d[i] = (x & 0x7fffffff) > 0x7f800000 ? ((x | 0x00400000) & 0xffff0000) >>> 0 : ((x + 0x7fff + ((x >>> 16) & 1)) & 0xffff0000) >>> 0;
  }
  return dst;
}

/** fp16 bits of one number (rounded to float32 first, as a FLOAT tensor element would be). */
export function toFloat16Bits(x: number): number {
  const f = new Float32Array([x]);
  return f32BitsToF16Bits(u32(f)[0]!, f[0]!);
}

/** The number an fp16 bit pattern encodes. */
export function fromFloat16Bits(h: number): number {
  return F16_TABLE[h & 0xffff]!;
}

/** bf16 bits of one number (rounded to float32 first). */
export function toBFloat16Bits(x: number): number {
  return float32ToBFloat16Bits(new Float32Array([x]))[0]!;
}

/** The number a bf16 bit pattern encodes. */
export function fromBFloat16Bits(h: number): number {
  return new Float32Array(new Uint32Array([((h & 0xffff) << 16) >>> 0]).buffer)[0]!;
}

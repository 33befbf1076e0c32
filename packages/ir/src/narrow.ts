/**
 * FLOAT → FLOAT16/BFLOAT16 over raw little-endian bytes, in one pass: what a converter does to
 * every weight. Works on bytes of any alignment (a view into a model file, an external-data
 * read) in chunks, so no aligned copy of the whole tensor is made; rounds to nearest even
 * exactly as {@link float32ToFloat16Bits} / {@link float32ToBFloat16Bits}, and can saturate
 * overflow and keep tiny values from becoming zero while counting both.
 *
 * The plain loops here are the reference implementation: `narrowFloat32` (narrower.ts) runs
 * the WebAssembly SIMD kernels of a {@link Narrower} on big tensors and these loops elsewhere.
 */
import { DataType } from './data-type.js';
import { Tensor } from './tensor.js';

/** Elements per chunk when the bytes are not 4-byte aligned (64 KiB of scratch). */
const CHUNK = 16384;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** 1.5 · 2^52: adding and subtracting it rounds a float64 to an integer, ties to even. */
const MAGIC = 6755399441055744;
const TWO_POW_24 = 16777216;
/** Values per chunk of {@link streamReference} (1 MiB of output). */
const STREAM_ELEMENTS = 1 << 19;

/**
 * Calls `f` with the FLOAT values of `src` chunk by chunk, as bit patterns and as floats over
 * the same memory, with the index of the chunk's first element. `src` is little-endian bytes
 * (any alignment; a multiple of 4 long) or a tensor, whose raw bytes are streamed when its
 * source can ({@link Tensor.forEachRawChunk}). Aligned bytes are passed as zero-copy views,
 * unaligned ones through a scratch buffer of {@link CHUNK} elements.
 */
export function forEachFloat32Chunk(src: Uint8Array | Tensor, f: (bits: Uint32Array, floats: Float32Array, start: number) => void): void {
  if (src instanceof Tensor) {
    let at = 0;
    src.forEachRawChunk((bytes) => {
      const base = at;
      bytesChunks(bytes, (bits, floats, start) => f(bits, floats, base + start));
      at += bytes.length >>> 2;
    });
    return;
  }
  bytesChunks(src, f);
}

function bytesChunks(bytes: Uint8Array, f: (bits: Uint32Array, floats: Float32Array, start: number) => void): void {
  const n = bytes.length >>> 2;
  if (bytes.length !== n * 4) throw new RangeError(`FLOAT bytes must be a multiple of 4, got ${bytes.length}`);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    f(new Uint32Array(bytes.buffer, bytes.byteOffset, n), new Float32Array(bytes.buffer, bytes.byteOffset, n), 0);
    return;
  }
  const scratch = new ArrayBuffer(Math.min(n, CHUNK) * 4);
  const b8 = new Uint8Array(scratch);
  const dv = LITTLE_ENDIAN ? undefined : new DataView(scratch);
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    b8.set(bytes.subarray(start * 4, (start + m) * 4));
    if (dv !== undefined) for (let i = 0; i < m; i++) dv.setUint32(i * 4, dv.getUint32(i * 4, true));
    f(new Uint32Array(scratch, 0, m), new Float32Array(scratch, 0, m), start);
  }
}

/** Options of {@link narrowFloat32}. */
export interface NarrowOptions {
  /** Finite values that would round to ±Infinity become ±(largest finite value). */
  readonly saturate?: boolean;
  /** Nonzero values that would round to ±0 become ±(smallest subnormal). */
  readonly keepTiny?: boolean;
}

/** What {@link narrowFloat32} did. */
export interface NarrowCounts {
  /** Finite values that overflow the target (saturated when `saturate`, else ±Infinity). */
  readonly overflowed: number;
  /** Nonzero values that round to zero (kept as ±smallest subnormal when `keepTiny`). */
  readonly underflowed: number;
}

/**
 * `narrowFloat32` by plain loops (the reference implementation, and the fallback of
 * {@link Narrower}): the same arguments, results and errors.
 */
export function narrowFloat32Reference(
  src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, dst?: Uint16Array, options: NarrowOptions = {},
): NarrowCounts {
  const count = src instanceof Tensor ? src.byteLength >>> 2 : src.length >>> 2;
  if (src instanceof Tensor && src.dtype !== DataType.FLOAT) throw new RangeError(`narrowFloat32: the tensor is ${src.toString()}, not FLOAT`);
  if (dst !== undefined && dst.length !== count) {
    throw new RangeError(`narrowFloat32: dst has ${dst.length} elements, the source holds ${count}`);
  }
  if (dst === undefined) return countNarrowing(src, target);
  const saturate = options.saturate === true;
  const keepTiny = options.keepTiny === true;
  let overflowed = 0;
  let underflowed = 0;
  forEachFloat32Chunk(src, (s, f, start) => {
    const d = dst.subarray(start, start + s.length);
    if (target === DataType.FLOAT16) {
      for (let i = 0; i < s.length; i++) {
        const x = s[i]!;
        const a = x & 0x7fffffff;
        const sign = (x >>> 16) & 0x8000;
        if (((a - 0x38800000) >>> 0) < 0x0efff000) {
          // 2^-14 <= |x| < 65520: a normal fp16 value, rounded to 10 mantissa bits.
          d[i] = sign | (((a + 0xfff + ((a >>> 13) & 1)) >>> 13) - 0x1c000);
        } else if (a >= 0x477ff000) {
          if (a > 0x7f800000) d[i] = sign | 0x7e00 | ((a >>> 13) & 0x3ff);
          else if (a === 0x7f800000) d[i] = sign | 0x7c00;
          else {
            overflowed++;
            d[i] = sign | (saturate ? 0x7bff : 0x7c00);
          }
        } else {
          // Subnormal or zero: round |x|·2^24 to an integer.
          const h = (Math.abs(f[i]!) * TWO_POW_24 + MAGIC) - MAGIC;
          if (h === 0 && a !== 0) {
            underflowed++;
            d[i] = keepTiny ? sign | 1 : sign;
          } else {
            d[i] = sign | h;
          }
        }
      }
    } else {
      for (let i = 0; i < s.length; i++) {
        const x = s[i]!;
        const a = x & 0x7fffffff;
        if (a > 0x7f800000) {
          d[i] = (x >>> 16) | 0x40;
          continue;
        }
        const h = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
        const mag = h & 0x7fff;
        if (mag === 0x7f80 && a !== 0x7f800000) {
          overflowed++;
          d[i] = saturate ? (h & 0x8000) | 0x7f7f : h;
        } else if (mag === 0 && a !== 0) {
          underflowed++;
          d[i] = keepTiny ? h | 1 : h;
        } else {
          d[i] = h;
        }
      }
    }
  });
  return { overflowed, underflowed };
}

/**
 * What {@link narrowFloat32} would count, on the bit patterns alone (no conversion): finite
 * values at or above the first that rounds to ±Infinity, nonzero values at or below the last
 * that rounds to ±0.
 */
function countNarrowing(src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16): NarrowCounts {
  // FLOAT16: |x| >= 65520 rounds to Inf, |x| <= 2^-25 to 0. BFLOAT16: |x| >= 0x7f7f8000 to Inf, <= 0x8000 to 0.
  const inf = target === DataType.FLOAT16 ? 0x477ff000 : 0x7f7f8000;
  const tiny = target === DataType.FLOAT16 ? 0x33000000 : 0x8000;
  let overflowed = 0;
  let underflowed = 0;
  forEachFloat32Chunk(src, (s) => {
    for (let i = 0; i < s.length; i++) {
      const a = s[i]! & 0x7fffffff;
      if (a >= inf) {
        if (a < 0x7f800000) overflowed++;
      } else if (a <= tiny && a !== 0) {
        underflowed++;
      }
    }
  });
  return { overflowed, underflowed };
}

/** `narrowFloat32Chunks` by the plain loops, through one output buffer of at most 1 MiB. */
export function streamReference(
  src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, options: NarrowOptions, f: (chunk: Uint8Array) => void,
): NarrowCounts {
  const n = src instanceof Tensor ? src.byteLength >>> 2 : src.length >>> 2;
  const out = new Uint16Array(Math.min(n, STREAM_ELEMENTS));
  const out8 = new Uint8Array(out.buffer);
  let overflowed = 0;
  let underflowed = 0;
  const each = (bytes: Uint8Array): void => {
    const m = bytes.length >>> 2;
    if (bytes.length !== m * 4) throw new RangeError(`FLOAT bytes must be a multiple of 4, got ${bytes.length}`);
    for (let at = 0; at < m; at += out.length) {
      const k = Math.min(out.length, m - at);
      const c = narrowFloat32Reference(bytes.subarray(at * 4, (at + k) * 4), target, out.subarray(0, k), options);
      overflowed += c.overflowed;
      underflowed += c.underflowed;
      f(out8.subarray(0, k * 2));
    }
  };
  if (src instanceof Tensor) src.forEachRawChunk(each);
  else each(src);
  return { overflowed, underflowed };
}

/**
 * The entry points of FLOAT narrowing: {@link narrowFloat32}, {@link narrowFloat32Chunks} and
 * {@link censusFloat32} run on the caller's {@link Narrower} when given one, on a narrower made
 * for the call when the source is big, and on the plain loops otherwise.
 */
import { DataType } from './data-type.js';
import { censusFloat32Reference, censusParameters, type Float32Census } from './float32-census.js';
import { narrowFloat32Reference, streamReference, type NarrowCounts, type NarrowOptions } from './narrow.js';
import { Narrower, elementsOf } from './narrower.js';
import { Tensor } from './tensor.js';

/**
 * Values from which a call without a narrower makes a small one of its own: its set-up (~0.1
 * ms: a memory, an instance, its first page faults) is then well below the plain loop's time.
 */
const PER_CALL_MIN = 1 << 17;

function elementCountOf(src: Uint8Array | Tensor): number {
  return src instanceof Tensor ? src.byteLength >>> 2 : src.length >>> 2;
}

/**
 * Converts FLOAT values to `target` bit patterns (FLOAT16 or BFLOAT16), writing them into
 * `dst` (one element per value) or, without `dst`, only counting. `src` is little-endian bytes
 * (any alignment) or a FLOAT tensor (streamed when its source can; read straight into the
 * narrower's heap when its source has `readInto`). NaN stays NaN, ±Infinity stays ±Infinity,
 * the sign of zero is kept.
 *
 * `narrower`: the caller's, reused across calls (see {@link Narrower}). Without one, a source
 * of at least 2^17 values gets a narrower for this call only, a smaller one the plain loops.
 */
export function narrowFloat32(
  src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, dst?: Uint16Array, options: NarrowOptions = {},
  narrower?: Narrower,
): NarrowCounts {
  if (narrower !== undefined) return narrower.narrow(src, target, dst, options);
  if (elementCountOf(src) >= PER_CALL_MIN) return new Narrower({ small: true }).narrow(src, target, dst, options);
  return narrowFloat32Reference(src, target, dst, options);
}

/**
 * {@link narrowFloat32} streamed: the 16-bit values (little-endian bytes) go to `f` in order, in
 * chunks valid only during the call (at most 1 MiB; no tensor-sized array is made). `narrower`
 * as for {@link narrowFloat32}.
 */
export function narrowFloat32Chunks(
  src: Uint8Array | Tensor, target: DataType.FLOAT16 | DataType.BFLOAT16, options: NarrowOptions, f: (chunk: Uint8Array) => void,
  narrower?: Narrower,
): NarrowCounts {
  if (narrower !== undefined) return narrower.narrowChunks(src, target, options, f);
  if (elementCountOf(src) >= PER_CALL_MIN) return new Narrower({ small: true }).narrowChunks(src, target, options, f);
  if (src instanceof Tensor) elementsOf(src, 'narrowChunks');
  return streamReference(src, target, options, f);
}

/**
 * Counts the FLOAT values of `src` whose magnitude bits (`bits & 0x7fffffff`) are at or above
 * each of `bounds` (1 to 6 ascending integers in [1, 2^31]) and finds the largest magnitude
 * bits below `limit` (in [0, 2^31 − 1]). `quiet`, optional, is a speed hint: the index k of the
 * interval [bounds[k], bounds[k + 1]) most values fall in (used when bounds[k + 1] ≤ limit);
 * results do not depend on it. `narrower` as for {@link narrowFloat32}.
 */
export function censusFloat32(
  src: Uint8Array | Tensor, bounds: readonly number[], limit: number, quiet?: number, narrower?: Narrower,
): Float32Census {
  if (narrower !== undefined) return narrower.census(src, bounds, limit, quiet);
  if (elementCountOf(src) >= PER_CALL_MIN) return new Narrower({ small: true }).census(src, bounds, limit, quiet);
  censusParameters(bounds, limit, quiet);
  if (src instanceof Tensor) elementsOf(src, 'censusFloat32');
  return censusFloat32Reference(src, bounds, limit);
}

/**
 * A census of FLOAT magnitudes: how many values have |bits| at or above each of a few bounds,
 * and the largest |bits| below a limit, in one pass over the raw bytes. What a converter needs
 * to know of a weight before narrowing it (values that would overflow, underflow, sentinels,
 * the largest finite magnitude), on the bit patterns alone. The plain loop here is the
 * reference; {@link Narrower.census} gives the same on WebAssembly SIMD.
 */
import { forEachFloat32Chunk } from './narrow.js';
import type { Tensor } from './tensor.js';

/** Result of a census. */
export interface Float32Census {
  /** `atLeast[k]`: values whose |bits| (`bits & 0x7fffffff`) is ≥ `bounds[k]`. */
  readonly atLeast: readonly number[];
  /** The largest |bits| below the limit (0 when there is none). */
  readonly maxBelow: number;
}

/** Most bounds one census counts. */
export const MAX_CENSUS_BOUNDS = 6;

/** Validated parameters: the kernel's words (b_k − 1 …, limit, q_lo − 1, q_hi) and the quiet index (−1: none). */
export function censusParameters(bounds: readonly number[], limit: number, quiet: number | undefined): { words: Int32Array; quiet: number } {
  if (bounds.length < 1 || bounds.length > MAX_CENSUS_BOUNDS) {
    throw new RangeError(`censusFloat32: between 1 and ${MAX_CENSUS_BOUNDS} bounds, got ${bounds.length}`);
  }
  for (let k = 0; k < bounds.length; k++) {
    const b = bounds[k]!;
    if (!Number.isInteger(b) || b < 1 || b > 0x80000000 || (k > 0 && b < bounds[k - 1]!)) {
      throw new RangeError(`censusFloat32: bounds must be ascending integers in [1, 2^31], got [${bounds.join(', ')}]`);
    }
  }
  if (!Number.isInteger(limit) || limit < 0 || limit > 0x7fffffff) throw new RangeError(`censusFloat32: the limit must be an integer in [0, 2^31 − 1], got ${limit}`);
  if (quiet !== undefined && (!Number.isInteger(quiet) || quiet < 0 || quiet > bounds.length - 2)) {
    throw new RangeError(`censusFloat32: the quiet interval must be an index in [0, ${bounds.length - 2}], got ${quiet}`);
  }
  const q = quiet !== undefined && bounds[quiet + 1]! <= limit ? quiet : -1;
  const words = new Int32Array(MAX_CENSUS_BOUNDS + 3).fill(0x7fffffff);
  for (let k = 0; k < bounds.length; k++) words[k] = bounds[k]! - 1;
  words[MAX_CENSUS_BOUNDS] = limit;
  if (q >= 0) {
    words[MAX_CENSUS_BOUNDS + 1] = bounds[q]! - 1;
    words[MAX_CENSUS_BOUNDS + 2] = bounds[q + 1]!;
  } else {
    words[MAX_CENSUS_BOUNDS + 2] = 0;
  }
  return { words, quiet: q };
}

/** The census by a plain loop over the bit patterns (the reference). */
export function censusFloat32Reference(src: Uint8Array | Tensor, bounds: readonly number[], limit: number): Float32Census {
  const nb = bounds.length;
  const hist = new Array<number>(nb + 1).fill(0);
  let max = 0;
  forEachFloat32Chunk(src, (bits) => {
    let m = max;
    for (let i = 0; i < bits.length; i++) {
      const a = bits[i]! & 0x7fffffff;
      let k = 0;
      while (k < nb && a >= bounds[k]!) k++;
      hist[k]!++;
      if (a < limit && a > m) m = a;
    }
    max = m;
  });
  const atLeast = new Array<number>(nb).fill(0);
  let above = hist[nb]!;
  for (let k = nb - 1; k >= 0; k--) {
    atLeast[k] = above;
    above += hist[k]!;
  }
  return { atLeast, maxBelow: max };
}

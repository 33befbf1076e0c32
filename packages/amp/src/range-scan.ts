import { DataType, type LowPrecisionFloat } from '@mixprec/ir';
import type { RangeStats } from './constants.js';

/** |v| at or above this is a mask sentinel (−1e30, float32 lowest/max), not a weight. */
export const SENTINEL_THRESHOLD = 1e30;

/** Float32 bit pattern of the smallest float32 value >= {@link SENTINEL_THRESHOLD}. */
export const SENTINEL_BITS = ((): number => {
  const f = new Float32Array([SENTINEL_THRESHOLD]);
  const b = new Uint32Array(f.buffer);
  if (f[0]! < SENTINEL_THRESHOLD) b[0]!++;
  return b[0]!;
})();

/** 2^-149: the smallest float32 subnormal; a subnormal's value is its mantissa times it. */
const SUBNORMAL_UNIT = 2 ** -149;

/**
 * The float32 value of a bit pattern. Finite non-negative patterns (magnitudes: what the scans
 * produce, once per weight) by arithmetic, exact in a double; others through typed arrays.
 */
export function bitsToFloat(bits: number): number {
  if (bits >= 0 && bits < 0x7f800000 && Number.isInteger(bits)) {
    const e = bits >>> 23;
    const m = bits & 0x7fffff;
    return e === 0 ? m * SUBNORMAL_UNIT : (m + 0x800000) * 2 ** (e - 150);
  }
  return new Float32Array(new Uint32Array([bits]).buffer)[0]!;
}

/**
 * The range scan of `rangeStatsFloat32Loop` (constants.ts) over bit patterns fed in pieces (chunks of a
 * tensor, or the whole array of a small one).
 */
export class RangeScan {
  readonly #fp16: boolean;
  // |v| > max, 65520 (rounds to Inf in fp16), 2^-25 (rounds to 0 in fp16), bf16: rounds to 0.
  readonly #maxBits: number;
  readonly #tinyBits: number;
  // The first bit pattern that rounds to Inf (bf16: above 0x7f7f0000, which is a sentinel).
  readonly #infBits: number;
  // Values in (tiny, ordinaryEnd) need no counting: tested first, as nearly all weights are there.
  readonly #ordinaryEnd: number;
  #absMaxBits = 0;
  #overflow = 0;
  #sentinels = 0;
  #underflow = 0;
  /** Sentinels that round to ±Inf. */
  #rounded = 0;

  constructor(target: LowPrecisionFloat) {
    const fp16 = target === DataType.FLOAT16;
    this.#fp16 = fp16;
    this.#maxBits = fp16 ? 0x477fe000 : 0x7f7f0000;
    this.#tinyBits = fp16 ? 0x33000000 : 0x8000;
    this.#infBits = fp16 ? 0x477ff000 : 0x7f7f8000;
    this.#ordinaryEnd = fp16 ? 0x477ff000 : SENTINEL_BITS;
  }

  add(bits: Uint32Array): void {
    // The running values in locals: fields are not kept in registers.
    const tinyBits = this.#tinyBits;
    const ordinaryEnd = this.#ordinaryEnd;
    const maxBits = this.#maxBits;
    const infBits = this.#infBits;
    let m = this.#absMaxBits;
    let overflow = 0;
    let sentinels = 0;
    let underflow = 0;
    let rounded = 0;
    const len = bits.length;
    for (let i = 0; i < len; i++) {
      const a = bits[i]! & 0x7fffffff;
      if (a > tinyBits && a < ordinaryEnd) {
        if (a > m) m = a;
        continue;
      }
      if (a >= 0x7f800000) continue;
      if (a >= SENTINEL_BITS) {
        if (a > maxBits) sentinels++;
        if (a >= infBits) rounded++;
        continue;
      }
      if (a > m) m = a;
      if (a >= ordinaryEnd) overflow++; // fp16 only: for bf16 every such value is a sentinel
      else if (a !== 0) underflow++;
    }
    this.#absMaxBits = m;
    this.#overflow += overflow;
    this.#sentinels += sentinels;
    this.#underflow += underflow;
    this.#rounded += rounded;
  }

  result(elements: number): RangeStats {
    const overflow = this.#fp16 ? this.#overflow : 0;
    const underflow = this.#underflow;
    // Overflowing values: below the sentinels (fp16 only) and the sentinels that round to Inf.
    return {
      elements, absMax: bitsToFloat(this.#absMaxBits), overflow, sentinels: this.#sentinels, underflow,
      narrowing: { overflowed: overflow + this.#rounded, underflowed: underflow },
    };
  }
}

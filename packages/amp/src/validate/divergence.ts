import { DataType, isFloatType, tensorToFloat32, tensorToFloat64, type Tensor } from '@mixprec/ir';

/** Stands for "diverged without bound" (a non-finite value where the reference is finite). */
export const UNBOUNDED = Number.MAX_VALUE;

/** How far one value of the candidate is from the reference, on the value's own scale. */
export interface ValueError {
  /**
   * max |got − ref| / max |ref| over the elements where the reference is finite (the
   * "normalized max error": 1e-3 means off by 0.1 % of the value's range);
   * {@link UNBOUNDED} when the candidate has a non-finite value where the reference is finite.
   */
  readonly error: number;
  readonly maxAbs: number;
  readonly refAbsMax: number;
  /** Elements finite in the reference but not in the candidate. */
  readonly nonFinite: number;
}

function view(t: Tensor): Float32Array | Float64Array {
  return isFloatType(t.dtype) && t.dtype !== DataType.DOUBLE ? tensorToFloat32(t) : tensorToFloat64(t);
}

/** Whether both tensors hold floats of the same shape (only those are compared). */
export function comparable(ref: Tensor, got: Tensor): boolean {
  return isFloatType(ref.dtype) && isFloatType(got.dtype)
    && ref.dims.length === got.dims.length && ref.dims.every((d, i) => d === got.dims[i]);
}

/** |x| from which a reference value is a mask sentinel (the weight-range rule's threshold). */
const SENTINEL = 1e30;
/** A 16-bit value this large stands for a saturated sentinel (FP16 max is 65504). */
const SATURATED = 6.5e4;

/**
 * The per-value divergence metric (see {@link ValueError}). Mask sentinels in the reference
 * (|x| ≥ 1e30) are not part of the value's scale; a candidate that saturated them (same sign,
 * |y| ≥ 6.5e4) agrees there, one that did not counts as a full-range divergence.
 */
export function valueError(ref: Tensor, got: Tensor): ValueError {
  const r = view(ref);
  const g = view(got);
  let refAbsMax = 0;
  let maxAbs = 0;
  let nonFinite = 0;
  let lostSentinel = false;
  for (let i = 0; i < r.length; i++) {
    const x = r[i]!;
    if (x - x !== 0) continue;
    const y = g[i]!;
    if (x >= SENTINEL || x <= -SENTINEL) {
      if (!(x > 0 ? y >= SATURATED : y <= -SATURATED)) lostSentinel = true;
      continue;
    }
    const a = x < 0 ? -x : x;
    if (a > refAbsMax) refAbsMax = a;
    if (y - y !== 0) {
      nonFinite++;
      continue;
    }
    const d = y > x ? y - x : x - y;
    if (d > maxAbs) maxAbs = d;
  }
  const relative = maxAbs === 0 ? 0 : maxAbs / Math.max(refAbsMax, 1e-30);
  const error = nonFinite > 0 ? UNBOUNDED : lostSentinel ? Math.max(1, relative) : relative;
  return { error, maxAbs, refAbsMax, nonFinite };
}

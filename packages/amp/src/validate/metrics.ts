import {
  DataType, dataTypeName, isFloatType, isNumericTensorType, tensorToFloat32, tensorToFloat64, type Tensor,
} from '@mixprec/ir';
import type { Tolerance } from './tolerance.js';

/**
 * How one output of a candidate model compares with the reference on one sample.
 * Error statistics cover the elements where both values are finite; elements where the
 * reference is not finite are counted apart (and never fail); a non-finite value where the
 * reference is finite always fails.
 */
export interface OutputMetrics {
  readonly dtype: string;
  readonly dims: readonly number[];
  readonly elements: number;
  /** max |got − ref|. */
  readonly maxAbs: number;
  /** mean |got − ref|. */
  readonly meanAbs: number;
  /**
   * max |got − ref| / |ref| over the elements with |ref| ≥ 1e-3 · max|ref| (so that zeros
   * and values far below the output's scale do not make it meaningless); 0 when none.
   */
  readonly maxRel: number;
  /** mean of the same relative errors. */
  readonly meanRel: number;
  /** Cosine similarity of the finite pairs (1 when both are all zeros, 0 when only one is). */
  readonly cosine: number;
  /** max |ref| (finite elements): the output's scale. */
  readonly refAbsMax: number;
  /** For classifier-like outputs ([N, C] or [N, T, C], C ≥ 2): fraction of rows with the same arg-max. */
  readonly top1?: number;
  readonly nonFinite: {
    /** Non-finite elements in the reference. */
    readonly ref: number;
    /** Non-finite elements in the candidate. */
    readonly got: number;
    /** Elements finite in the reference but not in the candidate (each one fails). */
    readonly introduced: number;
  };
  /** The element with the largest |got − ref| (or the first introduced non-finite value). */
  readonly worst?: { readonly index: number; readonly ref: number; readonly got: number };
  /** With a tolerance: elements outside atol + rtol·|ref| (introduced non-finite values included). */
  readonly violations: number;
  /** With a tolerance: the largest |got − ref| / (atol + rtol·|ref|) (∞ as 1e308). */
  readonly worstRatio?: number;
  /** The shapes or dtypes differ (nothing else is compared). */
  readonly mismatch?: string;
  /** No introduced non-finite value, no violation, no mismatch. */
  readonly passed: boolean;
}

const REL_FLOOR = 1e-3;
const BIG = 1e308;

/** Element values for comparison: float32 views for float types (no copy for FLOAT). */
function valuesOf(t: Tensor): Float32Array | Float64Array {
  return isFloatType(t.dtype) && t.dtype !== DataType.DOUBLE ? tensorToFloat32(t) : tensorToFloat64(t);
}

/** True for outputs shaped like class scores: [N, C] or [N, T, C] with C ≥ 2. */
export function isClassifierLike(dims: readonly number[]): boolean {
  return (dims.length === 2 || dims.length === 3) && (dims[dims.length - 1] ?? 0) >= 2;
}

function top1Agreement(r: ArrayLike<number>, g: ArrayLike<number>, classes: number): number {
  const rows = Math.floor(r.length / classes);
  if (rows === 0) return 1;
  let same = 0;
  for (let row = 0; row < rows; row++) {
    const o = row * classes;
    let ra = 0;
    let ga = 0;
    for (let c = 1; c < classes; c++) {
      if (r[o + c]! > r[o + ra]!) ra = c;
      if (g[o + c]! > g[o + ga]!) ga = c;
    }
    if (ra === ga) same++;
  }
  return same / rows;
}

function mismatch(ref: Tensor, got: Tensor, why: string): OutputMetrics {
  return {
    dtype: dataTypeName(got.dtype), dims: [...got.dims], elements: got.dims.reduce((a, b) => a * b, 1), maxAbs: 0, meanAbs: 0,
    maxRel: 0, meanRel: 0, cosine: 0, refAbsMax: 0, nonFinite: { ref: 0, got: 0, introduced: 0 }, violations: 0,
    mismatch: `${why} (reference ${dataTypeName(ref.dtype)}[${ref.dims.join(', ')}], candidate ${dataTypeName(got.dtype)}[${got.dims.join(', ')}])`,
    passed: false,
  };
}

function compareStrings(ref: Tensor, got: Tensor): OutputMetrics {
  const r = ref.data as readonly Uint8Array[];
  const g = got.data as readonly Uint8Array[];
  let diff = 0;
  for (let i = 0; i < r.length; i++) if (!Buffer.from(r[i]!).equals(Buffer.from(g[i] ?? new Uint8Array(0)))) diff++;
  return {
    dtype: dataTypeName(got.dtype), dims: [...got.dims], elements: r.length, maxAbs: 0, meanAbs: 0, maxRel: 0, meanRel: 0,
    cosine: diff === 0 ? 1 : 0, refAbsMax: 0, nonFinite: { ref: 0, got: 0, introduced: 0 }, violations: diff,
    ...(diff > 0 ? { mismatch: `${diff} of ${r.length} strings differ` } : {}), passed: diff === 0,
  };
}

/**
 * Compares a candidate output with the reference. Without a tolerance only introduced
 * non-finite values (and shape/dtype mismatches) fail.
 */
export function compareOutput(ref: Tensor, got: Tensor, tolerance?: Tolerance): OutputMetrics {
  if (ref.dims.length !== got.dims.length || ref.dims.some((d, i) => d !== got.dims[i])) return mismatch(ref, got, 'shapes differ');
  const refNumeric = isNumericTensorType(ref.dtype);
  if (refNumeric !== isNumericTensorType(got.dtype)) return mismatch(ref, got, 'dtypes differ');
  if (!refNumeric) return compareStrings(ref, got);
  const r = valuesOf(ref);
  const g = valuesOf(got);
  const n = r.length;
  let refAbsMax = 0;
  let refNonFinite = 0;
  let gotNonFinite = 0;
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    if (Number.isFinite(x)) {
      const a = Math.abs(x);
      if (a > refAbsMax) refAbsMax = a;
    } else {
      refNonFinite++;
    }
    if (!Number.isFinite(g[i]!)) gotNonFinite++;
  }
  const relFloor = REL_FLOOR * refAbsMax;
  const atol = tolerance?.atol ?? 0;
  const rtol = tolerance?.rtol ?? 0;
  let maxAbs = 0;
  let sumAbs = 0;
  let maxRel = 0;
  let sumRel = 0;
  let relCount = 0;
  let finitePairs = 0;
  let dot = 0;
  let rr = 0;
  let gg = 0;
  let introduced = 0;
  let violations = 0;
  let worstRatio = 0;
  let worst = -1;
  let firstIntroduced = -1;
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    const y = g[i]!;
    if (!Number.isFinite(x)) continue;
    if (!Number.isFinite(y)) {
      introduced++;
      if (firstIntroduced < 0) firstIntroduced = i;
      continue;
    }
    finitePairs++;
    const d = Math.abs(y - x);
    sumAbs += d;
    if (d > maxAbs || worst < 0) {
      maxAbs = d;
      worst = i;
    }
    const ax = Math.abs(x);
    if (ax >= relFloor && ax > 0) {
      const rel = d / ax;
      sumRel += rel;
      relCount++;
      if (rel > maxRel) maxRel = rel;
    }
    dot += x * y;
    rr += x * x;
    gg += y * y;
    if (tolerance !== undefined) {
      const lim = atol + rtol * ax;
      if (d > lim) violations++;
      const ratio = lim > 0 ? d / lim : d > 0 ? BIG : 0;
      if (ratio > worstRatio) worstRatio = ratio;
    }
  }
  if (tolerance !== undefined && introduced > 0) {
    violations += introduced;
    worstRatio = BIG;
  }
  // No finite pair to compare while the reference had finite values: nothing agrees.
  const cosine = finitePairs === 0 && introduced > 0 ? 0 : rr === 0 && gg === 0 ? 1 : rr === 0 || gg === 0 ? 0 : dot / Math.sqrt(rr * gg);
  const pick = firstIntroduced >= 0 ? firstIntroduced : worst;
  const classes = got.dims[got.dims.length - 1] ?? 0;
  return {
    dtype: dataTypeName(got.dtype),
    dims: [...got.dims],
    elements: n,
    maxAbs,
    meanAbs: finitePairs === 0 ? 0 : sumAbs / finitePairs,
    maxRel,
    meanRel: relCount === 0 ? 0 : sumRel / relCount,
    cosine: Math.max(-1, Math.min(1, cosine)),
    refAbsMax,
    ...(isFloatType(ref.dtype) && isClassifierLike(ref.dims) ? { top1: top1Agreement(r, g, classes) } : {}),
    nonFinite: { ref: refNonFinite, got: gotNonFinite, introduced },
    ...(pick >= 0 ? { worst: { index: pick, ref: r[pick]!, got: g[pick]! } } : {}),
    violations,
    ...(tolerance === undefined ? {} : { worstRatio }),
    passed: introduced === 0 && violations === 0,
  };
}

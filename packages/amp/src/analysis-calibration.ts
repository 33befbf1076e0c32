import { DataType, type Dim, type Node, type Value } from '@mixprec/ir';
import type { Analysis } from './analysis-state.js';
import { constantBehind, maxFinite } from './constants.js';
import { knownProduct, reductionDepth } from './policy-helpers.js';
import type { Decision, PolicyQuery } from './policy.js';

/*
 * The `calibration` rule (rule 6 of the design): with observed value ranges (from running the
 * FP32 model on calibration data), a node stays float32 when
 * 1. any float input or output reached |x| > margin · max16 (default margin 0.5: headroom for
 *    data the calibration set did not cover), or
 * 2. it is a reduction whose partial sums can leave that range: depth · (largest term), where
 *    the term is what the op adds up. Reductions, pools, Softmax and the normalizations are
 *    checked whatever accumulation the policy annotated, because web runtimes (WebGPU, WebNN)
 *    often accumulate 16-bit inputs in 16-bit and these ops are cheap to keep; MatMul/Gemm/Conv
 *    (the 16-bit payload) only when the policy asks for 16-bit accumulation.
 */

/** Reductions adding |x| (or x) terms: depth · absMax(x). */
const SUM_TERMS = new Set(['ReduceSum', 'ReduceMean', 'ReduceL1', 'ReduceLogSum', 'AveragePool', 'GlobalAveragePool']);
/** Reductions adding x² terms: depth · absMax(x)². */
const SQUARE_TERMS = new Set(['ReduceSumSquare', 'ReduceL2']);
/** Sums of exp(x − max) ≤ 1 per term: depth. */
const EXP_TERMS = new Set(['Softmax', 'LogSoftmax', 'ReduceLogSumExp']);
/** Mean and variance over the normalized axes: depth · absMax and depth · (max − min)². */
const NORMS = new Set(['LayerNormalization', 'InstanceNormalization', 'GroupNormalization', 'MeanVarianceNormalization']);
/** Products accumulated over the contracted dimension: depth · absMax(a) · absMax(b). */
const PRODUCTS = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose']);

/** The inferred shape when fully known, else the observed one (else whatever was inferred). */
function concrete(inferred: readonly Dim[] | undefined, observed: readonly number[] | undefined): readonly Dim[] | undefined {
  if (inferred !== undefined && inferred.every((x) => typeof x === 'number')) return inferred;
  return observed ?? inferred;
}

function fmt(x: number): string {
  return x.toExponential(3);
}

/** Depth of the normalizations reductionDepth does not know (per-channel statistics). */
function normDepth(n: Node, q: PolicyQuery): number | undefined {
  const d = reductionDepth(q);
  if (d !== undefined) return d;
  const x: readonly Dim[] | undefined = n.inputs[0] === undefined ? undefined : q.shapeOf(n.inputs[0]);
  if (x === undefined || x.length < 2) return undefined;
  const spatial = knownProduct(x.slice(2));
  if (n.opType === 'InstanceNormalization') return spatial;
  if (n.opType === 'GroupNormalization') {
    const groups = n.getInt('num_groups');
    const c = x[1];
    return spatial === undefined || groups === undefined || typeof c !== 'number' || groups <= 0 ? undefined : spatial * (c / groups);
  }
  if (n.opType === 'MeanVarianceNormalization') {
    const axes = n.getInts('axes') ?? [0, 2, 3];
    return knownProduct(axes.map((a) => x[a < 0 ? a + x.length : a]));
  }
  return undefined;
}

/** The largest |x| of a value: observed, or from the constant behind it. */
function absMaxOf(v: Value | undefined, a: Analysis): number | undefined {
  if (v === undefined) return undefined;
  const r = a.opts.calibration?.ranges.get(v.name);
  if (r !== undefined) return r.absMax;
  const c = constantBehind(v);
  return c === undefined ? undefined : a.stats(c.tensor).absMax;
}

/**
 * Why the calibration rule keeps `n` in float32, or undefined. `d` is the policy's decision
 * (its accumulation dtype decides whether MatMul-like ops are checked).
 */
export function calibrationReason(n: Node, a: Analysis, q0: PolicyQuery, d: Decision): string | undefined {
  const cal = a.opts.calibration;
  if (cal === undefined) return undefined;
  // Shapes inference could not know (symbolic input dims) come from the calibration runs.
  const q: PolicyQuery = { ...q0, shapeOf: (v: Value) => concrete(q0.shapeOf(v), cal.ranges.get(v.name)?.dims) };
  const lim = (cal.margin ?? 0.5) * maxFinite(a.target);
  for (const v of [...n.inputs, ...n.outputs]) {
    if (v === undefined || !a.isFloat(v)) continue;
    const r = cal.ranges.get(v.name);
    if (r !== undefined && r.absMax > lim) return `'${v.name}' reaches |x| = ${fmt(r.absMax)} > ${fmt(lim)} on calibration data`;
  }
  if (n.domain !== '') return undefined;
  const op = n.opType;
  const x = n.inputs[0];
  const r = x === undefined ? undefined : cal.ranges.get(x.name);
  let bound: number | undefined;
  let what = 'partial sums';
  if (SUM_TERMS.has(op) || SQUARE_TERMS.has(op) || EXP_TERMS.has(op)) {
    const depth = reductionDepth(q);
    if (depth === undefined) return undefined;
    if (EXP_TERMS.has(op)) bound = depth;
    else if (r !== undefined) bound = depth * (SQUARE_TERMS.has(op) ? r.absMax * r.absMax : r.absMax);
  } else if (op === 'LpPool' || op === 'GlobalLpPool') {
    const depth = reductionDepth(q);
    const p = n.getInt('p', 2);
    if (depth !== undefined && r !== undefined) bound = depth * r.absMax ** p;
  } else if (NORMS.has(op)) {
    const depth = normDepth(n, q);
    if (depth !== undefined && r !== undefined) {
      const span = r.max - r.min;
      bound = Math.max(depth * r.absMax, depth * span * span);
      what = 'mean/variance partial sums';
    }
  } else if (PRODUCTS.has(op)) {
    const acc = d.accumulation;
    const sixteen = acc === undefined || acc === DataType.FLOAT16 || acc === DataType.BFLOAT16;
    if (!sixteen) return undefined;
    const depth = reductionDepth(q);
    const wa = absMaxOf(n.inputs[0], a);
    const wb = absMaxOf(n.inputs[1], a);
    if (depth !== undefined && wa !== undefined && wb !== undefined) {
      bound = depth * wa * wb;
      what = '16-bit accumulated products';
    }
  }
  if (bound !== undefined && bound > lim) {
    return `${what} of '${x?.name ?? '?'}' may reach ${fmt(bound)} > ${fmt(lim)} (calibration ranges)`;
  }
  return undefined;
}

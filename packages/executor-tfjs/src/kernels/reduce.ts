import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { addRound, gridOf, mulRound, roundTo, type Grid } from '../low-precision.js';
import { accumulating, family, type Kernel } from '../registry.js';
import type { RValue, TensorValue } from '../values.js';
import { axisOf, isFloat, out } from './util.js';

/**
 * Reductions (ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare) and ArgMax/ArgMin.
 * Float inputs with FLOAT accumulation run on tfjs (float32, then the output is rounded to
 * its dtype); `mixprec.accumulation=float16|bfloat16` runs an exact sequential host loop that
 * rounds every partial result onto that grid, visiting the reduced elements in row-major
 * order. Integer inputs reduce exactly on the host.
 */

type Kind = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'l1' | 'l2' | 'logsum' | 'logsumexp' | 'sumsquare';

interface Plan { axes: number[]; keep: boolean; outShape: number[]; identity: boolean }

function planOf(ctx: KernelContext, x: TensorValue, kind: Kind): Plan {
  const axesFromInput = ctx.opset >= 18 || (kind === 'sum' && ctx.opset >= 13);
  let raw = axesFromInput ? ctx.optInts(1) : ctx.ints('axes');
  const keep = ctx.int('keepdims', 1) !== 0;
  const noop = ctx.int('noop_with_empty_axes', 0) !== 0;
  if (raw !== undefined && raw.length === 0) raw = undefined;
  if (raw === undefined && noop) return { axes: [], keep, outShape: [...x.shape], identity: true };
  const axes = raw === undefined ? x.shape.map((_, i) => i) : [...new Set(raw.map((a) => axisOf(ctx, a, x.rank)))].sort((a, b) => a - b);
  const outShape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return { axes, keep, outShape, identity: false };
}

/** Sequential host reduction; `g` rounds every partial result (undefined: exact float64). */
function hostReduce(x: TensorValue, p: Plan, kind: Kind, g: Grid | undefined): Float64Array {
  const data = numbersOf(x);
  const n = elementCount(p.outShape);
  const keepShape = x.shape.map((d, i) => (p.axes.includes(i) ? 1 : d));
  const ost = stridesOf(keepShape);
  const ist = stridesOf(x.shape);
  const init = kind === 'prod' ? 1 : kind === 'max' ? -Infinity : kind === 'min' ? Infinity : 0;
  const acc = new Float64Array(n).fill(init);
  const count = elementCount(p.axes.map((a) => x.shape[a]!));
  const r = (v: number): number => (g === undefined ? v : roundTo(v, g));
  const add = (a: number, b: number): number => (g === undefined ? a + b : addRound(a, b, g));
  for (let i = 0; i < data.length; i++) {
    let o = 0;
    let rem = i;
    for (let d = 0; d < x.rank; d++) {
      const c = Math.floor(rem / ist[d]!);
      rem -= c * ist[d]!;
      if (!p.axes.includes(d)) o += c * ost[d]!;
    }
    const v = data[i]!;
    const a = acc[o]!;
    switch (kind) {
      case 'sum': case 'mean': case 'logsum': acc[o] = add(a, v); break;
      case 'l1': acc[o] = add(a, Math.abs(v)); break;
      case 'l2': case 'sumsquare': acc[o] = add(a, v * v); break;
      case 'logsumexp': acc[o] = add(a, r(Math.exp(v))); break;
      case 'prod': acc[o] = g === undefined ? a * v : mulRound(a, v, g); break;
      case 'max': acc[o] = Number.isNaN(v) || v > a ? v : a; break;
      case 'min': acc[o] = Number.isNaN(v) || v < a ? v : a; break;
    }
  }
  for (let o = 0; o < n; o++) {
    const a = acc[o]!;
    if (kind === 'mean') acc[o] = r(a / count);
    else if (kind === 'l2') acc[o] = r(Math.sqrt(a));
    else if (kind === 'logsum' || kind === 'logsumexp') acc[o] = r(Math.log(a));
  }
  return acc;
}

function tfReduce(t: tf.Tensor, axes: number[], kind: Kind): tf.Tensor {
  switch (kind) {
    case 'sum': return tf.sum(t, axes, true);
    case 'mean': return tf.mean(t, axes, true);
    case 'max': return tf.max(t, axes, true);
    case 'min': return tf.min(t, axes, true);
    case 'prod': return tf.prod(t, axes, true);
    case 'l1': return tf.sum(tf.abs(t), axes, true);
    case 'l2': return tf.sqrt(tf.sum(tf.square(t), axes, true));
    case 'logsum': return tf.log(tf.sum(t, axes, true));
    case 'logsumexp': return tf.logSumExp(t, axes, true);
    case 'sumsquare': return tf.sum(tf.square(t), axes, true);
  }
}

function reduce(kind: Kind): Kernel {
  return (ctx) => {
    const x = ctx.tensor(0);
    const p = planOf(ctx, x, kind);
    if (p.identity) return [out(x.dtype, tf.clone(ctx.tf(0)))];
    const acc = ctx.accumulation;
    if (isFloat(x) && acc === DataType.FLOAT && x.size > 0) {
      return [out(x.dtype, tf.reshape(tfReduce(ctx.tf(0), p.axes, kind), p.outShape))];
    }
    const g = isFloat(x) && acc !== DataType.FLOAT ? gridOf(acc) : undefined;
    const res = hostReduce(x, p, kind, g);
    if (!isFloat(x)) for (let i = 0; i < res.length; i++) res[i] = Math.trunc(res[i]!);
    return [makeTensor(x.dtype, p.outShape, res)];
  };
}

function argReduce(max: boolean): Kernel {
  return (ctx): RValue[] => {
    const x = ctx.tensor(0);
    const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
    if (x.shape[axis] === 0) ctx.fail(`axis ${axis} of ${x.toString()} is empty; there is no ${max ? 'largest' : 'smallest'} element to index`);
    const keep = ctx.int('keepdims', 1) !== 0;
    const last = ctx.int('select_last_index', 0) !== 0;
    let t = ctx.tf(0);
    if (last) t = tf.reverse(t, axis);
    let idx = max ? tf.argMax(t, axis) : tf.argMin(t, axis);
    if (last) idx = tf.sub(tf.scalar(x.shape[axis]! - 1, 'int32'), idx);
    if (keep) idx = tf.expandDims(idx, axis);
    return [out(DataType.INT64, idx)];
  };
}

export const REDUCE = family('', {
  ReduceSum: accumulating(reduce('sum')),
  ReduceMean: accumulating(reduce('mean')),
  ReduceMax: accumulating(reduce('max')),
  ReduceMin: accumulating(reduce('min')),
  ReduceProd: accumulating(reduce('prod')),
  ReduceL1: accumulating(reduce('l1')),
  ReduceL2: accumulating(reduce('l2')),
  ReduceLogSum: accumulating(reduce('logsum')),
  ReduceLogSumExp: accumulating(reduce('logsumexp')),
  ReduceSumSquare: accumulating(reduce('sumsquare')),
  ArgMax: argReduce(true),
  ArgMin: argReduce(false),
});

import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { family } from '../registry.js';
import { TensorValue, type RValue } from '../values.js';
import { axesOf, axisOf, out, toF32 } from './util.js';

/**
 * Normalisations: BatchNormalization (inference and training mode), InstanceNormalization,
 * LayerNormalization (with Mean/InvStdDev outputs), GroupNormalization, LRN,
 * MeanVarianceNormalization, LpNormalization. Computed in float32 on tfjs.
 */

/** A per-channel vector shaped to broadcast along axis 1 of a rank-`rank` tensor. */
function perChannel(t: tf.Tensor, rank: number): tf.Tensor {
  return tf.reshape(toF32(t), [t.size, ...new Array<number>(Math.max(rank - 2, 0)).fill(1)]);
}

function batchNorm(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const eps = ctx.float('epsilon', 1e-5);
  const r = x.rank;
  const training = ctx.int('training_mode', 0) !== 0 || (ctx.opset < 14 && ctx.wantsOutput(1));
  if (!training) {
    // (x − mean) / √(var + ε) · scale + B, the per-channel operands made once per weight in a
    // prepared model; a channels-last input is computed as stored (channels innermost) and
    // stays channels-last: the same float32 operations per element either way.
    const cl = x.channelsLast && r === 4;
    const shape = (i: number): tf.Tensor => (cl ? tf.reshape(toF32(ctx.tf(i)), [-1]) : perChannel(ctx.tf(i), r));
    const layout = cl ? 'nhwc' : `r${r}`;
    const [mean, sc, b] = [3, 1, 2].map((i) => ctx.derived(i, `bn:${layout}`, () => shape(i)));
    const den = ctx.derived(4, `bn:den:${layout}:${eps}`, () => tf.sqrt(tf.add(shape(4), eps)));
    const y = tf.add(tf.mul(tf.div(tf.sub(cl ? x.stored! : toF32(ctx.tf(0)), mean!), den), sc!), b!);
    return [cl ? TensorValue.ofChannelsLast(x.dtype, y) : out(x.dtype, y)];
  }
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  if (x.size === 0) ctx.fail(`training-mode statistics of an empty input ${x.toString()} are undefined`);
  const t = toF32(ctx.tf(0));
  const { mean, variance } = tf.moments(t, axes, true);
  const scale = perChannel(ctx.tf(1), r);
  const bias = perChannel(ctx.tf(2), r);
  const y = tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, eps))), scale), bias);
  const mom = ctx.float('momentum', 0.9);
  const flatMean = tf.reshape(mean, [x.shape[1]!]);
  const flatVar = tf.reshape(variance, [x.shape[1]!]);
  const runMean = tf.add(tf.mul(toF32(ctx.tf(3)), mom), tf.mul(flatMean, 1 - mom));
  const runVar = tf.add(tf.mul(toF32(ctx.tf(4)), mom), tf.mul(flatVar, 1 - mom));
  const dt = ctx.tensor(3).dtype;
  return [out(x.dtype, y), out(dt, runMean), out(dt, runVar)];
}

function instanceNorm(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const t = toF32(ctx.tf(0));
  const eps = ctx.float('epsilon', 1e-5);
  const axes = x.shape.slice(2).map((_, i) => i + 2);
  const { mean, variance } = tf.moments(t, axes, true);
  const y = tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, eps)));
  return [out(x.dtype, tf.add(tf.mul(y, perChannel(ctx.tf(1), x.rank)), perChannel(ctx.tf(2), x.rank)))];
}

function layerNorm(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const t = toF32(ctx.tf(0));
  const axis = axisOf(ctx, ctx.int('axis', -1), x.rank);
  const eps = ctx.float('epsilon', 1e-5);
  const axes = x.shape.map((_, i) => i).filter((i) => i >= axis);
  if (x.size === 0) {
    // onnxruntime: "Size of X.shape[axis:] must be at least 1"; an empty leading part gives empty outputs
    if (axes.some((a) => x.shape[a] === 0)) ctx.fail(`the normalised dims [${x.shape.slice(axis).join(', ')}] of ${x.toString()} hold no element`);
    const stats = x.shape.map((d, i) => (i >= axis ? 1 : d));
    const stashT = ctx.int('stash_type', DataType.FLOAT);
    return [out(x.dtype, tf.zeros(x.shape as number[])), out(stashT, tf.zeros(stats)), out(stashT, tf.zeros(stats))];
  }
  const { mean, variance } = tf.moments(t, axes, true);
  const inv = tf.rsqrt(tf.add(variance, eps));
  let y = tf.mul(tf.mul(tf.sub(t, mean), inv), toF32(ctx.tf(1)));
  if (ctx.has(2)) y = tf.add(y, toF32(ctx.tf(2)));
  const stash = ctx.int('stash_type', DataType.FLOAT);
  return [out(x.dtype, y), out(stash, mean), out(stash, inv)];
}

function groupNorm(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const t = toF32(ctx.tf(0));
  const groups = ctx.int('num_groups') ?? ctx.fail('num_groups is required');
  const eps = ctx.float('epsilon', 1e-5);
  const [n, c] = x.shape as [number, number];
  const g = tf.reshape(t, [n, groups, -1]);
  const { mean, variance } = tf.moments(g, [2], true);
  const norm = tf.reshape(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, eps))), x.shape as number[]);
  let scale = toF32(ctx.tf(1));
  let bias = toF32(ctx.tf(2));
  if (scale.size === groups && groups !== c) {
    scale = tf.reshape(tf.tile(tf.reshape(scale, [groups, 1]), [1, c / groups]), [c]);
    bias = tf.reshape(tf.tile(tf.reshape(bias, [groups, 1]), [1, c / groups]), [c]);
  }
  return [out(x.dtype, tf.add(tf.mul(norm, perChannel(scale, x.rank)), perChannel(bias, x.rank)))];
}

function lrn(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const size = ctx.int('size') ?? ctx.fail('size is required');
  const alpha = ctx.float('alpha', 0.0001);
  const beta = ctx.float('beta', 0.75);
  const bias = ctx.float('bias', 1);
  const d = numbersOf(x);
  const st = stridesOf(x.shape);
  const c = x.shape[1]!;
  const lo = Math.floor((size - 1) / 2);
  const hi = Math.ceil((size - 1) / 2);
  const res = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const ch = Math.floor(i / st[1]!) % c;
    let sq = 0;
    for (let k = Math.max(0, ch - lo); k <= Math.min(c - 1, ch + hi); k++) {
      const v = d[i + (k - ch) * st[1]!]!;
      sq += v * v;
    }
    res[i] = d[i]! / (bias + (alpha / size) * sq) ** beta;
  }
  return [makeTensor(x.dtype, x.shape, res)];
}

function mvn(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const t = toF32(ctx.tf(0));
  const axes = ctx.ints('axes') ?? [0, 2, 3];
  const mean = tf.mean(t, axes, true);
  const variance = tf.sub(tf.mean(tf.square(t), axes, true), tf.square(mean));
  return [out(x.dtype, tf.div(tf.sub(t, mean), tf.add(tf.sqrt(variance), 1e-9)))];
}

function lpNorm(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const t = toF32(ctx.tf(0));
  const axis = axesOf(ctx, 99, 'axis', x.rank)?.[0] ?? x.rank - 1;
  const p = ctx.int('p', 2);
  const norm = p === 1 ? tf.sum(tf.abs(t), axis, true) : tf.sqrt(tf.sum(tf.square(t), axis, true));
  return [out(x.dtype, tf.div(t, norm))];
}

export const NORM = family('', {
  BatchNormalization: batchNorm,
  InstanceNormalization: instanceNorm,
  LayerNormalization: layerNorm,
  GroupNormalization: groupNorm,
  LRN: lrn,
  MeanVarianceNormalization: mvn,
  LpNormalization: lpNorm,
});

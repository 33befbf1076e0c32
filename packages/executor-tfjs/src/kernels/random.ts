import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';
import { out } from './util.js';

/**
 * Random ops, seeded and reproducible: from the node's `seed` attribute when present, else
 * from the run seed and the node's name. (Values differ from other runtimes' generators.)
 * Dropout in inference mode is the identity with an all-true mask.
 */

function uniform(ctx: KernelContext, dtype: DataType, shape: readonly number[]): RValue {
  const rng = ctx.rng();
  const lo = ctx.float('low', 0);
  const hi = ctx.float('high', 1);
  const n = elementCount(shape);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + rng.next() * (hi - lo);
  return makeTensor(dtype, shape, v);
}

function normal(ctx: KernelContext, dtype: DataType, shape: readonly number[]): RValue {
  const rng = ctx.rng();
  const mean = ctx.float('mean', 0);
  const scale = ctx.float('scale', 1);
  const n = elementCount(shape);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = mean + scale * rng.normal();
  return makeTensor(dtype, shape, v);
}

function dropout(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ratio = ctx.opset >= 12 ? ctx.scalar(1, 0.5) : ctx.float('ratio', 0.5);
  const training = ctx.opset >= 12 ? ctx.has(2) && ctx.scalar(2) !== 0 : ctx.int('is_test', 1) === 0 && ctx.opset < 7;
  const t = ctx.tf(0);
  if (!training || ratio === 0) {
    return [out(x.dtype, tf.clone(t)), out(DataType.BOOL, tf.ones(x.shape as number[], 'bool'))];
  }
  const rng = ctx.rng();
  const keep = new Uint8Array(x.size);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() >= ratio ? 1 : 0;
  const mask = tf.tensor(keep, x.shape as number[], 'bool');
  const y = tf.where(mask, tf.div(t, 1 - ratio), tf.zerosLike(t));
  return [out(x.dtype, y), out(DataType.BOOL, mask)];
}

function bernoulli(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const p = numbersOf(x);
  const rng = ctx.rng();
  const v = Float64Array.from(p, (q) => (rng.next() < q ? 1 : 0));
  return [makeTensor(ctx.int('dtype') ?? x.dtype, x.shape, v)];
}

function multinomial(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const [batch, classes] = x.shape as [number, number];
  const n = ctx.int('sample_size', 1);
  const logits = numbersOf(x);
  const rng = ctx.rng();
  const res = new Float64Array(batch * n);
  for (let b = 0; b < batch; b++) {
    const row = Array.from(logits.subarray(b * classes, (b + 1) * classes));
    const m = Math.max(...row);
    const w = row.map((l) => Math.exp(l - m));
    const total = w.reduce((a, c) => a + c, 0);
    for (let s = 0; s < n; s++) {
      let u = rng.next() * total;
      let k = 0;
      while (k < classes - 1 && u >= w[k]!) u -= w[k++]!;
      res[b * n + s] = k;
    }
  }
  return [makeTensor(ctx.int('dtype', DataType.INT32), [batch, n], res)];
}

export const RANDOM = family('', {
  RandomUniform: (ctx) => [uniform(ctx, ctx.int('dtype', DataType.FLOAT), ctx.ints('shape') ?? ctx.fail('shape is required'))],
  RandomNormal: (ctx) => [normal(ctx, ctx.int('dtype', DataType.FLOAT), ctx.ints('shape') ?? ctx.fail('shape is required'))],
  RandomUniformLike: (ctx) => [uniform(ctx, ctx.int('dtype') ?? ctx.tensor(0).dtype, ctx.tensor(0).shape)],
  RandomNormalLike: (ctx) => [normal(ctx, ctx.int('dtype') ?? ctx.tensor(0).dtype, ctx.tensor(0).shape)],
  Bernoulli: bernoulli,
  Multinomial: multinomial,
  Dropout: dropout,
});

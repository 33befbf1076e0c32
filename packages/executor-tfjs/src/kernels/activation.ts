import * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from '../context.js';
import { CLIP } from '../heap-kernels.js';
import { elementwise, family, type Kernel, type KernelSpec } from '../registry.js';
import type { RValue } from '../values.js';
import { axisOf, isFloat, out } from './util.js';

/** Activations with attributes, Clip, and the softmax family (Softmax, LogSoftmax, Hardmax). */

/** An elementwise activation of a float input with scalar attributes. */
function floatAct(f: (x: tf.Tensor, ctx: KernelContext) => tf.Tensor): KernelSpec {
  return elementwise((ctx) => {
    const x = ctx.tensor(0);
    if (!isFloat(x)) ctx.fail(`input must be a float tensor, got ${x.toString()}`);
    return [out(x.dtype, f(ctx.tf(0), ctx))];
  });
}

function clip(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  let t = ctx.tf(0);
  let lo: number | undefined;
  let hi: number | undefined;
  if (ctx.opset < 11) {
    lo = ctx.float('min', -3.4028234663852886e38);
    hi = ctx.float('max', 3.4028234663852886e38);
  } else {
    lo = ctx.has(1) ? ctx.scalar(1) : undefined;
    hi = ctx.has(2) ? ctx.scalar(2) : undefined;
  }
  if (t.dtype === 'float32' && tf.getKernel(CLIP, tf.getBackend()) !== undefined) {
    // One pass in the wasm heap (NaN propagates; tfjs' ClipByValue there maps NaN to lo).
    t = tf.engine().runKernel(CLIP, { x: t }, { lo: lo ?? -Infinity, hi: hi ?? Infinity }) as tf.Tensor;
    return [out(x.dtype, t)];
  }
  if (lo !== undefined) t = tf.maximum(t, tf.scalar(lo, t.dtype));
  if (hi !== undefined) t = tf.minimum(t, tf.scalar(hi, t.dtype));
  return [out(x.dtype, t === ctx.tf(0) ? tf.clone(t) : t)];
}

/**
 * Softmax-like ops. Before opset 13 the input is coerced to 2-D at `axis` (default 1) and the
 * op runs over the flattened trailing dims; from 13 it runs along `axis` (default −1).
 */
function softmaxFamily(kind: 'softmax' | 'logsoftmax' | 'hardmax'): Kernel {
  return (ctx) => {
    const xv = ctx.tensor(0);
    const x = ctx.tf(0);
    const rank = x.rank;
    const legacy = ctx.opset < 13;
    const axis = axisOf(ctx, ctx.int('axis', legacy ? 1 : -1), Math.max(rank, 1));
    let t = x;
    let ax = axis;
    if (legacy) {
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      t = tf.reshape(x, [outer, x.size / Math.max(outer, 1)]);
      ax = 1;
    }
    let r: tf.Tensor;
    if (kind === 'hardmax') {
      const n = t.shape[ax]!;
      const idx = tf.argMax(t, ax);
      const oh = tf.oneHot(idx, n);
      r = ax === t.rank - 1 ? oh : tf.transpose(oh, moveLastTo(t.rank, ax));
      r = tf.cast(r, 'float32');
    } else if (kind === 'softmax' && ax === t.rank - 1 && t.dtype === 'float32') {
      // tfjs' fused softmax over the last axis: one pass on wasm (its own exp, as accurate as
      // exp, max, sum and divide as separate ops: ~4e-6 relative over 6625 classes, where the
      // float32 sum dominates), where tf.exp alone is a slow scalar loop.
      r = tf.softmax(t);
    } else {
      const m = tf.max(t, ax, true);
      const d = tf.sub(t, m);
      const e = tf.exp(d);
      const s = tf.sum(e, ax, true);
      r = kind === 'softmax' ? tf.div(e, s) : tf.sub(d, tf.log(s));
    }
    return [out(xv.dtype, legacy ? tf.reshape(r, x.shape) : r)];
  };
}

/** Permutation moving the last axis to position `ax`. */
function moveLastTo(rank: number, ax: number): number[] {
  const p: number[] = [];
  for (let i = 0; i < rank - 1; i++) p.push(i);
  p.splice(ax, 0, rank - 1);
  return p;
}

export const ACTIVATION = family('', {
  Elu: floatAct((x, c) => {
    const a = c.float('alpha', 1);
    return tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), a));
  }),
  Selu: floatAct((x, c) => {
    const a = c.float('alpha', 1.67326319217681884765625);
    const g = c.float('gamma', 1.05070102214813232421875);
    return tf.mul(tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), a)), g);
  }),
  Celu: floatAct((x, c) => {
    const a = c.float('alpha', 1);
    return tf.add(tf.relu(x), tf.minimum(0, tf.mul(tf.sub(tf.exp(tf.div(x, a)), 1), a)));
  }),
  LeakyRelu: floatAct((x, c) => {
    const a = c.float('alpha', 0.01);
    return tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, a));
  }),
  ThresholdedRelu: floatAct((x, c) => tf.where(tf.greater(x, c.float('alpha', 1)), x, tf.zerosLike(x))),
  HardSigmoid: floatAct((x, c) => tf.clipByValue(tf.add(tf.mul(x, c.float('alpha', 0.2)), c.float('beta', 0.5)), 0, 1)),
  HardSwish: floatAct((x) => tf.mul(x, tf.clipByValue(tf.add(tf.mul(x, 1 / 6), 0.5), 0, 1))),
  Shrink: floatAct((x, c) => {
    const bias = c.float('bias', 0);
    const l = c.float('lambd', 0.5);
    return tf.where(tf.less(x, -l), tf.add(x, bias), tf.where(tf.greater(x, l), tf.sub(x, bias), tf.zerosLike(x)));
  }),
  PRelu: (ctx) => {
    const x = ctx.tensor(0);
    const t = ctx.tf(0);
    let slope = ctx.tf(1);
    // Before opset 7 a 1-D slope of size C applies along the channel axis.
    if (ctx.opset < 7 && slope.rank === 1 && x.rank > 2 && slope.size === x.shape[1] && slope.size !== x.shape[x.rank - 1]) {
      slope = tf.reshape(slope, [slope.size, ...new Array<number>(x.rank - 2).fill(1)]);
    }
    return [out(x.dtype, tf.where(tf.less(t, 0), tf.mul(t, slope), tf.mul(t, tf.onesLike(slope))))];
  },
  Gelu: floatAct((x, c) => {
    if (c.str('approximate', 'none') === 'tanh') {
      const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }),
  Mish: floatAct((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  Clip: elementwise(clip),
  Softmax: softmaxFamily('softmax'),
  LogSoftmax: softmaxFamily('logsoftmax'),
  Hardmax: softmaxFamily('hardmax'),
});

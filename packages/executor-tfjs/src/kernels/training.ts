import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';

/**
 * Optimiser update ops of the `ai.onnx.preview.training` domain: Adagrad, Momentum, Adam
 * (float64 host arithmetic; outputs in the dtype of the updated tensors).
 */

/** The tensors of group `g` (0-based) when the variadic inputs after R, T hold `groups` groups. */
function group(ctx: KernelContext, groups: number, g: number): RValue[] {
  const n = (ctx.inputCount - 2) / groups;
  if (!Number.isInteger(n)) ctx.fail(`expects ${groups} equally long input groups after R and T`);
  return Array.from({ length: n }, (_, i) => ctx.tensor(2 + g * n + i));
}

function adagrad(ctx: KernelContext): RValue[] {
  const R = ctx.scalar(0);
  const T = ctx.scalar(1);
  const decay = ctx.float('decay_factor', 0);
  const eps = ctx.float('epsilon', 1e-6);
  const norm = ctx.float('norm_coefficient', 0);
  const r = R / (1 + T * decay);
  const [xs, gs, hs] = [group(ctx, 3, 0), group(ctx, 3, 1), group(ctx, 3, 2)];
  const xo: RValue[] = [];
  const ho: RValue[] = [];
  xs.forEach((xv, i) => {
    if (xv.kind !== 'tensor') return;
    const x = numbersOf(xv);
    const gd = numbersOf(gs[i] as never);
    const hd = numbersOf(hs[i] as never);
    const nx = new Float64Array(x.length);
    const nh = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const gr = norm * x[k]! + gd[k]!;
      nh[k] = hd[k]! + gr * gr;
      nx[k] = x[k]! - (r * gr) / (Math.sqrt(nh[k]!) + eps);
    }
    xo.push(makeTensor(xv.dtype, xv.shape, nx));
    ho.push(makeTensor(xv.dtype, xv.shape, nh));
  });
  return [...xo, ...ho];
}

function momentum(ctx: KernelContext): RValue[] {
  const R = ctx.scalar(0);
  const T = ctx.scalar(1);
  const alpha = ctx.float('alpha', 0);
  const beta = ctx.float('beta', 0);
  const norm = ctx.float('norm_coefficient', 0);
  const nesterov = ctx.str('mode', 'standard') === 'nesterov';
  const b = T > 0 ? beta : 1;
  const [xs, gs, vs] = [group(ctx, 3, 0), group(ctx, 3, 1), group(ctx, 3, 2)];
  const xo: RValue[] = [];
  const vo: RValue[] = [];
  xs.forEach((xv, i) => {
    if (xv.kind !== 'tensor') return;
    const x = numbersOf(xv);
    const gd = numbersOf(gs[i] as never);
    const vd = numbersOf(vs[i] as never);
    const nx = new Float64Array(x.length);
    const nv = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const gr = norm * x[k]! + gd[k]!;
      nv[k] = alpha * vd[k]! + b * gr;
      nx[k] = x[k]! - R * (nesterov ? gr + alpha * nv[k]! : nv[k]!);
    }
    xo.push(makeTensor(xv.dtype, xv.shape, nx));
    vo.push(makeTensor(xv.dtype, xv.shape, nv));
  });
  return [...xo, ...vo];
}

function adam(ctx: KernelContext): RValue[] {
  const R = ctx.scalar(0);
  const T = ctx.scalar(1);
  const alpha = ctx.float('alpha', 0.9);
  const beta = ctx.float('beta', 0.999);
  const eps = ctx.float('epsilon', 1e-6);
  const norm = ctx.float('norm_coefficient', 0);
  const post = ctx.float('norm_coefficient_post', 0);
  const ra = T > 0 ? (R * Math.sqrt(1 - beta ** T)) / (1 - alpha ** T) : R;
  const [xs, gs, vs, hs] = [group(ctx, 4, 0), group(ctx, 4, 1), group(ctx, 4, 2), group(ctx, 4, 3)];
  const xo: RValue[] = [];
  const vo: RValue[] = [];
  const ho: RValue[] = [];
  xs.forEach((xv, i) => {
    if (xv.kind !== 'tensor') return;
    const x = numbersOf(xv);
    const gd = numbersOf(gs[i] as never);
    const vd = numbersOf(vs[i] as never);
    const hd = numbersOf(hs[i] as never);
    const nx = new Float64Array(x.length);
    const nv = new Float64Array(x.length);
    const nh = new Float64Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const gr = norm * x[k]! + gd[k]!;
      nv[k] = alpha * vd[k]! + (1 - alpha) * gr;
      nh[k] = beta * hd[k]! + (1 - beta) * gr * gr;
      nx[k] = (1 - post) * (x[k]! - (ra * nv[k]!) / (Math.sqrt(nh[k]!) + eps));
    }
    xo.push(makeTensor(xv.dtype, xv.shape, nx));
    vo.push(makeTensor(xv.dtype, xv.shape, nv));
    ho.push(makeTensor(xv.dtype, xv.shape, nh));
  });
  return [...xo, ...vo, ...ho];
}

export const TRAINING = family('ai.onnx.preview.training', {
  Adagrad: adagrad,
  Momentum: momentum,
  Adam: adam,
});

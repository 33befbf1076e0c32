import { elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (float64 host loops). */

/** NLL over log-probabilities `lp` [N, C, d…] and targets [N, d…]. */
function nll(
  ctx: KernelContext, lp: ArrayLike<number>, shape: readonly number[], target: ArrayLike<number>,
  weight: ArrayLike<number> | undefined, ignore: number | undefined, reduction: string,
): { shape: number[]; data: Float64Array } {
  const n = shape[0]!;
  const c = shape[1]!;
  const inner = elementCount(shape.slice(2));
  const loss = new Float64Array(n * inner);
  let wsum = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inner; i++) {
      const t = target[b * inner + i]!;
      if (ignore !== undefined && t === ignore) continue;
      if (t < 0 || t >= c) ctx.fail(`target ${t} is out of range for ${c} classes`);
      const w = weight === undefined ? 1 : weight[t]!;
      loss[b * inner + i] = -lp[(b * c + t) * inner + i]! * w;
      wsum += w;
    }
  }
  if (reduction === 'none') return { shape: [n, ...shape.slice(2)], data: loss };
  const total = loss.reduce((a, b) => a + b, 0);
  if (reduction === 'sum') return { shape: [], data: Float64Array.of(total) };
  if (reduction !== 'mean') ctx.fail(`unknown reduction '${reduction}'`);
  return { shape: [], data: Float64Array.of(wsum === 0 ? 0 : total / wsum) };
}

function nllLoss(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const w = ctx.optTensor(2);
  const r = nll(ctx, numbersOf(x), x.shape, numbersOf(ctx.tensor(1)), w === undefined ? undefined : numbersOf(w), ctx.int('ignore_index'), ctx.str('reduction', 'mean'));
  return [makeTensor(x.dtype, r.shape, r.data)];
}

function softmaxCrossEntropy(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const d = numbersOf(x);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const inner = elementCount(x.shape.slice(2));
  const lp = new Float64Array(d.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inner; i++) {
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, d[(b * c + k) * inner + i]!);
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(d[(b * c + k) * inner + i]! - m);
      const ls = Math.log(s);
      for (let k = 0; k < c; k++) lp[(b * c + k) * inner + i] = d[(b * c + k) * inner + i]! - m - ls;
    }
  }
  const w = ctx.optTensor(2);
  const r = nll(ctx, lp, x.shape, numbersOf(ctx.tensor(1)), w === undefined ? undefined : numbersOf(w), ctx.int('ignore_index'), ctx.str('reduction', 'mean'));
  const loss = makeTensor(x.dtype, r.shape, r.data);
  return ctx.wantsOutput(1) ? [loss, makeTensor(x.dtype, x.shape, lp)] : [loss];
}

export const LOSS = family('', {
  NegativeLogLikelihoodLoss: nllLoss,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropy,
});

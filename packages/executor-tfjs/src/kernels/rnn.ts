import * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from '../context.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';
import { out, safeMatMul, toF32 } from './util.js';

/**
 * Recurrent ops RNN, GRU and LSTM on tfjs (float32), one time step at a time: all
 * directions, layouts, sequence_lens (steps past a batch entry's length leave its state
 * unchanged and emit zeros), clip, custom activations, LSTM peepholes and input_forget,
 * GRU linear_before_reset.
 */

type Act = (x: tf.Tensor) => tf.Tensor;
type Cell = 'rnn' | 'gru' | 'lstm';

function activation(ctx: KernelContext, name: string, alpha: number | undefined, beta: number | undefined): Act {
  switch (name.toLowerCase()) {
    case 'sigmoid': return tf.sigmoid;
    case 'tanh': return tf.tanh;
    case 'relu': return tf.relu;
    case 'affine': return (x) => tf.add(tf.mul(x, alpha ?? 1), beta ?? 0);
    case 'leakyrelu': return (x) => tf.where(tf.greaterEqual(x, 0), x, tf.mul(x, alpha ?? 0.01));
    case 'thresholdedrelu': return (x) => tf.where(tf.greater(x, alpha ?? 1), x, tf.zerosLike(x));
    case 'scaledtanh': return (x) => tf.mul(tf.tanh(tf.mul(x, beta ?? 1)), alpha ?? 1);
    case 'hardsigmoid': return (x) => tf.clipByValue(tf.add(tf.mul(x, alpha ?? 0.2), beta ?? 0.5), 0, 1);
    case 'elu': return (x) => tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), alpha ?? 1));
    case 'softsign': return (x) => tf.div(x, tf.add(tf.abs(x), 1));
    case 'softplus': return tf.softplus;
    default: return ctx.fail(`unknown activation '${name}'`);
  }
}

function recurrent(cell: Cell) {
  return (ctx: KernelContext): RValue[] => {
    const xv = ctx.tensor(0);
    const layout = ctx.int('layout', 0);
    let x = toF32(ctx.tf(0));
    if (layout === 1) x = tf.transpose(x, [1, 0, 2]);
    const [seq, batch, inSize] = x.shape as [number, number, number];
    const hidden = ctx.int('hidden_size') ?? ctx.tensor(2).shape[2]!;
    const direction = ctx.str('direction', 'forward');
    const dirs = direction === 'bidirectional' ? 2 : 1;
    const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
    const w = toF32(ctx.tf(1));
    const rw = toF32(ctx.tf(2));
    const b = ctx.has(3) ? toF32(ctx.tf(3)) : tf.zeros([dirs, 2 * G * hidden]);
    const lens = ctx.has(4) ? ctx.numbers(4) : new Array<number>(batch).fill(seq);
    const h0 = ctx.has(5) ? toF32(ctx.tf(5)) : tf.zeros([dirs, batch, hidden]);
    const c0 = cell === 'lstm' && ctx.has(6) ? toF32(ctx.tf(6)) : tf.zeros([dirs, batch, hidden]);
    const p = cell === 'lstm' && ctx.has(7) ? toF32(ctx.tf(7)) : undefined;
    const clip = ctx.float('clip');
    const defaults = cell === 'lstm' ? ['Sigmoid', 'Tanh', 'Tanh'] : cell === 'gru' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
    const names = ctx.strs('activations') ?? [...defaults, ...(dirs === 2 ? defaults : [])];
    const alphas = ctx.floats('activation_alpha') ?? [];
    const betas = ctx.floats('activation_beta') ?? [];
    const acts = names.map((n, i) => activation(ctx, n, alphas[i], betas[i]));
    const per = defaults.length;
    const inputForget = ctx.int('input_forget', 0) !== 0;
    const lbr = ctx.int('linear_before_reset', 0) !== 0;
    const ys: tf.Tensor[] = [];
    const hs: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const reverse = direction === 'reverse' || d === 1;
      const f = acts[d * per]!;
      const g = acts[d * per + 1] ?? f;
      const hAct = acts[d * per + 2] ?? g;
      const W = tf.squeeze(tf.slice(w, [d, 0, 0], [1, G * hidden, inSize]), [0]);
      const R = tf.squeeze(tf.slice(rw, [d, 0, 0], [1, G * hidden, hidden]), [0]);
      const bd = tf.squeeze(tf.slice(b, [d, 0], [1, 2 * G * hidden]), [0]);
      const wb = tf.slice(bd, [0], [G * hidden]);
      const rb = tf.slice(bd, [G * hidden], [G * hidden]);
      // Time order per batch entry (reverse: the first len_b steps backwards).
      const order: number[] = [];
      for (let t = 0; t < seq; t++) for (let bi = 0; bi < batch; bi++) {
        const len = lens[bi]!;
        order.push((reverse && t < len ? len - 1 - t : t) * batch + bi);
      }
      const xs = tf.reshape(tf.gather(tf.reshape(x, [seq * batch, inSize]), tf.tensor1d(order, 'int32')), [seq, batch, inSize]);
      const xw = tf.reshape(tf.add(safeMatMul(tf.reshape(xs, [seq * batch, inSize]), W, false, true), wb), [seq, batch, G * hidden]);
      let H = tf.squeeze(tf.slice(h0, [d, 0, 0], [1, batch, hidden]), [0]);
      let C = tf.squeeze(tf.slice(c0, [d, 0, 0], [1, batch, hidden]), [0]);
      const pd = p === undefined ? undefined : tf.squeeze(tf.slice(p, [d, 0], [1, 3 * hidden]), [0]);
      const outs: tf.Tensor[] = [];
      const cl = (t: tf.Tensor): tf.Tensor => (clip === undefined ? t : tf.clipByValue(t, -clip, clip));
      for (let t = 0; t < seq; t++) {
        const xt = tf.squeeze(tf.slice(xw, [t, 0, 0], [1, batch, G * hidden]), [0]);
        const mask = tf.tensor2d(lens.map((l) => (t < l ? 1 : 0)), [batch, 1], 'bool');
        const part = (k: number, src: tf.Tensor): tf.Tensor => tf.slice(src, [0, k * hidden], [batch, hidden]);
        let Hn: tf.Tensor;
        let Cn = C;
        if (cell === 'rnn') {
          Hn = f(cl(tf.add(tf.add(xt, safeMatMul(H, R, false, true)), rb)));
        } else if (cell === 'gru') {
          const hr = tf.add(safeMatMul(H, R, false, true), rb);
          const z = f(cl(tf.add(part(0, xt), part(0, hr))));
          const r = f(cl(tf.add(part(1, xt), part(1, hr))));
          const Rh = tf.slice(R, [2 * hidden, 0], [hidden, hidden]);
          const rbh = tf.slice(rb, [2 * hidden], [hidden]);
          const hh = lbr
            ? g(cl(tf.add(part(2, xt), tf.mul(r, part(2, hr)))))
            : g(cl(tf.add(part(2, xt), tf.add(safeMatMul(tf.mul(r, H), Rh, false, true), rbh))));
          Hn = tf.add(tf.mul(tf.sub(1, z), hh), tf.mul(z, H));
        } else {
          const gates = tf.add(tf.add(xt, safeMatMul(H, R, false, true)), rb);
          const peep = (k: number, c: tf.Tensor): tf.Tensor => (pd === undefined ? tf.zerosLike(c) : tf.mul(tf.slice(pd, [k * hidden], [hidden]), c));
          const i = f(cl(tf.add(part(0, gates), peep(0, C))));
          const fg = inputForget ? tf.sub(1, i) : f(cl(tf.add(part(2, gates), peep(2, C))));
          const cc = g(cl(part(3, gates)));
          Cn = tf.add(tf.mul(fg, C), tf.mul(i, cc));
          const o = f(cl(tf.add(part(1, gates), peep(1, Cn))));
          Hn = tf.mul(o, hAct(Cn));
        }
        outs.push(tf.where(mask, Hn, tf.zerosLike(Hn)));
        H = tf.where(mask, Hn, H);
        C = tf.where(mask, Cn, C);
      }
      // Back to time order.
      const y = tf.reshape(tf.gather(tf.reshape(tf.stack(outs), [seq * batch, hidden]), tf.tensor1d(inversePermutation(order), 'int32')), [seq, batch, hidden]);
      ys.push(y);
      hs.push(H);
      cs.push(C);
    }
    let Y = tf.stack(ys, 1); // [seq, dirs, batch, hidden]
    let Yh = tf.stack(hs);
    let Yc = tf.stack(cs);
    if (layout === 1) {
      Y = tf.transpose(Y, [2, 0, 1, 3]);
      Yh = tf.transpose(Yh, [1, 0, 2]);
      Yc = tf.transpose(Yc, [1, 0, 2]);
    }
    const dt = xv.dtype;
    return cell === 'lstm' ? [out(dt, Y), out(dt, Yh), out(dt, Yc)] : [out(dt, Y), out(dt, Yh)];
  };
}

function inversePermutation(p: readonly number[]): number[] {
  const inv = new Array<number>(p.length);
  p.forEach((v, i) => { inv[v] = i; });
  return inv;
}

export const RNN = family('', {
  RNN: recurrent('rnn'),
  GRU: recurrent('gru'),
  LSTM: recurrent('lstm'),
});

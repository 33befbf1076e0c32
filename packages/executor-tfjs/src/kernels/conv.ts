import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { addRound, gridOf, type Grid } from '../low-precision.js';
import { accumulating, family } from '../registry.js';
import { TensorValue, type RValue } from '../values.js';
import { checkConvWindow, positions, windowOf, type Window } from './conv-geometry.js';
import { conv2dNhwc, dilateFilter, isPointwise } from './conv-nhwc.js';
import { isFloat, out, safeMatMul, toF32 } from './util.js';

/**
 * Conv and ConvTranspose. Float 1-D/2-D convolutions with FLOAT accumulation run on tfjs:
 * pointwise ones as an NCHW matrix product, others in NHWC with explicit zero padding,
 * dilation materialised into the filter, groups split or depthwise (filter layouts are made
 * once per weight in a prepared model). Every other case runs an exact host loop; with
 * `mixprec.accumulation=float16|bfloat16` each output accumulates sequentially over input
 * channels, then kernel positions in row-major order, acc ← round(acc + x·w), and the bias
 * is added last with one more rounding.
 */

/** Host N-d convolution. `g` rounds every partial sum (undefined: float64 accumulation). */
export function hostConv(
  x: ArrayLike<number>, xShape: readonly number[], w: ArrayLike<number>, wShape: readonly number[],
  bias: ArrayLike<number> | undefined, win: Window, group: number, g: Grid | undefined,
): { shape: number[]; data: Float64Array } {
  const [n, c] = xShape as [number, number];
  const m = wShape[0]!;
  const cg = c / group;
  const mg = m / group;
  const sp = xShape.slice(2);
  const r = sp.length;
  const xst = stridesOf(xShape);
  const wst = stridesOf(wShape);
  const kpos = positions(win.kernel);
  const opos = positions(win.output);
  const outShape = [n, m, ...win.output];
  const res = new Float64Array(elementCount(outShape));
  const add = (a: number, b: number): number => (g === undefined ? a + b : addRound(a, b, g));
  let o = 0;
  const ip = new Array<number>(r);
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < m; oc++) {
      const gi = Math.floor(oc / mg);
      for (const op of opos) {
        let acc = 0;
        for (let ic = 0; ic < cg; ic++) {
          const cin = gi * cg + ic;
          const xBase = b * xst[0]! + cin * xst[1]!;
          const wBase = oc * wst[0]! + ic * wst[1]!;
          for (const kp of kpos) {
            let inside = true;
            let xo = xBase;
            let wo = wBase;
            for (let d = 0; d < r; d++) {
              ip[d] = op[d]! * win.strides[d]! + kp[d]! * win.dilations[d]! - win.padBegin[d]!;
              if (ip[d]! < 0 || ip[d]! >= sp[d]!) { inside = false; break; }
              xo += ip[d]! * xst[d + 2]!;
              wo += kp[d]! * wst[d + 2]!;
            }
            if (inside) acc = add(acc, x[xo]! * w[wo]!);
          }
        }
        if (bias !== undefined) acc = add(acc, bias[oc]!);
        res[o++] = acc;
      }
    }
  }
  return { shape: outShape, data: res };
}

/**
 * A pointwise convolution of a value in the logical layout (NCHW) as a matrix product
 * y[n] = W[m, c] · x[n][c, h·w]: no layout transposes, and the weight matrix is a view of the
 * weight; the output stays NCHW.
 */
function pointwiseNchw(ctx: KernelContext, win: Window): tf.Tensor {
  const x = ctx.tensor(0);
  const [n, c] = x.shape as [number, number];
  const m = ctx.tensor(1).shape[0]!;
  const hw = x.size / Math.max(1, n * c);
  const wm = ctx.derived(1, 'conv:pointwise', () => tf.reshape(toF32(ctx.tf(1)), [1, m, c]));
  let y = safeMatMul(wm, tf.reshape(toF32(ctx.tf(0)), [n, c, hw]));
  if (ctx.has(2)) y = tf.add(y, ctx.derived(2, 'conv:bias3', () => tf.reshape(toF32(ctx.tf(2)), [1, m, 1])));
  return tf.reshape(y, [n, m, ...win.output]);
}

/**
 * A float 1-D/2-D convolution on tfjs. A 2-D one runs in NHWC (conv-nhwc.ts) and its output
 * stays channels-last, except a pointwise one on a value in the logical layout, which stays
 * NCHW; a 1-D one runs as 2-D with a unit height and is returned as [N, M, L].
 */
function tfConv(ctx: KernelContext, win: Window, group: number): TensorValue {
  const x = ctx.tensor(0);
  if (isPointwise(win, group) && !x.channelsLast) return out(x.dtype, pointwiseNchw(ctx, win));
  if (x.rank === 4) return TensorValue.ofChannelsLast(x.dtype, conv2dNhwc(ctx, x.nhwc() as tf.Tensor4D, win, group));
  const unit = (a: readonly number[], v: number): number[] => [v, ...a];
  const win2: Window = {
    input: unit(win.input, 1), kernel: unit(win.kernel, 1), strides: unit(win.strides, 1), dilations: unit(win.dilations, 1),
    padBegin: unit(win.padBegin, 0), padEnd: unit(win.padEnd, 0), output: unit(win.output, 1),
  };
  const xh = tf.transpose(tf.expandDims(toF32(ctx.tf(0)), 2), [0, 2, 3, 1]) as tf.Tensor4D;
  return out(x.dtype, tf.transpose(tf.squeeze(conv2dNhwc(ctx, xh, win2, group), [1]), [0, 2, 1]));
}

function conv(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const w = ctx.tensor(1);
  const group = ctx.int('group', 1);
  if (x.shape[1] !== w.shape[1]! * group) ctx.fail(`input has ${x.shape[1]} channels, the weight expects ${w.shape[1]! * group}`);
  if (x.rank < 3 || w.rank !== x.rank) ctx.fail(`input ${x.toString()} and weight ${w.toString()} must have the same rank, at least 3`);
  const kernel = ctx.ints('kernel_shape') ?? w.shape.slice(2);
  if (kernel.length !== x.rank - 2) ctx.fail(`kernel_shape [${kernel.join(', ')}] does not match the ${x.rank - 2} spatial dims of the input`);
  const win = windowOf(ctx, x.shape.slice(2), kernel);
  const b = ctx.optTensor(2);
  if (b !== undefined && (b.rank !== 1 || b.shape[0] !== w.shape[0])) ctx.fail(`bias ${b.toString()} must be 1-D with ${w.shape[0]} elements`);
  if (x.shape[0] === 0 || w.shape[0] === 0) return [makeTensor(x.dtype, [x.shape[0]!, w.shape[0]!, ...win.output], [])];
  checkConvWindow(ctx, x.shape, win);
  const acc = ctx.accumulation;
  if (isFloat(x) && acc === DataType.FLOAT && (x.rank === 3 || x.rank === 4)) return [tfConv(ctx, win, group)];
  const g = isFloat(x) && acc !== DataType.FLOAT ? gridOf(acc) : undefined;
  const { shape, data } = hostConv(numbersOf(x), x.shape, numbersOf(w), w.shape, b === undefined ? undefined : numbersOf(b), win, group, g);
  return [makeTensor(x.dtype, shape, data)];
}

/**
 * 2-D float ConvTranspose on tfjs: conv2dTranspose with 'valid' padding gives the full
 * output, which is extended by output_padding and cropped by the pads.
 */
function tfConvTranspose(ctx: KernelContext, group: number, strides: number[], dil: number[], pb: number[], outSp: number[]): tf.Tensor {
  const x = ctx.tensor(0);
  const w = ctx.tensor(1);
  const [n, c, h, wd] = x.shape as [number, number, number, number];
  const [, mg, kh, kw] = w.shape as [number, number, number, number];
  const xt = tf.transpose(toF32(ctx.tf(0)), [0, 2, 3, 1]);
  const filt = tf.transpose(toF32(ctx.tf(1)), [2, 3, 1, 0]); // [kh, kw, mg, c]
  const eh = (kh - 1) * dil[0]! + 1;
  const ew = (kw - 1) * dil[1]! + 1;
  const fullH = (h - 1) * strides[0]! + eh;
  const fullW = (wd - 1) * strides[1]! + ew;
  const xs = group === 1 ? [xt] : tf.split(xt, group, 3);
  const fs = group === 1 ? [filt] : tf.split(filt, group, 3);
  const parts = xs.map((xg, i) => tf.conv2dTranspose(xg as tf.Tensor4D, dilateFilter(fs[i]!, dil[0]!, dil[1]!) as tf.Tensor4D,
    [n, fullH, fullW, mg], [strides[0]!, strides[1]!], 'valid'));
  let y: tf.Tensor = parts.length === 1 ? parts[0]! : tf.concat(parts, 3);
  // Extend (output_padding / explicit output_shape) and crop (pads) to the requested size.
  const needH = pb[0]! + outSp[0]!;
  const needW = pb[1]! + outSp[1]!;
  if (needH > fullH || needW > fullW) y = tf.pad(y, [[0, 0], [0, Math.max(0, needH - fullH)], [0, Math.max(0, needW - fullW)], [0, 0]]);
  y = tf.slice(y, [0, pb[0]!, pb[1]!, 0], [n, outSp[0]!, outSp[1]!, mg * group]);
  if (ctx.has(2)) y = tf.add(y, toF32(ctx.tf(2)));
  void c;
  return tf.transpose(y, [0, 3, 1, 2]);
}

/** N-d transposed convolution: tfjs for 2-D floats, else a host loop (float64 accumulation, scatter form). */
function convTranspose(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const w = ctx.tensor(1);
  const group = ctx.int('group', 1);
  if (x.rank < 3 || w.rank !== x.rank) ctx.fail(`input ${x.toString()} and weight ${w.toString()} must have the same rank, at least 3`);
  if (x.shape[1] !== w.shape[0]) ctx.fail(`input has ${x.shape[1]} channels, the weight expects ${w.shape[0]}`);
  const sp = x.shape.slice(2);
  const r = sp.length;
  const kernel = ctx.ints('kernel_shape') ?? w.shape.slice(2);
  const strides = ctx.ints('strides') ?? new Array<number>(r).fill(1);
  const dil = ctx.ints('dilations') ?? new Array<number>(r).fill(1);
  const outPad = ctx.ints('output_padding') ?? new Array<number>(r).fill(0);
  const autoPad = ctx.str('auto_pad', 'NOTSET');
  let pads = ctx.ints('pads') ?? new Array<number>(2 * r).fill(0);
  const given = ctx.ints('output_shape');
  const outSp: number[] = [];
  const pb: number[] = [];
  for (let i = 0; i < r; i++) {
    const ek = (kernel[i]! - 1) * dil[i]! + 1;
    const full = strides[i]! * (sp[i]! - 1) + outPad[i]! + ek;
    if (given !== undefined || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const o = given !== undefined ? given[given.length - r + i]! : sp[i]! * strides[i]!;
      const total = Math.max(0, full - o);
      const half = Math.floor(total / 2);
      pb.push(autoPad === 'SAME_UPPER' ? half : total - half);
      outSp.push(o);
    } else {
      if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
      pb.push(pads[i]!);
      outSp.push(full - pads[i]! - pads[i + r]!);
    }
  }
  outSp.forEach((o, i) => {
    if (o < 0) ctx.fail(`output size ${o} along spatial dim ${i + 2} is negative (input [${x.shape.join(', ')}], pads, strides and output_padding do not fit); check the pads`);
  });
  if (isFloat(x) && r === 2 && pb.every((p) => p >= 0) && x.size > 0 && outSp.every((o) => o > 0)) {
    return [out(x.dtype, tfConvTranspose(ctx, group, strides, dil, pb, outSp))];
  }
  const [n, c] = x.shape as [number, number];
  const mg = w.shape[1]!;
  const m = mg * group;
  const cg = c / group;
  const xd = numbersOf(x);
  const wd = numbersOf(w);
  const outShape = [n, m, ...outSp];
  const ost = stridesOf(outShape);
  const xst = stridesOf(x.shape);
  const wst = stridesOf(w.shape);
  const res = new Float64Array(elementCount(outShape));
  const ipos = positions(sp);
  const kpos = positions(kernel);
  for (let b = 0; b < n; b++) {
    for (let ic = 0; ic < c; ic++) {
      const gi = Math.floor(ic / cg);
      for (const ip of ipos) {
        let xo = b * xst[0]! + ic * xst[1]!;
        for (let d = 0; d < r; d++) xo += ip[d]! * xst[d + 2]!;
        const xv = xd[xo]!;
        if (xv === 0) continue;
        for (const kp of kpos) {
          let oo = 0;
          let wo = ic * wst[0]!;
          let inside = true;
          for (let d = 0; d < r; d++) {
            const o = ip[d]! * strides[d]! + kp[d]! * dil[d]! - pb[d]!;
            if (o < 0 || o >= outSp[d]!) { inside = false; break; }
            oo += o * ost[d + 2]!;
            wo += kp[d]! * wst[d + 2]!;
          }
          if (!inside) continue;
          for (let j = 0; j < mg; j++) {
            const oc = gi * mg + j;
            const ri = b * ost[0]! + oc * ost[1]! + oo;
            res[ri] = res[ri]! + xv * wd[wo + j * wst[1]!]!;
          }
        }
      }
    }
  }
  const bias = ctx.optTensor(2);
  if (bias !== undefined) {
    const bd = numbersOf(bias);
    const inner = elementCount(outSp);
    for (let i = 0; i < res.length; i++) res[i] = res[i]! + bd[Math.floor(i / inner) % m]!;
  }
  return [makeTensor(x.dtype, outShape, res)];
}

export const CONV = family('', {
  Conv: accumulating(conv),
  ConvTranspose: convTranspose,
});

import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { addRound, gridOf, type Grid } from '../low-precision.js';
import { accumulating, family } from '../registry.js';
import type { RValue } from '../values.js';
import { checkConvWindow, positions, windowOf, type Window } from './conv-geometry.js';
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

/** A filter [kh, kw, cin, cout] with dilation materialised (zeros between taps). */
function dilateFilter(w: tf.Tensor, dh: number, dw: number): tf.Tensor {
  if (dh === 1 && dw === 1) return w;
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  const idx: number[] = [];
  const src = tf.reshape(w, [kh * kw, ci * co]);
  const zero = tf.zeros([1, ci * co]);
  const both = tf.concat([src, zero], 0);
  for (let i = 0; i < eh; i++) {
    for (let j = 0; j < ew; j++) idx.push(i % dh === 0 && j % dw === 0 ? (i / dh) * kw + j / dw : kh * kw);
  }
  return tf.reshape(tf.gather(both, tf.tensor1d(idx, 'int32')), [eh, ew, ci, co]);
}

/**
 * A pointwise convolution (1×1 kernel, stride 1, no padding, one group) as a matrix product
 * in NCHW: y[n] = W[m, c] · x[n][c, h·w]. No layout transposes, and the weight matrix is a
 * view of the weight.
 */
function pointwise(ctx: KernelContext, win: Window, group: number): tf.Tensor | undefined {
  if (group !== 1 || win.kernel.some((k) => k !== 1) || win.strides.some((s) => s !== 1)) return undefined;
  if (win.padBegin.some((p) => p !== 0) || win.padEnd.some((p) => p !== 0)) return undefined;
  const x = ctx.tensor(0);
  const [n, c] = x.shape as [number, number];
  const m = ctx.tensor(1).shape[0]!;
  const hw = x.size / Math.max(1, n * c);
  const wm = ctx.derived(1, 'conv:pointwise', () => tf.reshape(toF32(ctx.tf(1)), [1, m, c]));
  let y = safeMatMul(wm, tf.reshape(toF32(ctx.tf(0)), [n, c, hw]));
  if (ctx.has(2)) y = tf.add(y, ctx.derived(2, 'conv:bias3', () => tf.reshape(toF32(ctx.tf(2)), [1, m, 1])));
  return tf.reshape(y, [n, m, ...win.output]);
}

function tfConv(ctx: KernelContext, win: Window, group: number): tf.Tensor {
  const fast = pointwise(ctx, win, group);
  if (fast !== undefined) return fast;
  const x = ctx.tensor(0);
  const w = ctx.tensor(1);
  const is1d = x.rank === 3;
  let xt = toF32(ctx.tf(0));
  if (is1d) xt = tf.expandDims(xt, 2);
  const pb = is1d ? [0, ...win.padBegin] : win.padBegin;
  const pe = is1d ? [0, ...win.padEnd] : win.padEnd;
  const st = is1d ? [1, ...win.strides] : win.strides;
  const dl = is1d ? [1, ...win.dilations] : win.dilations;
  const nhwc = tf.transpose(xt, [0, 2, 3, 1]) as tf.Tensor4D;
  // tfjs takes explicit [top, bottom] / [left, right] zero padding (no padded copy of x).
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pb[0]!, pe[0]!], [pb[1]!, pe[1]!], [0, 0]];
  const m = w.shape[0]!;
  const c = x.shape[1]!;
  const strides: [number, number] = [st[0]!, st[1]!];
  const wt4 = (): tf.Tensor => (is1d ? tf.expandDims(toF32(ctx.tf(1)), 2) : toF32(ctx.tf(1)));
  const dil = `${dl[0]}x${dl[1]}`;
  let y: tf.Tensor4D;
  if (group === 1) {
    // [kh, kw, c, m], dilation materialised; made once per weight in a prepared model
    const filt = ctx.derived(1, `conv:hwio:${dil}`, () => dilateFilter(tf.transpose(wt4(), [2, 3, 1, 0]), dl[0]!, dl[1]!));
    y = tf.conv2d(nhwc, filt as tf.Tensor4D, strides, pad);
  } else if (group === c && m % c === 0) {
    const filt = ctx.derived(1, `conv:depthwise:${dil}`, () => {
      const wt = wt4();
      const [kh, kw] = [wt.shape[2]!, wt.shape[3]!];
      return dilateFilter(tf.transpose(tf.reshape(wt, [c, m / c, kh, kw]), [2, 3, 0, 1]), dl[0]!, dl[1]!);
    });
    y = tf.depthwiseConv2d(nhwc, filt as tf.Tensor4D, strides, pad);
  } else {
    const padded = tf.pad(nhwc, pad);
    const xs = tf.split(padded, group, 3);
    const fs = tf.split(tf.transpose(wt4(), [2, 3, 1, 0]), group, 3);
    y = tf.concat(xs.map((xg, i) => tf.conv2d(xg as tf.Tensor4D, dilateFilter(fs[i]!, dl[0]!, dl[1]!) as tf.Tensor4D, strides, 'valid')), 3) as tf.Tensor4D;
  }
  if (ctx.has(2)) y = tf.add(y, toF32(ctx.tf(2))) as tf.Tensor4D;
  let r: tf.Tensor = tf.transpose(y, [0, 3, 1, 2]);
  if (is1d) r = tf.squeeze(r, [2]);
  return r;
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
  if (isFloat(x) && acc === DataType.FLOAT && (x.rank === 3 || x.rank === 4)) return [out(x.dtype, tfConv(ctx, win, group))];
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

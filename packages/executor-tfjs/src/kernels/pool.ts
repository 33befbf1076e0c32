import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { family, type Kernel } from '../registry.js';
import { TensorValue, type RValue } from '../values.js';
import { checkPoolInput, positions, windowOf, type Window } from './conv-geometry.js';
import { isFloat, out, toF32 } from './util.js';

/**
 * Pooling: MaxPool (with Indices), AveragePool, LpPool (exact N-d host loops covering pads,
 * auto_pad, dilations, ceil_mode, count_include_pad, storage_order), GlobalAveragePool,
 * GlobalMaxPool, GlobalLpPool (tfjs) and MaxUnpool.
 */

type PoolKind = 'max' | 'avg' | 'lp';

/**
 * 2-D max/average pooling of a float input on tfjs (in NHWC: a channels-last input as
 * stored, the output left channels-last; explicit padding), or undefined when the case needs the host loop (dilations, the Indices output). tfjs pools
 * ignore padded positions, which is MaxPool's rule and AveragePool's without
 * count_include_pad; with it, the explicit pads are zeros of the input (so they count) and
 * only ceil_mode's extra end cells stay outside, as ONNX defines.
 */
function tfPool2d(ctx: KernelContext, kind: PoolKind, x: TensorValue, win: Window, includePad: boolean): TensorValue | undefined {
  if (x.rank !== 4 || !isFloat(x) || (kind !== 'max' && kind !== 'avg') || win.dilations.some((d) => d !== 1)) return undefined;
  if (kind === 'max' && ctx.wantsOutput(1)) return undefined;
  const [oh, ow] = win.output as [number, number];
  if (oh === 0 || ow === 0 || x.size === 0) return undefined;
  const [kh, kw] = win.kernel as [number, number];
  const [sh, sw] = win.strides as [number, number];
  // tfjs pools in NHWC: a channels-last input as stored, and the output stays channels-last.
  let t = x.nhwc();
  let [pt, pl] = win.padBegin as [number, number];
  let [pb, pr] = win.padEnd as [number, number];
  if (kind === 'avg' && includePad && pt + pl + pb + pr > 0) {
    t = tf.pad(t, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
    pt = pl = pb = pr = 0;
  }
  // ceil_mode: end cells the last window reaches beyond the pads (ignored like padding).
  const h = t.shape[1]! + pt + pb;
  const w = t.shape[2]! + pl + pr;
  pb += Math.max(0, (oh - 1) * sh + kh - h);
  pr += Math.max(0, (ow - 1) * sw + kw - w);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  const y = kind === 'max' ? tf.maxPool(t as tf.Tensor4D, [kh, kw], [sh, sw], pad) : tf.avgPool(t as tf.Tensor4D, [kh, kw], [sh, sw], pad);
  if (y.shape[1] !== oh || y.shape[2] !== ow) return undefined;
  return TensorValue.ofChannelsLast(x.dtype, y);
}

function pool(kind: PoolKind): Kernel {
  return (ctx): RValue[] => {
    const x = ctx.tensor(0);
    checkPoolInput(ctx, x.shape);
    const sp = x.shape.slice(2);
    const r = sp.length;
    const kernel = ctx.ints('kernel_shape') ?? ctx.fail('kernel_shape is required');
    if (kernel.length !== r) ctx.fail(`kernel_shape [${kernel.join(', ')}] does not match the ${r} spatial dims of the input`);
    const win = windowOf(ctx, sp, kernel, ctx.int('ceil_mode', 0) !== 0);
    const includePad = ctx.int('count_include_pad', 0) !== 0;
    const fast = tfPool2d(ctx, kind, x, win, includePad);
    if (fast !== undefined) return [fast];
    const p = ctx.int('p', 2);
    const colMajor = ctx.int('storage_order', 0) !== 0;
    const [n, c] = x.shape as [number, number];
    const xd = numbersOf(x);
    const xst = stridesOf(x.shape);
    const outShape = [n, c, ...win.output];
    const res = new Float64Array(elementCount(outShape));
    const ind = kind === 'max' && ctx.wantsOutput(1) ? new Float64Array(res.length) : undefined;
    const kpos = positions(kernel);
    const opos = positions(win.output);
    const ip = new Array<number>(r);
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        const base = b * xst[0]! + ch * xst[1]!;
        for (const op of opos) {
          let acc = kind === 'max' ? -Infinity : 0;
          let arg = -1;
          let count = 0;
          for (const kp of kpos) {
            let inside = true;
            let inPadded = true;
            let xo = base;
            for (let d = 0; d < r; d++) {
              ip[d] = op[d]! * win.strides[d]! + kp[d]! * win.dilations[d]! - win.padBegin[d]!;
              if (ip[d]! < 0 || ip[d]! >= sp[d]!) {
                inside = false;
                if (ip[d]! < -win.padBegin[d]! || ip[d]! >= sp[d]! + win.padEnd[d]!) inPadded = false;
              } else {
                xo += ip[d]! * xst[d + 2]!;
              }
            }
            if (!inside) {
              if (includePad && inPadded) count++;
              continue;
            }
            const v = xd[xo]!;
            count++;
            if (kind === 'max') {
              if (v > acc || arg < 0) {
                acc = v;
                arg = colMajor ? colMajorIndex(ip, sp) + (b * c + ch) * elementCount(sp) : xo;
              }
            } else if (kind === 'avg') acc += v;
            else acc += Math.abs(v) ** p;
          }
          if (ind !== undefined) ind[o] = arg;
          res[o++] = kind === 'max' ? acc : kind === 'avg' ? acc / Math.max(count, 1) : acc ** (1 / p);
        }
      }
    }
    const y = makeTensor(x.dtype, outShape, res);
    return ind === undefined ? [y] : [y, makeTensor(DataType.INT64, outShape, ind)];
  };
}

function colMajorIndex(ip: readonly number[], sp: readonly number[]): number {
  let idx = 0;
  let mul = 1;
  for (let d = 0; d < sp.length; d++) {
    idx += ip[d]! * mul;
    mul *= sp[d]!;
  }
  return idx;
}

function globalPool(kind: PoolKind): Kernel {
  return (ctx) => {
    const x = ctx.tensor(0);
    // onnxruntime rejects empty spatial extents (a mean or max over nothing); an empty batch gives an empty output
    checkPoolInput(ctx, x.shape);
    const axes = x.shape.slice(2).map((_, i) => i + 2);
    if (x.size === 0) return [makeTensor(x.dtype, [...x.shape.slice(0, 2), ...axes.map(() => 1)], [])];
    const t = toF32(ctx.tf(0));
    if (kind === 'avg') return [out(x.dtype, tf.mean(t, axes, true))];
    if (kind === 'max') return [out(x.dtype, tf.max(t, axes, true))];
    const p = ctx.int('p', 2);
    return [out(x.dtype, tf.pow(tf.sum(tf.pow(tf.abs(t), p), axes, true), 1 / p))];
  };
}

function maxUnpool(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = numbersOf(ctx.tensor(1));
  const sp = x.shape.slice(2);
  const kernel = ctx.ints('kernel_shape') ?? ctx.fail('kernel_shape is required');
  const strides = ctx.ints('strides') ?? sp.map(() => 1);
  const pads = ctx.ints('pads') ?? new Array<number>(2 * sp.length).fill(0);
  // Indices address the default unpooled shape; an explicit output_shape keeps coordinates.
  const defShape = [...x.shape.slice(0, 2), ...sp.map((d, i) => (d - 1) * strides[i]! + kernel[i]! - pads[i]! - pads[i + sp.length]!)];
  const outShape = ctx.has(2) ? ctx.numbers(2) : defShape;
  const dst = stridesOf(defShape);
  const ost = stridesOf(outShape);
  const res = new Float64Array(elementCount(outShape));
  const xd = numbersOf(x);
  const total = elementCount(defShape);
  for (let i = 0; i < xd.length; i++) {
    const j = ind[i]!;
    if (j < 0 || j >= total) ctx.fail(`index ${j} is out of range for the unpooled shape [${defShape.join(', ')}]`);
    let rem = j;
    let o = 0;
    for (let d = 0; d < defShape.length; d++) {
      const c = Math.floor(rem / dst[d]!);
      rem -= c * dst[d]!;
      if (c >= outShape[d]!) ctx.fail(`index ${j} falls outside output_shape [${outShape.join(', ')}]`);
      o += c * ost[d]!;
    }
    res[o] = xd[i]!;
  }
  return [makeTensor(x.dtype, outShape, res)];
}

export const POOL = family('', {
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  LpPool: pool('lp'),
  GlobalAveragePool: globalPool('avg'),
  GlobalMaxPool: globalPool('max'),
  GlobalLpPool: globalPool('lp'),
  MaxUnpool: maxUnpool,
});

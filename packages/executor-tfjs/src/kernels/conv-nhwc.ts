import * as tf from '@tensorflow/tfjs-core';
import type { KernelContext } from '../context.js';
import { DEPTHWISE, GEMM } from '../heap-kernels.js';
import { packColumns } from '../gemm-module.js';
import type { Window } from './conv-geometry.js';
import { toF32 } from './util.js';

/**
 * 2-D float convolution on tfjs in NHWC order, the layout tfjs' kernels (XNNPACK on the wasm
 * backend) compute in: the input comes as [N, H, W, C] (a channels-last value as stored, or
 * transposed once), the output stays [N, OH, OW, M] (the caller keeps it channels-last), and
 * the bias is fused into the kernel. Filter layouts are derived once per weight in a prepared
 * model, which also lets the backend keep its packed weights across runs (it caches them by
 * weight tensor):
 * - pointwise (1×1, stride 1, no padding, one group): a matrix product [N·H·W, C] · [C, M],
 *   on the wasm backend by the executor's own kernel (gemm-module.ts) when M is a multiple
 *   of 4, else by tfjs (XNNPACK);
 * - one group: conv2d with the filter as [kh, kw, C, M];
 * - depthwise (group = C, M a multiple of C): depthwiseConv2d with [kh, kw, C, M / C], on the
 *   wasm backend by the executor's own kernel (depthwise-module.ts) when M = C, a multiple of 4;
 * - other groups: one conv2d per group on channel slices, concatenated.
 * Dilation is materialised into the filter (zeros between taps); padding is explicit.
 */

/** A filter [kh, kw, cin, cout] with dilation materialised (zeros between taps). */
export function dilateFilter(w: tf.Tensor, dh: number, dw: number): tf.Tensor {
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

/** The weight [M, C, 1, 1] as a host [C, M] matrix (row-major). */
function transposed(weight: tf.Tensor, m: number, c: number): Float32Array {
  const wd = weight.dataSync();
  const out = new Float32Array(m * c);
  for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) out[j * m + i] = wd[i * c + j]!;
  return out;
}

/** True for a 1×1, stride-1, unpadded, single-group window (a matrix product per pixel). */
export function isPointwise(win: Window, group: number): boolean {
  return group === 1 && win.kernel.every((k) => k === 1) && win.strides.every((s) => s === 1)
    && win.padBegin.every((p) => p === 0) && win.padEnd.every((p) => p === 0);
}

/**
 * Convolution of `xh` ([N, H, W, C]) by the node's weight (input 1, [M, C/group, kh, kw], or
 * [M, C/group, k] for a 1-D conv given as H = 1) and optional bias (input 2); `win` is the
 * 2-D window (a 1-D window with a leading unit dim).
 */
export function conv2dNhwc(ctx: KernelContext, xh: tf.Tensor4D, win: Window, group: number): tf.Tensor4D {
  const [n, h, w, c] = xh.shape;
  const wv = ctx.tensor(1);
  const m = wv.shape[0]!;
  const is1d = wv.rank === 3;
  const weight = (): tf.Tensor => (is1d ? tf.expandDims(toF32(ctx.tf(1)), 2) : toF32(ctx.tf(1)));
  const bias = ctx.has(2) ? toF32(ctx.tf(2)) as tf.Tensor1D : undefined;
  if (isPointwise(win, group)) {
    const a = tf.reshape(xh, [n * h * w, c]);
    if (m % 4 === 0 && c > 0 && tf.getKernel(GEMM, tf.getBackend()) !== undefined) {
      // The executor's own register-tiled product on the wasm heap (gemm-module.ts).
      const packed = ctx.derived(1, 'conv:packed', () => tf.tensor1d(packColumns(transposed(ctx.tf(1), m, c), c, m)));
      const b = bias ?? ctx.derived(1, 'conv:zero-bias', () => tf.zeros([m]));
      const y = tf.engine().runKernel(GEMM, { a, b: packed, bias: b }, { m: n * h * w, n: m, k: c }) as tf.Tensor;
      return tf.reshape(y, [n, h, w, m]);
    }
    const wm = ctx.derived(1, 'conv:io', () => tf.transpose(tf.reshape(toF32(ctx.tf(1)), [m, c])));
    return tf.reshape(tf.fused.matMul({ a: a as tf.Tensor2D, b: wm as tf.Tensor2D, bias }), [n, h, w, m]);
  }
  const [dh, dw] = win.dilations as [number, number];
  const dil = `${dh}x${dw}`;
  const strides: [number, number] = [win.strides[0]!, win.strides[1]!];
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0], [win.padBegin[0]!, win.padEnd[0]!], [win.padBegin[1]!, win.padEnd[1]!], [0, 0],
  ];
  if (group === 1) {
    const filter = ctx.derived(1, `conv:hwio:${dil}`, () => dilateFilter(tf.transpose(weight(), [2, 3, 1, 0]), dh, dw)) as tf.Tensor4D;
    return tf.fused.conv2d({ x: xh, filter, strides, pad, bias });
  }
  if (group === c && m % c === 0) {
    const filter = ctx.derived(1, `conv:depthwise:${dil}`, () => {
      const wt = weight();
      return dilateFilter(tf.transpose(tf.reshape(wt, [c, m / c, wt.shape[2]!, wt.shape[3]!]), [2, 3, 0, 1]), dh, dw);
    }) as tf.Tensor4D;
    if (m === c && c % 4 === 0 && tf.getKernel(DEPTHWISE, tf.getBackend()) !== undefined) {
      // The executor's own kernel on the wasm heap (depthwise-module.ts).
      const attrs = { sh: strides[0], sw: strides[1], pt: win.padBegin[0]!, pl: win.padBegin[1]!, oh: win.output[0]!, ow: win.output[1]! };
      const b = bias ?? ctx.derived(1, 'conv:zero-bias', () => tf.zeros([m]));
      return tf.engine().runKernel(DEPTHWISE, { x: xh, filter, bias: b }, attrs) as tf.Tensor4D;
    }
    // The typing of the fused op omits explicit padding, which its kernels take as the unfused
    // op's do (both compute the window by conv_util.computeConv2DInfo).
    return tf.fused.depthwiseConv2d({ x: xh, filter, strides, pad: pad as unknown as 'valid', bias });
  }
  const xs = tf.split(tf.pad(xh, pad), group, 3);
  const fs = tf.split(tf.transpose(weight(), [2, 3, 1, 0]), group, 3);
  let y = tf.concat(xs.map((xg, i) => tf.conv2d(xg as tf.Tensor4D, dilateFilter(fs[i]!, dh, dw) as tf.Tensor4D, strides, 'valid')), 3) as tf.Tensor4D;
  if (bias !== undefined) y = tf.add(y, bias);
  return y;
}

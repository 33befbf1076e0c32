import { DataType, integerRange } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue, TensorValue } from '../values.js';
import { windowOf } from './conv-geometry.js';
import { hostConv } from './conv.js';
import { exactDot, hostMatMul } from './matmul.js';
import { axisOf } from './util.js';

/**
 * Quantisation: QuantizeLinear, DequantizeLinear (per-tensor and per-axis), DynamicQuantizeLinear,
 * and the integer ops MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv, computed exactly
 * on the host (integer accumulation; requantisation rounds half to even and saturates).
 */

/** Round half to even. */
export function rne(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

function saturate(v: number, dtype: DataType): number {
  const r = integerRange(dtype);
  if (r === undefined) return v;
  return Math.min(Number(r[1]), Math.max(Number(r[0]), v));
}

/** Per-element parameter index for a per-tensor (size 1) or per-axis parameter. */
function paramIndex(x: TensorValue, p: TensorValue | undefined, axis: number): (i: number) => number {
  if (p === undefined || p.size === 1) return () => 0;
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const dim = x.shape[axis]!;
  return (i) => Math.floor(i / inner) % dim;
}

function quantize(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const s = ctx.tensor(1);
  const zpT = ctx.optTensor(2);
  const dtype = zpT?.dtype ?? ctx.int('output_dtype', DataType.UINT8);
  const axis = s.size <= 1 ? 0 : axisOf(ctx, ctx.int('axis', 1), x.rank);
  const xd = numbersOf(x);
  const sd = numbersOf(s);
  const zd = zpT === undefined ? undefined : numbersOf(zpT);
  const pi = paramIndex(x, s, axis);
  const res = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const k = pi(i);
    res[i] = saturate(rne(Math.fround(xd[i]! / sd[k]!)) + (zd?.[k] ?? 0), dtype);
  }
  return [makeTensor(dtype, x.shape, res)];
}

function dequantize(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const s = ctx.tensor(1);
  const zpT = ctx.optTensor(2);
  const axis = s.size <= 1 ? 0 : axisOf(ctx, ctx.int('axis', 1), x.rank);
  const xd = numbersOf(x);
  const sd = numbersOf(s);
  const zd = zpT === undefined ? undefined : numbersOf(zpT);
  const pi = paramIndex(x, s, axis);
  const res = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const k = pi(i);
    res[i] = Math.fround((xd[i]! - (zd?.[k] ?? 0)) * sd[k]!);
  }
  return [makeTensor(s.dtype, x.shape, res)];
}

function dynamicQuantize(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const xd = numbersOf(x);
  let lo = 0;
  let hi = 0;
  for (const v of xd) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.fround(Math.fround(hi - lo) / 255);
  const zp = scale === 0 ? 0 : saturate(rne(Math.fround(0 - Math.fround(lo / scale))), DataType.UINT8);
  const y = Float64Array.from(xd, (v) => (scale === 0 ? zp : saturate(rne(Math.fround(v / scale)) + zp, DataType.UINT8)));
  return [makeTensor(DataType.UINT8, x.shape, y), makeTensor(DataType.FLOAT, [], [scale]), makeTensor(DataType.UINT8, [], [zp])];
}

/** Values minus a zero point that is per-tensor or per-row/column of a matrix. */
function centred(v: TensorValue, zp: TensorValue | undefined, perAxis: number): Float64Array {
  const d = Float64Array.from(numbersOf(v));
  if (zp === undefined) return d;
  const z = numbersOf(zp);
  if (z.length === 1) return d.map((x) => x - z[0]!);
  const inner = v.shape.slice(perAxis + 1).reduce((a, b) => a * b, 1);
  const dim = v.shape[perAxis]!;
  return d.map((x, i) => x - z[Math.floor(i / inner) % dim]!);
}

function matMulInteger(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  const ad = centred(a, ctx.optTensor(2), a.rank - 2);
  const bd = centred(b, ctx.optTensor(3), b.rank - 1);
  const { shape, data } = hostMatMul(ad, a.shape, bd, b.shape, exactDot);
  return [makeTensor(DataType.INT32, shape, data)];
}

function convInteger(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const w = ctx.tensor(1);
  const xd = centred(x, ctx.optTensor(2), 0);
  const wd = centred(w, ctx.optTensor(3), 0);
  const kernel = ctx.ints('kernel_shape') ?? w.shape.slice(2);
  const win = windowOf(ctx, x.shape.slice(2), kernel);
  const { shape, data } = hostConv(xd, x.shape, wd, w.shape, undefined, win, ctx.int('group', 1), undefined);
  return [makeTensor(DataType.INT32, shape, data)];
}

function requantize(data: Float64Array, shape: readonly number[], mult: (i: number) => number, yzp: number, dtype: DataType): RValue {
  const res = Float64Array.from(data, (v, i) => saturate(rne(Math.fround(v * mult(i))) + yzp, dtype));
  return makeTensor(dtype, shape, res);
}

function qlinearMatMul(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(3);
  const as = numbersOf(ctx.tensor(1))[0]!;
  const bsT = ctx.tensor(4);
  const bs = numbersOf(bsT);
  const ys = numbersOf(ctx.tensor(6))[0]!;
  const yzp = ctx.tensor(7);
  const ad = centred(a, ctx.tensor(2), a.rank - 2);
  const bd = centred(b, ctx.tensor(5), b.rank - 1);
  const { shape, data } = hostMatMul(ad, a.shape, bd, b.shape, exactDot);
  const n = shape[shape.length - 1]!;
  return [requantize(data, shape, (i) => Math.fround((as * bs[bs.length === 1 ? 0 : i % n]!) / ys), numbersOf(yzp)[0]!, yzp.dtype)];
}

function qlinearConv(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const w = ctx.tensor(3);
  const xs = numbersOf(ctx.tensor(1))[0]!;
  const ws = numbersOf(ctx.tensor(4));
  const ys = numbersOf(ctx.tensor(6))[0]!;
  const yzp = ctx.tensor(7);
  const xd = centred(x, ctx.tensor(2), 0);
  const wd = centred(w, ctx.tensor(5), 0);
  const bias = ctx.optTensor(8);
  const kernel = ctx.ints('kernel_shape') ?? w.shape.slice(2);
  const win = windowOf(ctx, x.shape.slice(2), kernel);
  const { shape, data } = hostConv(xd, x.shape, wd, w.shape, bias === undefined ? undefined : numbersOf(bias), win, ctx.int('group', 1), undefined);
  const m = shape[1]!;
  const inner = shape.slice(2).reduce((p, q) => p * q, 1);
  return [requantize(data, shape, (i) => Math.fround((xs * ws[ws.length === 1 ? 0 : Math.floor(i / inner) % m]!) / ys), numbersOf(yzp)[0]!, yzp.dtype)];
}

export const QUANT = family('', {
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: dynamicQuantize,
  MatMulInteger: matMulInteger,
  ConvInteger: convInteger,
  QLinearMatMul: qlinearMatMul,
  QLinearConv: qlinearConv,
});

import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf, stridesOf } from '../host.js';
import { family, type KernelSpec } from '../registry.js';
import type { RValue } from '../values.js';
import { axisOf, out } from './util.js';

/**
 * Indexing ops: Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND,
 * OneHot, Compress, NonZero, Where, ReverseSequence. Negative indices count from the end;
 * an index out of range is a KernelError.
 */

function normIndex(ctx: KernelContext, i: number, n: number): number {
  const j = i < 0 ? i + n : i;
  if (j < 0 || j >= n || !Number.isInteger(j)) ctx.fail(`index ${i} is out of range for a dim of size ${n}`);
  return j;
}

function gather(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = ctx.tensor(1);
  const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
  const n = x.shape[axis]!;
  const idx = Int32Array.from(numbersOf(ind), (i) => normIndex(ctx, i, n));
  const g = tf.gather(ctx.tf(0), tf.tensor1d(idx, 'int32'), axis);
  const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
  return [out(x.dtype, tf.reshape(g, shape))];
}

function gatherElements(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = ctx.tensor(1);
  const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
  const data = numbersOf(x);
  const idx = numbersOf(ind);
  const xs = stridesOf(x.shape);
  const is = stridesOf(ind.shape);
  const res = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    let off = 0;
    let rem = i;
    for (let d = 0; d < ind.rank; d++) {
      const c = Math.floor(rem / is[d]!);
      rem -= c * is[d]!;
      off += (d === axis ? normIndex(ctx, idx[i]!, x.shape[axis]!) : c) * xs[d]!;
    }
    res[i] = data[off]!;
  }
  return [makeTensor(x.dtype, ind.shape, res)];
}

function gatherND(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = ctx.tensor(1);
  const b = ctx.int('batch_dims', 0);
  const k = ind.shape[ind.rank - 1]!;
  const data = numbersOf(x);
  const idx = numbersOf(ind);
  const xs = stridesOf(x.shape);
  const batch = elementCount(x.shape.slice(0, b));
  const inner = elementCount(x.shape.slice(b + k));
  const perBatch = elementCount(ind.shape.slice(b, -1));
  const outShape = [...ind.shape.slice(0, -1), ...x.shape.slice(b + k)];
  const res = new Float64Array(elementCount(outShape));
  const batchStride = b > 0 ? xs[b - 1]! : 0;
  let o = 0;
  for (let bi = 0; bi < batch; bi++) {
    for (let q = 0; q < perBatch; q++) {
      let off = bi * batchStride;
      const base = (bi * perBatch + q) * k;
      for (let j = 0; j < k; j++) off += normIndex(ctx, idx[base + j]!, x.shape[b + j]!) * xs[b + j]!;
      for (let e = 0; e < inner; e++) res[o++] = data[off + e]!;
    }
  }
  return [makeTensor(x.dtype, outShape, res)];
}

function combine(ctx: KernelContext, reduction: string): (a: number, b: number) => number {
  switch (reduction) {
    case 'none': return (_a, b) => b;
    case 'add': return (a, b) => a + b;
    case 'mul': return (a, b) => a * b;
    case 'max': return Math.max;
    case 'min': return Math.min;
    default: return ctx.fail(`unknown reduction '${reduction}'`);
  }
}

function scatterElements(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = ctx.tensor(1);
  const upd = numbersOf(ctx.tensor(2));
  const axis = axisOf(ctx, ctx.int('axis', 0), x.rank);
  const f = combine(ctx, ctx.str('reduction', 'none'));
  const res = Float64Array.from(numbersOf(x));
  const idx = numbersOf(ind);
  const xs = stridesOf(x.shape);
  const is = stridesOf(ind.shape);
  for (let i = 0; i < idx.length; i++) {
    let off = 0;
    let rem = i;
    for (let d = 0; d < ind.rank; d++) {
      const c = Math.floor(rem / is[d]!);
      rem -= c * is[d]!;
      off += (d === axis ? normIndex(ctx, idx[i]!, x.shape[axis]!) : c) * xs[d]!;
    }
    res[off] = f(res[off]!, upd[i]!);
  }
  return [makeTensor(x.dtype, x.shape, res)];
}

function scatterND(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const ind = ctx.tensor(1);
  const upd = numbersOf(ctx.tensor(2));
  const f = combine(ctx, ctx.str('reduction', 'none'));
  const k = ind.shape[ind.rank - 1]!;
  const res = Float64Array.from(numbersOf(x));
  const idx = numbersOf(ind);
  const xs = stridesOf(x.shape);
  const inner = elementCount(x.shape.slice(k));
  const count = elementCount(ind.shape.slice(0, -1));
  for (let q = 0; q < count; q++) {
    let off = 0;
    for (let j = 0; j < k; j++) off += normIndex(ctx, idx[q * k + j]!, x.shape[j]!) * xs[j]!;
    for (let e = 0; e < inner; e++) res[off + e] = f(res[off + e]!, upd[q * inner + e]!);
  }
  return [makeTensor(x.dtype, x.shape, res)];
}

function oneHot(ctx: KernelContext): RValue[] {
  const ind = ctx.tensor(0);
  const depth = Math.trunc(ctx.scalar(1));
  const values = ctx.tensor(2);
  const [off, on] = numbersOf(values) as unknown as [number, number];
  const rank = ind.rank + 1;
  const axis = axisOf(ctx, ctx.int('axis', -1), rank);
  const outShape = [...ind.shape.slice(0, axis), depth, ...ind.shape.slice(axis)];
  const idx = numbersOf(ind);
  const res = new Float64Array(elementCount(outShape)).fill(off);
  const outer = elementCount(ind.shape.slice(0, axis));
  const inner = elementCount(ind.shape.slice(axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let v = Math.trunc(idx[o * inner + i]!);
      if (v < 0) v += depth;
      if (v >= 0 && v < depth) res[(o * depth + v) * inner + i] = on;
    }
  }
  return [makeTensor(values.dtype, outShape, res)];
}

function compress(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const cond = numbersOf(ctx.tensor(1));
  const ax = ctx.int('axis');
  let t = ctx.tf(0);
  let axis = 0;
  if (ax === undefined) t = tf.reshape(t, [x.size]);
  else axis = axisOf(ctx, ax, x.rank);
  const n = t.shape[axis]!;
  const idx: number[] = [];
  for (let i = 0; i < Math.min(n, cond.length); i++) if (cond[i]) idx.push(i);
  return [out(x.dtype, tf.gather(t, tf.tensor1d(idx, 'int32'), axis))];
}

function nonZero(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const d = numbersOf(x);
  const st = stridesOf(x.shape);
  const hits: number[] = [];
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) hits.push(i);
  const rank = Math.max(x.rank, 1);
  const res = new Float64Array(rank * hits.length);
  hits.forEach((h, j) => {
    let rem = h;
    for (let a = 0; a < x.rank; a++) {
      const c = Math.floor(rem / st[a]!);
      rem -= c * st[a]!;
      res[a * hits.length + j] = c;
    }
  });
  return [makeTensor(DataType.INT64, [x.rank, hits.length], x.rank === 0 ? new Float64Array(0) : res)];
}

function where(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(1);
  return [out(a.dtype, tf.where(ctx.tf(0), ctx.tf(1), ctx.tf(2)))];
}

function reverseSequence(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const lens = numbersOf(ctx.tensor(1));
  const bAxis = ctx.int('batch_axis', 1);
  const tAxis = ctx.int('time_axis', 0);
  const data = numbersOf(x);
  const st = stridesOf(x.shape);
  const res = Float64Array.from(data);
  for (let i = 0; i < data.length; i++) {
    let rem = i;
    const c: number[] = [];
    for (let a = 0; a < x.rank; a++) {
      c.push(Math.floor(rem / st[a]!));
      rem -= c[a]! * st[a]!;
    }
    const len = lens[c[bAxis]!]!;
    const t = c[tAxis]!;
    if (t < len) res[i + (len - 1 - 2 * t) * st[tAxis]!] = data[i]!;
  }
  return [makeTensor(x.dtype, x.shape, res)];
}

const moves = (run: KernelSpec['run'], movesData: number[]): KernelSpec => ({ run, movesData });

export const GATHER = family('', {
  Gather: moves(gather, [0]),
  GatherElements: moves(gatherElements, [0]),
  GatherND: moves(gatherND, [0]),
  Scatter: moves(scatterElements, [0, 2]),
  ScatterElements: moves(scatterElements, [0, 2]),
  ScatterND: moves(scatterND, [0, 2]),
  OneHot: oneHot,
  Compress: moves(compress, [0]),
  NonZero: nonZero,
  Where: moves(where, [1, 2]),
  ReverseSequence: moves(reverseSequence, [0]),
});

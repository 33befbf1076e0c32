import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import type { RValue } from '../values.js';
import { axisOf, out } from './util.js';

/** TopK, CumSum, Unique, NonMaxSuppression, Det (exact host loops where order matters). */

function topK(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const axis = axisOf(ctx, ctx.int('axis', -1), x.rank);
  const k = ctx.opset >= 10 ? ctx.scalar(1) : ctx.int('k') ?? ctx.fail('k is required');
  const largest = ctx.int('largest', 1) !== 0;
  const dim = x.shape[axis]!;
  if (k > dim || k < 0) ctx.fail(`k = ${k} exceeds the axis size ${dim}`);
  const d = numbersOf(x);
  const inner = elementCount(x.shape.slice(axis + 1));
  const outer = elementCount(x.shape.slice(0, axis));
  const outShape = x.shape.map((s, i) => (i === axis ? k : s));
  const vals = new Float64Array(elementCount(outShape));
  const idxs = new Float64Array(vals.length);
  const order = new Array<number>(dim);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * dim * inner + q;
      for (let i = 0; i < dim; i++) order[i] = i;
      const v = (i: number): number => d[base + i * inner]!;
      // Larger (or smaller) first; NaN counts as largest; ties by lower index.
      order.sort((a, b) => {
        const va = v(a);
        const vb = v(b);
        const na = Number.isNaN(va);
        const nb = Number.isNaN(vb);
        if (na || nb) return na && nb ? a - b : (na ? -1 : 1) * (largest ? 1 : -1);
        if (va !== vb) return largest ? vb - va : va - vb;
        return a - b;
      });
      for (let j = 0; j < k; j++) {
        const oi = o * k * inner + j * inner + q;
        vals[oi] = v(order[j]!);
        idxs[oi] = order[j]!;
      }
    }
  }
  return [makeTensor(x.dtype, outShape, vals), makeTensor(DataType.INT64, outShape, idxs)];
}

function cumSum(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const axis = axisOf(ctx, ctx.scalar(1), x.rank);
  const exclusive = ctx.int('exclusive', 0) !== 0;
  const reverse = ctx.int('reverse', 0) !== 0;
  return [out(x.dtype, tf.cumsum(ctx.tf(0), axis, exclusive, reverse))];
}

function unique(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const sorted = ctx.int('sorted', 1) !== 0;
  const ax = ctx.int('axis');
  const d = numbersOf(x);
  const axis = ax === undefined ? undefined : axisOf(ctx, ax, x.rank);
  const shape = axis === undefined ? [x.size] : x.shape;
  const a = axis ?? 0;
  const dim = shape[a]!;
  const inner = elementCount(shape.slice(a + 1));
  const outer = elementCount(shape.slice(0, a));
  const sliceOf = (i: number): number[] => {
    const s: number[] = [];
    for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) s.push(d[(o * dim + i) * inner + q]!);
    return s;
  };
  const keys = new Map<string, number>();
  const firsts: number[] = [];
  const inverse: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < dim; i++) {
    const key = sliceOf(i).join(',');
    let u = keys.get(key);
    if (u === undefined) {
      u = firsts.length;
      keys.set(key, u);
      firsts.push(i);
      counts.push(0);
    }
    counts[u]!++;
    inverse.push(u);
  }
  let order = firsts.map((_, u) => u);
  if (sorted) {
    const cmp = (p: number[], q: number[]): number => {
      for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return p[i]! - q[i]!;
      return 0;
    };
    order = order.sort((u, v) => cmp(sliceOf(firsts[u]!), sliceOf(firsts[v]!)));
  }
  const rank = new Array<number>(order.length);
  order.forEach((u, r) => { rank[u] = r; });
  const n = order.length;
  const yShape = shape.map((s, i) => (i === a ? n : s));
  const y = new Float64Array(elementCount(yShape));
  order.forEach((u, r) => {
    const s = sliceOf(firsts[u]!);
    let k = 0;
    for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) y[(o * n + r) * inner + q] = s[k++]!;
  });
  return [
    makeTensor(x.dtype, yShape, y),
    makeTensor(DataType.INT64, [n], order.map((u) => firsts[u]!)),
    makeTensor(DataType.INT64, [dim], inverse.map((u) => rank[u]!)),
    makeTensor(DataType.INT64, [n], order.map((u) => counts[u]!)),
  ];
}

function nms(ctx: KernelContext): RValue[] {
  const boxes = ctx.tensor(0);
  const scores = ctx.tensor(1);
  const maxOut = ctx.has(2) && ctx.tensor(2).size > 0 ? ctx.scalar(2) : 0;
  const iouTh = ctx.has(3) && ctx.tensor(3).size > 0 ? ctx.scalar(3) : 0;
  const scoreTh = ctx.has(4) && ctx.tensor(4).size > 0 ? ctx.scalar(4) : -Infinity;
  const center = ctx.int('center_point_box', 0) !== 0;
  const [nb, nBox] = boxes.shape as [number, number];
  const nc = scores.shape[1]!;
  const bd = numbersOf(boxes);
  const sd = numbersOf(scores);
  const corners = (b: number, i: number): [number, number, number, number] => {
    const o = (b * nBox + i) * 4;
    const [p, q, r, s] = [bd[o]!, bd[o + 1]!, bd[o + 2]!, bd[o + 3]!];
    if (center) return [q - s / 2, p - r / 2, q + s / 2, p + r / 2];
    return [Math.min(p, r), Math.min(q, s), Math.max(p, r), Math.max(q, s)];
  };
  const iou = (a: number[], b: number[]): number => {
    const ih = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
    const iw = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
    const inter = ih * iw;
    const ua = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
    return ua <= 0 ? 0 : inter / ua;
  };
  const sel: number[] = [];
  for (let b = 0; b < nb; b++) {
    for (let c = 0; c < nc; c++) {
      const cand: number[] = [];
      for (let i = 0; i < nBox; i++) if (sd[(b * nc + c) * nBox + i]! > scoreTh) cand.push(i);
      cand.sort((p, q) => sd[(b * nc + c) * nBox + q]! - sd[(b * nc + c) * nBox + p]! || p - q);
      const kept: number[] = [];
      for (const i of cand) {
        if (kept.length >= maxOut) break;
        const bi = corners(b, i);
        if (kept.every((k) => iou(bi, corners(b, k)) <= iouTh)) kept.push(i);
      }
      for (const k of kept) sel.push(b, c, k);
    }
  }
  return [makeTensor(DataType.INT64, [sel.length / 3, 3], sel)];
}

function det(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const n = x.shape[x.rank - 1]!;
  const d = numbersOf(x);
  const count = x.size / (n * n);
  const res = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    const a = Array.from(d.subarray(m * n * n, (m + 1) * n * n));
    let det1 = 1;
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
      if (a[p * n + c] === 0) { det1 = 0; break; }
      if (p !== c) {
        for (let k = 0; k < n; k++) [a[c * n + k], a[p * n + k]] = [a[p * n + k]!, a[c * n + k]!];
        det1 = -det1;
      }
      det1 *= a[c * n + c]!;
      for (let r = c + 1; r < n; r++) {
        const f = a[r * n + c]! / a[c * n + c]!;
        for (let k = c; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[c * n + k]!;
      }
    }
    res[m] = det1;
  }
  return [makeTensor(x.dtype, x.shape.slice(0, -2), res)];
}

export const MISC = family('', {
  TopK: topK,
  CumSum: cumSum,
  Unique: unique,
  NonMaxSuppression: nms,
  Det: det,
});

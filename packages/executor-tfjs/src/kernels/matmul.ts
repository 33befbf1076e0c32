import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { broadcastIndex, broadcastShapes, makeTensor, numbersOf } from '../host.js';
import { addRound, gridOf, roundTo, type Grid } from '../low-precision.js';
import { accumulating, family } from '../registry.js';
import type { RValue, TensorValue } from '../values.js';
import { residentProduct } from './resident-product.js';
import { isFloat, out, safeMatMul, toF32 } from './util.js';

/**
 * MatMul, Gemm and Einsum. Floats with FLOAT accumulation run on tfjs; with
 * `mixprec.accumulation=float16|bfloat16` an exact host loop accumulates each dot product
 * sequentially over k = 0 … K−1 as acc ← round(acc + a·b) (a fused multiply-add per step:
 * the product is exact, the sum is rounded once). Integer operands run exactly on the host.
 */

/** A dot-product routine over strided operands. */
export type Dot = (a: ArrayLike<number>, ao: number, as: number, b: ArrayLike<number>, bo: number, bs: number, k: number) => number;

export function exactDot(a: ArrayLike<number>, ao: number, as: number, b: ArrayLike<number>, bo: number, bs: number, k: number): number {
  let acc = 0;
  for (let i = 0; i < k; i++) acc += a[ao + i * as]! * b[bo + i * bs]!;
  return acc;
}

export function roundedDot(g: Grid): Dot {
  return (a, ao, as, b, bo, bs, k) => {
    let acc = 0;
    for (let i = 0; i < k; i++) acc = addRound(acc, a[ao + i * as]! * b[bo + i * bs]!, g);
    return acc;
  };
}

/** Host batched matmul with ONNX (numpy) 1-D promotion and batch broadcasting. */
export function hostMatMul(a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[], dot: Dot): { shape: number[]; data: Float64Array } {
  const as = aShape.length === 1 ? [1, aShape[0]!] : aShape;
  const bs = bShape.length === 1 ? [bShape[0]!, 1] : bShape;
  const [m, k] = as.slice(-2) as [number, number];
  const [k2, n] = bs.slice(-2) as [number, number];
  if (k !== k2) throw new Error(`MatMul inner dims differ: [${aShape.join(', ')}] x [${bShape.join(', ')}]`);
  const batch = broadcastShapes([as.slice(0, -2), bs.slice(0, -2)]);
  const ai = broadcastIndex(as.slice(0, -2), batch);
  const bi = broadcastIndex(bs.slice(0, -2), batch);
  const nb = elementCount(batch);
  const res = new Float64Array(nb * m * n);
  for (let p = 0; p < nb; p++) {
    const ab = ai[p]! * m * k;
    const bb = bi[p]! * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) res[(p * m + i) * n + j] = dot(a, ab + i * k, 1, b, bb + j, n, k);
  }
  const shape = [...batch];
  if (aShape.length > 1) shape.push(m);
  if (bShape.length > 1) shape.push(n);
  return { shape, data: res };
}

function matMul(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  const acc = ctx.accumulation;
  if (isFloat(a) && acc === DataType.FLOAT) {
    let ta = ctx.tf(0);
    let tb = toF32(ctx.tf(1));
    if (a.rank === 1) ta = tf.reshape(ta, [1, a.shape[0]!]);
    if (b.rank === 1) tb = tf.reshape(tb, [b.shape[0]!, 1]);
    const k = ta.shape[ta.rank - 1]!;
    // A weight matrix of a prepared model: the executor's own product (resident-product.ts).
    const own = b.rank === 2 && a.size > 0 && b.shape[0] === k && ta.dtype === 'float32' ? residentProduct(ctx, ta, 1, k, b.shape[1]!) : undefined;
    let r = own === undefined ? safeMatMul(ta, tb) : tf.reshape(own, [...ta.shape.slice(0, -1), b.shape[1]!]);
    if (a.rank === 1) r = tf.squeeze(r, [r.rank - 2]);
    if (b.rank === 1) r = tf.squeeze(r, [r.rank - 1]);
    return [out(a.dtype, r)];
  }
  const g = isFloat(a) ? gridOf(acc) : undefined;
  const { shape, data } = hostMatMul(numbersOf(a), a.shape, numbersOf(b), b.shape, g === undefined ? exactDot : roundedDot(g));
  return [makeTensor(a.dtype, shape, data)];
}

function gemm(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  const c = ctx.optTensor(2);
  const ta = ctx.int('transA', 0) !== 0;
  const tb = ctx.int('transB', 0) !== 0;
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const acc = ctx.accumulation;
  if (isFloat(a) && acc === DataType.FLOAT) {
    if (a.rank !== 2 || b.rank !== 2) ctx.fail(`A ${a.toString()} and B ${b.toString()} must be 2-D`);
    let y = safeMatMul(ctx.tf(0), toF32(ctx.tf(1)), ta, tb);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (c !== undefined && beta !== 0) y = tf.add(y, beta === 1 ? toF32(ctx.tfOf(c)) : tf.mul(toF32(ctx.tfOf(c)), beta));
    return [out(a.dtype, y)];
  }
  const g = isFloat(a) ? gridOf(acc) : undefined;
  const [m, k] = ta ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const n = tb ? b.shape[0]! : b.shape[1]!;
  const ad = numbersOf(a);
  const bd = numbersOf(b);
  const dot = g === undefined ? exactDot : roundedDot(g);
  const cd = c === undefined ? undefined : numbersOf(c);
  const ci = c === undefined ? undefined : broadcastIndex(c.shape, [m, n]);
  const r = (v: number): number => (g === undefined ? v : roundTo(v, g));
  const res = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let y = dot(ad, ta ? i : i * k, ta ? m : 1, bd, tb ? j * k : j, tb ? 1 : n, k);
      if (alpha !== 1) y = r(alpha * y);
      if (cd !== undefined && beta !== 0) {
        const cv = r(beta * cd[ci![i * n + j]!]!);
        y = g === undefined ? y + cv : addRound(y, cv, g);
      }
      res[i * n + j] = y;
    }
  }
  return [makeTensor(a.dtype, [m, n], res)];
}

/** Parses an einsum equation into per-input letter lists and the output letters. */
function parseEinsum(ctx: KernelContext, eq: string, inputs: readonly TensorValue[]): { ins: string[][]; out: string[] } {
  const [lhs, rhs] = eq.replace(/\s+/g, '').split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== inputs.length) ctx.fail(`equation '${eq}' names ${terms.length} inputs, the node has ${inputs.length}`);
  let ellRank = 0;
  terms.forEach((t, i) => {
    if (t.includes('...')) ellRank = Math.max(ellRank, inputs[i]!.rank - (t.length - 3));
  });
  const ell = Array.from({ length: ellRank }, (_, i) => String.fromCharCode(0x100 + i));
  const expand = (t: string, rank: number): string[] => {
    if (!t.includes('...')) return [...t];
    const [pre, post] = t.split('...') as [string, string];
    const k = rank - pre.length - post.length;
    return [...pre, ...ell.slice(ellRank - k), ...post];
  };
  const ins = terms.map((t, i) => expand(t, inputs[i]!.rank));
  let outL: string[];
  if (rhs !== undefined) outL = expand(rhs, ellRank + rhs.replace('...', '').length);
  else {
    const cnt = new Map<string, number>();
    for (const l of ins.flat()) cnt.set(l, (cnt.get(l) ?? 0) + 1);
    outL = [...ell, ...[...cnt.keys()].filter((l) => cnt.get(l) === 1 && !ell.includes(l)).sort()];
  }
  return { ins, out: outL };
}

function einsum(ctx: KernelContext): RValue[] {
  const inputs = ctx.inputs.map((_, i) => ctx.tensor(i));
  const { ins, out: outL } = parseEinsum(ctx, ctx.str('equation', ''), inputs);
  const size = new Map<string, number>();
  ins.forEach((ls, i) => ls.forEach((l, d) => {
    const s = inputs[i]!.shape[d]!;
    const prev = size.get(l);
    if (prev !== undefined && prev !== s && prev !== 1 && s !== 1) ctx.fail(`dimension '${l}' has sizes ${prev} and ${s}`);
    size.set(l, Math.max(prev ?? 1, s));
  }));
  const sumL = [...size.keys()].filter((l) => !outL.includes(l));
  const all = [...outL, ...sumL];
  const pos = new Map(all.map((l, i) => [l, i]));
  const data = inputs.map((v) => numbersOf(v));
  const strides = inputs.map((v, i) => {
    const st = new Array<number>(all.length).fill(0);
    let acc = 1;
    for (let d = v.rank - 1; d >= 0; d--) {
      if (v.shape[d] !== 1) { const q = pos.get(ins[i]![d]!)!; st[q] = st[q]! + acc; }
      acc *= v.shape[d]!;
    }
    return st;
  });
  const outShape = outL.map((l) => size.get(l)!);
  const sumShape = sumL.map((l) => size.get(l)!);
  const nOut = elementCount(outShape);
  const nSum = elementCount(sumShape);
  const g = isFloat(inputs[0]!) && ctx.accumulation !== DataType.FLOAT ? gridOf(ctx.accumulation) : undefined;
  const res = new Float64Array(nOut);
  const idx = new Array<number>(all.length).fill(0);
  for (let o = 0; o < nOut; o++) {
    let rem = o;
    for (let d = outL.length - 1; d >= 0; d--) {
      idx[d] = rem % outShape[d]!;
      rem = Math.floor(rem / outShape[d]!);
    }
    let acc = 0;
    for (let s = 0; s < nSum; s++) {
      let r2 = s;
      for (let d = sumL.length - 1; d >= 0; d--) {
        idx[outL.length + d] = r2 % sumShape[d]!;
        r2 = Math.floor(r2 / sumShape[d]!);
      }
      let p = 1;
      for (let i = 0; i < inputs.length; i++) {
        let off = 0;
        const st = strides[i]!;
        for (let d = 0; d < all.length; d++) off += idx[d]! * st[d]!;
        p *= data[i]![off]!;
      }
      acc = g === undefined ? acc + p : addRound(acc, p, g);
    }
    res[o] = acc;
  }
  return [makeTensor(inputs[0]!.dtype, outShape, res)];
}

export const MATMUL = family('', {
  MatMul: accumulating(matMul),
  Gemm: accumulating(gemm),
  Einsum: accumulating(einsum),
});

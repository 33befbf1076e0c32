import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import { KernelContext } from './context.js';
import { makeWide } from './host.js';
import type { KernelSpec } from './registry.js';
import { mayBeWide, type RValue, TensorValue } from './values.js';

/**
 * Exact data movement of wide (64-bit) integers through int32 tfjs kernels: the data inputs
 * are split into low and high 32-bit words, the kernel runs once per word, and the outputs
 * of 64-bit dtypes are joined again. Kernels that only move data (Reshape, Gather, Concat …)
 * are exact under this split; other inputs (indices, shapes) are passed unchanged.
 */
export function splitWideRun(spec: KernelSpec, ctx: KernelContext): readonly (RValue | undefined)[] {
  const idx = spec.movesData === 'all' ? ctx.inputs.map((_, i) => i) : (spec.movesData ?? []);
  const anyWide = idx.some((i) => {
    const v = ctx.inputs[i];
    return v?.kind === 'tensor' && v.wide !== undefined;
  });
  const anyStrings = idx.some((i) => {
    const v = ctx.inputs[i];
    return v?.kind === 'tensor' && v.strings !== undefined;
  });
  if (anyStrings) return stringRun(spec, ctx, idx);
  if (!anyWide) return spec.run(ctx);
  const lo = [...ctx.inputs];
  const hi = [...ctx.inputs];
  for (const i of idx) {
    const v = ctx.inputs[i];
    if (v?.kind !== 'tensor' || !mayBeWide(v.dtype)) continue;
    const [l, h] = words(v);
    lo[i] = TensorValue.ofTf(v.dtype, tf.tensor(l, [...v.shape], 'int32'));
    hi[i] = TensorValue.ofTf(v.dtype, tf.tensor(h, [...v.shape], 'int32'));
  }
  const outLo = spec.run(new KernelContext(ctx.node, lo, ctx.host));
  const outHi = spec.run(new KernelContext(ctx.node, hi, ctx.host));
  return outLo.map((a, k) => {
    const b = outHi[k];
    if (a?.kind !== 'tensor' || b?.kind !== 'tensor' || !mayBeWide(a.dtype) || a.tf === undefined || b.tf === undefined) return a;
    const l = a.tf.dataSync() as Int32Array;
    const h = b.tf.dataSync() as Int32Array;
    const out = new BigInt64Array(l.length);
    for (let j = 0; j < l.length; j++) out[j] = (BigInt(h[j]!) << 32n) | BigInt(l[j]! >>> 0);
    return makeWide(a.dtype, a.shape, out);
  });
}

/**
 * Data movement of STRING tensors: each string input is replaced by the int32 positions of its
 * elements (offset so that inputs do not overlap), the kernel moves the positions, and the
 * outputs map back to strings.
 */
function stringRun(spec: KernelSpec, ctx: KernelContext, idx: readonly number[]): readonly (RValue | undefined)[] {
  const pool: string[] = [];
  const ins = [...ctx.inputs];
  for (const i of idx) {
    const v = ctx.inputs[i];
    if (v?.kind !== 'tensor' || v.strings === undefined) continue;
    const base = pool.length;
    pool.push(...v.strings);
    ins[i] = TensorValue.ofTf(DataType.INT32, tf.reshape(tf.add(tf.range(0, v.size, 1, 'int32'), tf.scalar(base, 'int32')), [...v.shape]));
  }
  const outs = spec.run(new KernelContext(ctx.node, ins, ctx.host));
  return outs.map((o) => {
    if (o?.kind !== 'tensor' || o.dtype !== DataType.INT32 || o.tf === undefined) return o;
    const pos = o.tf.dataSync() as Int32Array;
    return TensorValue.ofStrings(o.shape, Array.from(pos, (p) => pool[p] ?? ''));
  });
}

/** Low and high 32-bit words of an integer tensor (int32 storage: sign-extended). */
function words(v: TensorValue): [Int32Array, Int32Array] {
  const n = v.size;
  const l = new Int32Array(n);
  const h = new Int32Array(n);
  if (v.wide !== undefined) {
    for (let j = 0; j < n; j++) {
      const x = v.wide[j]!;
      l[j] = Number(BigInt.asIntN(32, x));
      h[j] = Number(x >> 32n);
    }
  } else {
    const d = v.tf!.dataSync() as Int32Array;
    for (let j = 0; j < n; j++) {
      l[j] = d[j]!;
      h[j] = d[j]! < 0 ? -1 : 0;
    }
  }
  return [l, h];
}

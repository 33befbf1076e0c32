import * as tf from '@tensorflow/tfjs-core';
import { DataType, elementCount } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { broadcastIndex, broadcastShapes, makeTensor, numbersOf } from '../host.js';
import { storageOf, TensorValue } from '../values.js';

/** Small helpers shared by the kernel families. */

export function out(dtype: DataType, t: tf.Tensor): TensorValue {
  return TensorValue.ofTf(dtype, t);
}

export function isFloat(v: TensorValue): boolean {
  return storageOf(v.dtype) === 'float32';
}

export function isInt(v: TensorValue): boolean {
  return storageOf(v.dtype) === 'int32';
}

/** A float32 view of an input for tfjs math (ints and bools cast to float32). */
export function asFloat(ctx: KernelContext, i: number): tf.Tensor {
  const t = ctx.tf(i);
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** A tfjs tensor of a value cast to float32. */
export function toF32(t: tf.Tensor): tf.Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** Elementwise host computation in float64 over broadcast inputs. */
export function hostCompute(inputs: readonly TensorValue[], f: (xs: number[]) => number): { shape: number[]; data: Float64Array } {
  const shape = broadcastShapes(inputs.map((v) => v.shape));
  const n = elementCount(shape);
  const data = inputs.map((v) => numbersOf(v));
  const idx = inputs.map((v) => broadcastIndex(v.shape, shape));
  const res = new Float64Array(n);
  const xs = new Array<number>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) xs[k] = data[k]![idx[k]![i]!]!;
    res[i] = f(xs);
  }
  return { shape, data: res };
}

/** Elementwise host computation over broadcast inputs; result of dtype `dtype`. */
export function hostElementwise(dtype: DataType, inputs: readonly TensorValue[], f: (xs: number[]) => number): TensorValue {
  const { shape, data } = hostCompute(inputs, f);
  return makeTensor(dtype, shape, data);
}

/** Elementwise host computation in exact 64-bit integers (results wrapped to int64). */
export function hostElementwiseBig(
  dtype: DataType, inputs: readonly TensorValue[], f: (xs: bigint[]) => bigint, bigOf: (v: TensorValue) => BigInt64Array,
): { shape: number[]; data: BigInt64Array } {
  const shape = broadcastShapes(inputs.map((v) => v.shape));
  const n = elementCount(shape);
  const data = inputs.map(bigOf);
  const idx = inputs.map((v) => broadcastIndex(v.shape, shape));
  const res = new BigInt64Array(n);
  const xs = new Array<bigint>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) xs[k] = data[k]![idx[k]![i]!]!;
    res[i] = BigInt.asIntN(64, f(xs));
  }
  void dtype;
  return { shape, data: res };
}

/** Axes from an input (if present) or an attribute, normalised to [0, rank). */
export function axesOf(ctx: KernelContext, inputIndex: number, attrName: string, rank: number): number[] | undefined {
  const raw = ctx.has(inputIndex) ? ctx.optInts(inputIndex) : ctx.ints(attrName);
  if (raw === undefined) return undefined;
  return raw.map((a) => {
    const x = a < 0 ? a + rank : a;
    if (x < 0 || x >= rank) ctx.fail(`axis ${a} is out of range for rank ${rank}`);
    return x;
  });
}

/** Normalises one axis or fails naming the node. */
export function axisOf(ctx: KernelContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) ctx.fail(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** A tensor of `dtype` from a float32 tfjs tensor, cast to the dtype's storage. */
export function castToStorage(t: tf.Tensor, dtype: DataType): tf.Tensor {
  const st = storageOf(dtype);
  if (st === undefined || st === 'string' || t.dtype === st) return t;
  return tf.cast(t, st);
}

/**
 * tf.matMul (batch dims broadcast), except that an empty product — k = 0 or an empty output —
 * is computed here: zeros of the output shape (tfjs' wasm backend would fail inside XNNPACK
 * or return uninitialised memory for k = 0).
 */
export function safeMatMul(a: tf.Tensor, b: tf.Tensor, transA = false, transB = false): tf.Tensor {
  const ra = a.rank;
  const rb = b.rank;
  const m = a.shape[transA ? ra - 1 : ra - 2]!;
  const k = a.shape[transA ? ra - 2 : ra - 1]!;
  const k2 = b.shape[transB ? rb - 1 : rb - 2]!;
  const n = b.shape[transB ? rb - 2 : rb - 1]!;
  if (k !== k2) throw new Error(`MatMul inner dims differ: [${a.shape.join(', ')}]${transA ? 'ᵀ' : ''} x [${b.shape.join(', ')}]${transB ? 'ᵀ' : ''}`);
  const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  if (k === 0 || m === 0 || n === 0 || batch.some((d) => d === 0)) return tf.zeros([...batch, m, n]);
  return tf.matMul(a, b, transA, transB);
}

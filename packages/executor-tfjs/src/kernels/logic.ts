import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { bigintsOf, broadcastIndex, broadcastShapes, makeTensor } from '../host.js';
import { family, type Kernel } from '../registry.js';
import type { RValue, TensorValue } from '../values.js';
import { out, toF32 } from './util.js';

/** Comparisons (Equal, Less, …) and boolean logic (And, Or, Xor); outputs are BOOL. */

function hostCompare(a: TensorValue, b: TensorValue, f: (x: number) => boolean): RValue {
  const shape = broadcastShapes([a.shape, b.shape]);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const res = new Uint8Array(ia.length);
  if (a.strings !== undefined || b.strings !== undefined) {
    const sa = a.strings ?? [];
    const sb = b.strings ?? [];
    for (let i = 0; i < res.length; i++) {
      const x = sa[ia[i]!]!;
      const y = sb[ib[i]!]!;
      res[i] = f(x < y ? -1 : x > y ? 1 : 0) ? 1 : 0;
    }
  } else {
    const da = bigintsOf(a);
    const db = bigintsOf(b);
    for (let i = 0; i < res.length; i++) {
      const x = da[ia[i]!]!;
      const y = db[ib[i]!]!;
      res[i] = f(x < y ? -1 : x > y ? 1 : 0) ? 1 : 0;
    }
  }
  return makeTensor(DataType.BOOL, shape, res);
}

/** A comparison: tfjs on float/int32 storage; exact host comparison for wide ints and strings. */
function compare(fTf: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, f: (c: number) => boolean): Kernel {
  return (ctx: KernelContext) => {
    const a = ctx.tensor(0);
    const b = ctx.tensor(1);
    if (a.tf === undefined || b.tf === undefined) return [hostCompare(a, b, f)];
    let ta = a.tf;
    let tb = b.tf;
    if (ta.dtype !== tb.dtype) {
      ta = toF32(ta);
      tb = toF32(tb);
    }
    return [out(DataType.BOOL, fTf(ta, tb))];
  };
}

function logic(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Kernel {
  return (ctx) => [out(DataType.BOOL, f(ctx.tf(0), ctx.tf(1)))];
}

export const LOGIC = family('', {
  Equal: compare(tf.equal, (c) => c === 0),
  Less: compare(tf.less, (c) => c < 0),
  LessOrEqual: compare(tf.lessEqual, (c) => c <= 0),
  Greater: compare(tf.greater, (c) => c > 0),
  GreaterOrEqual: compare(tf.greaterEqual, (c) => c >= 0),
  And: logic(tf.logicalAnd),
  Or: logic(tf.logicalOr),
  Xor: logic((a, b) => tf.notEqual(a, b)),
});

import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { elementwise, family, type KernelSpec } from '../registry.js';
import { cloneValue, type RValue } from '../values.js';
import { hostElementwise, isFloat, out } from './util.js';

/** Elementwise unary ops: math functions, rounding, sign, tests for NaN/Inf, Not, Identity. */

/** A float-only op computed by tfjs (output dtype = input dtype). */
function floatOp(f: (x: tf.Tensor) => tf.Tensor): KernelSpec {
  return elementwise((ctx) => {
    const x = ctx.tensor(0);
    if (!isFloat(x)) ctx.fail(`input must be a float tensor, got ${x.toString()}`);
    return [out(x.dtype, f(ctx.tf(0)))];
  });
}

/** An op on floats (tfjs) and integers (host, exact, wrapped to the dtype). */
function numOp(f: (x: tf.Tensor) => tf.Tensor, g: (x: number) => number): KernelSpec {
  return elementwise((ctx) => {
    const x = ctx.tensor(0);
    if (isFloat(x)) return [out(x.dtype, f(ctx.tf(0)))];
    return [hostElementwise(x.dtype, [x], (xs) => g(xs[0]!))];
  });
}

function isInfKernel(ctx: KernelContext): RValue[] {
  const x = ctx.tf(0);
  const neg = ctx.int('detect_negative', 1) !== 0;
  const pos = ctx.int('detect_positive', 1) !== 0;
  const inf = tf.isInf(x);
  const res = neg && pos ? inf : neg ? tf.logicalAnd(inf, tf.less(x, 0)) : pos ? tf.logicalAnd(inf, tf.greater(x, 0)) : tf.zerosLike(inf);
  return [out(DataType.BOOL, tf.cast(res, 'bool'))];
}

export const UNARY = family('', {
  Abs: numOp(tf.abs, Math.abs),
  Neg: numOp(tf.neg, (x) => -x),
  Sign: numOp(tf.sign, Math.sign),
  Relu: numOp(tf.relu, (x) => Math.max(0, x)),
  Ceil: floatOp(tf.ceil),
  Floor: floatOp(tf.floor),
  // tf.round rounds half to even, as ONNX Round does.
  Round: floatOp(tf.round),
  Sqrt: floatOp(tf.sqrt),
  Reciprocal: floatOp(tf.reciprocal),
  Exp: floatOp(tf.exp),
  Log: floatOp(tf.log),
  Sin: floatOp(tf.sin),
  Cos: floatOp(tf.cos),
  Tan: floatOp(tf.tan),
  Asin: floatOp(tf.asin),
  Acos: floatOp(tf.acos),
  Atan: floatOp(tf.atan),
  Sinh: floatOp(tf.sinh),
  Cosh: floatOp(tf.cosh),
  Asinh: floatOp(tf.asinh),
  Acosh: floatOp(tf.acosh),
  Atanh: floatOp(tf.atanh),
  Erf: floatOp(tf.erf),
  Sigmoid: floatOp(tf.sigmoid),
  Tanh: floatOp(tf.tanh),
  Softplus: floatOp(tf.softplus),
  Softsign: floatOp((x) => tf.div(x, tf.add(tf.abs(x), 1))),
  IsNaN: (ctx) => [out(DataType.BOOL, tf.isNaN(ctx.tf(0)))],
  IsInf: isInfKernel,
  Not: (ctx) => [out(DataType.BOOL, tf.logicalNot(ctx.tf(0)))],
  BitwiseNot: (ctx) => {
    const x = ctx.tensor(0);
    return [hostElementwise(x.dtype, [x], (xs) => ~xs[0]!)];
  },
  Identity: (ctx) => [cloneValue(ctx.value(0))],
});

import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { bigintsOf, makeTensor, makeWide, numbersOf } from '../host.js';
import { elementwise, family, type Kernel } from '../registry.js';
import { mayBeWide, type RValue, type TensorValue } from '../values.js';
import { hostCompute, hostElementwise, hostElementwiseBig, isFloat, out, toF32 } from './util.js';

/**
 * Broadcasting arithmetic: Add, Sub, Mul, Div, Pow, Mod, Max, Min, Sum, Mean, BitShift and
 * the bitwise ops. Floats run on tfjs; integers run on the host with C semantics (Div
 * truncates, narrow types wrap), and INT64/UINT64/UINT32 exactly (wide results when they
 * leave the int32 range).
 */

const I32 = (x: number): boolean => x >= -2147483648 && x <= 2147483647;

/**
 * An integer op: float64 host arithmetic when every result fits int32 (exact), else exact
 * bigint arithmetic for the 64-bit types.
 */
function intBinary(dtype: DataType, xs: readonly TensorValue[], fNum: (a: number, b: number) => number, fBig: (a: bigint, b: bigint) => bigint): TensorValue {
  if (!xs.some((v) => v.wide !== undefined)) {
    const { shape, data } = hostCompute(xs, (v) => reduceWith(v, fNum));
    if (!mayBeWide(dtype) || data.every(I32)) return makeTensor(dtype, shape, data);
  }
  const { shape, data } = hostElementwiseBig(dtype, xs, (v) => v.slice(1).reduce(fBig, v[0]!), bigintsOf);
  return makeWide(dtype, shape, dtype === DataType.UINT32 ? data.map((x) => BigInt.asUintN(32, x)) : data);
}

function reduceWith(v: number[], f: (a: number, b: number) => number): number {
  let acc = v[0]!;
  for (let i = 1; i < v.length; i++) acc = f(acc, v[i]!);
  return acc;
}

/** A binary (or variadic) op: tfjs for floats, host integer arithmetic otherwise. */
function arith(
  fTf: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  fNum: (a: number, b: number) => number,
  fBig: (a: bigint, b: bigint) => bigint,
  variadic = false,
): Kernel {
  return (ctx) => {
    const xs: TensorValue[] = [];
    const n = variadic ? ctx.inputCount : 2;
    for (let i = 0; i < n; i++) if (ctx.has(i)) xs.push(ctx.tensor(i));
    if (xs.length === 0) ctx.fail('needs at least one input');
    const dtype = xs[0]!.dtype;
    if (isFloat(xs[0]!)) {
      let acc = ctx.tfOf(xs[0]!);
      if (xs.length === 1) return [out(dtype, tf.clone(acc))];
      for (let i = 1; i < xs.length; i++) acc = fTf(acc, toF32(ctx.tfOf(xs[i]!)));
      return [out(dtype, acc)];
    }
    return [intBinary(dtype, xs, fNum, fBig)];
  };
}

const truncDiv = (a: number, b: number): number => (b === 0 ? 0 : Math.trunc(a / b));
const bigDiv = (a: bigint, b: bigint): bigint => (b === 0n ? 0n : a / b);

function mod(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  const fmod = ctx.int('fmod', 0) !== 0;
  if (isFloat(a)) {
    if (!fmod) ctx.fail('fmod must be 1 for float inputs');
    return [hostElementwise(a.dtype, [a, b], (v) => v[0]! % v[1]!)];
  }
  const fNum = fmod ? (x: number, y: number): number => (y === 0 ? 0 : x % y) : (x: number, y: number): number => {
    if (y === 0) return 0;
    const r = x % y;
    return r !== 0 && (r < 0) !== (y < 0) ? r + y : r;
  };
  const fBig = fmod ? (x: bigint, y: bigint): bigint => (y === 0n ? 0n : x % y) : (x: bigint, y: bigint): bigint => {
    if (y === 0n) return 0n;
    const r = x % y;
    return r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r;
  };
  return [intBinary(a.dtype, [a, b], fNum, fBig)];
}

function pow(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  if (isFloat(a)) {
    // x² as x·x: correctly rounded (tfjs' Pow on wasm is not: 378 of 2^20 random float32
    // squares off by an ulp) and 16× faster; onnxruntime special-cases it too.
    if (b.size === 1 && b.rank <= a.rank && numbersOf(b)[0] === 2) return [out(a.dtype, tf.square(ctx.tf(0)))];
    return [out(a.dtype, tf.pow(ctx.tf(0), toF32(ctx.tf(1))))];
  }
  return [hostElementwise(a.dtype, [a, b], (v) => Math.trunc(Math.pow(v[0]!, v[1]!)))];
}

function bitShift(ctx: KernelContext): RValue[] {
  const a = ctx.tensor(0);
  const b = ctx.tensor(1);
  const left = ctx.str('direction', '') === 'LEFT';
  if (ctx.str('direction', '') !== 'LEFT' && ctx.str('direction', '') !== 'RIGHT') ctx.fail("direction must be 'LEFT' or 'RIGHT'");
  const bits = a.dtype === DataType.UINT8 ? 8n : a.dtype === DataType.UINT16 ? 16n : a.dtype === DataType.UINT32 ? 32n : 64n;
  const { shape, data } = hostElementwiseBig(a.dtype, [a, b], (v) => {
    const x = BigInt.asUintN(Number(bits), v[0]!);
    const s = v[1]!;
    return BigInt.asUintN(Number(bits), left ? x << s : x >> s);
  }, bigintsOf);
  return [makeWide(a.dtype, shape, data)];
}

function bitwise(f: (a: number, b: number) => number, g: (a: bigint, b: bigint) => bigint): Kernel {
  return (ctx) => {
    const a = ctx.tensor(0);
    return [intBinary(a.dtype, [a, ctx.tensor(1)], f, g)];
  };
}

function mean(ctx: KernelContext): RValue[] {
  const xs: tf.Tensor[] = [];
  for (let i = 0; i < ctx.inputCount; i++) if (ctx.has(i)) xs.push(ctx.tf(i));
  let acc = xs[0]!;
  for (let i = 1; i < xs.length; i++) acc = tf.add(acc, xs[i]!);
  return [out(ctx.tensor(0).dtype, tf.div(acc, xs.length))];
}

export const BINARY = family('', {
  Add: elementwise(arith(tf.add, (a, b) => a + b, (a, b) => a + b)),
  Sub: elementwise(arith(tf.sub, (a, b) => a - b, (a, b) => a - b)),
  Mul: elementwise(arith(tf.mul, (a, b) => a * b, (a, b) => a * b)),
  Div: elementwise(arith(tf.div, truncDiv, bigDiv)),
  Max: elementwise(arith(tf.maximum, Math.max, (a, b) => (a > b ? a : b), true)),
  Min: elementwise(arith(tf.minimum, Math.min, (a, b) => (a < b ? a : b), true)),
  Sum: elementwise(arith(tf.add, (a, b) => a + b, (a, b) => a + b, true)),
  Mean: mean,
  Mod: mod,
  Pow: elementwise(pow),
  BitShift: bitShift,
  BitwiseAnd: bitwise((a, b) => a & b, (a, b) => a & b),
  BitwiseOr: bitwise((a, b) => a | b, (a, b) => a | b),
  BitwiseXor: bitwise((a, b) => a ^ b, (a, b) => a ^ b),
});

import { DataType, Tensor, bitWidth, elementCount, isSignedInteger, type Node } from '@mixprec/ir';
import { broadcastDims, broadcastMap, isTakeable, take } from './const-eval-shape.js';
import {
  fromBigInts, fromNumbers, isBigIntType, isFloatDType, isNumberType, readBigInts, readNumbers,
} from './const-eval-numeric.js';
import type { EvalFn, EvalInfo } from './evaluator.js';

/**
 * Element-wise arithmetic, comparisons and logic of the built-in evaluator. Floats are computed
 * in float64 from exact inputs and rounded once to the output type (float32 semantics for
 * FLOAT: one rounding per op); integers up to 32 bits are exact and wrap like C; 64-bit
 * integers use bigints. Integer division by zero, negative integer exponents and the like
 * make the op not evaluable (undefined) rather than guess.
 */

/** Per dtype class: a scalar function, or undefined for "not defined here". */
interface Scalar {
  readonly float?: (a: number, b: number) => number;
  readonly int?: (a: number, b: number, dtype: number) => number | undefined;
  readonly big?: (a: bigint, b: bigint) => bigint | undefined;
  /** Output BOOL (comparisons, logic). */
  readonly bool?: boolean;
}

/** `a·b` of two integers up to 32 bits, wrapped to 32 bits when not exact in a double. */
function intMul(a: number, b: number): number {
  const p = a * b;
  return Number.isSafeInteger(p) ? p : Math.imul(a, b);
}

/** base^exp for integers, wrapped to the type width (square-and-multiply, exp ≥ 0). */
function bigPow(base: bigint, exp: bigint, bits: number): bigint | undefined {
  if (exp < 0n) return undefined;
  let r = 1n;
  let b = BigInt.asIntN(bits, base);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = BigInt.asIntN(bits, r * b);
    b = BigInt.asIntN(bits, b * b);
  }
  return r;
}

const cmp = (f: (a: number, b: number) => boolean, g: (a: bigint, b: bigint) => boolean): Scalar => ({
  float: (a, b) => (f(a, b) ? 1 : 0), int: (a, b) => (f(a, b) ? 1 : 0), big: (a, b) => (g(a, b) ? 1n : 0n), bool: true,
});

const BINARY: ReadonlyMap<string, Scalar> = new Map<string, Scalar>([
  ['Add', { float: (a, b) => a + b, int: (a, b) => a + b, big: (a, b) => a + b }],
  ['Sub', { float: (a, b) => a - b, int: (a, b) => a - b, big: (a, b) => a - b }],
  ['Mul', { float: (a, b) => a * b, int: intMul, big: (a, b) => a * b }],
  ['Div', { float: (a, b) => a / b, int: (a, b) => (b === 0 ? undefined : Math.trunc(a / b)), big: (a, b) => (b === 0n ? undefined : a / b) }],
  ['Pow', {
    float: (a, b) => a ** b,
    int: (a, b, dtype) => {
      if (!Number.isInteger(b)) return undefined;
      const r = bigPow(BigInt(a), BigInt(b), Math.max(bitWidth(dtype), 32));
      return r === undefined ? undefined : Number(r);
    },
    big: (a, b) => bigPow(a, b, 64),
  }],
  ['Equal', cmp((a, b) => a === b, (a, b) => a === b)],
  ['Less', cmp((a, b) => a < b, (a, b) => a < b)],
  ['Greater', cmp((a, b) => a > b, (a, b) => a > b)],
  ['LessOrEqual', cmp((a, b) => a <= b, (a, b) => a <= b)],
  ['GreaterOrEqual', cmp((a, b) => a >= b, (a, b) => a >= b)],
  ['And', { int: (a, b) => (a !== 0 && b !== 0 ? 1 : 0), bool: true }],
  ['Or', { int: (a, b) => (a !== 0 || b !== 0 ? 1 : 0), bool: true }],
  ['Xor', { int: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0), bool: true }],
  ['Max', { float: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), int: (a, b) => Math.max(a, b), big: (a, b) => (a > b ? a : b) }],
  ['Min', { float: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)), int: (a, b) => Math.min(a, b), big: (a, b) => (a < b ? a : b) }],
]);

const LOGIC = new Set(['And', 'Or', 'Xor']);
const VARIADIC = new Set(['Max', 'Min']);

function fits(dims: readonly number[], info: EvalInfo): boolean {
  return elementCount(dims) <= info.maxOutputElements;
}

/** Applies `f` over broadcast operands left to right (variadic Max/Min fold the same way). */
function binary(op: string, f: Scalar): EvalFn {
  return (n: Node, ins, info) => {
    const xs = ins.filter((t): t is Tensor => t !== undefined);
    if (xs.length !== ins.length || xs.length === 0 || (xs.length !== 2 && !VARIADIC.has(op))) return undefined;
    // Before opset 7, `broadcast=1` with an `axis` aligned B differently: leave those alone.
    if (info.opset < 7 && n.attributes.has('axis')) return undefined;
    const dtype = xs[0]!.dtype;
    if (op !== 'Pow' && xs.some((x) => x.dtype !== dtype)) return undefined;
    if (LOGIC.has(op) ? dtype !== DataType.BOOL : dtype === DataType.BOOL && f.bool !== true) return undefined;
    if (op === 'Pow' && isBigIntType(dtype) && !isBigIntType(xs[1]!.dtype)) return undefined;
    const dims = broadcastDims(xs.map((x) => x.dims));
    if (dims === undefined || !fits(dims, info)) return undefined;
    const maps = xs.map((x) => broadcastMap(dims, x.dims));
    const count = elementCount(dims);
    const outType = f.bool === true ? DataType.BOOL : dtype;
    if (isBigIntType(dtype)) {
      if (f.big === undefined) return undefined;
      const vals = xs.map((x) => (isBigIntType(x.dtype) ? readBigInts(x) : BigInt64Array.from(readNumbers(x), (v) => BigInt(Math.trunc(v)))));
      const acc = new BigInt64Array(count);
      for (let k = 0; k < count; k++) {
        let r: bigint | undefined = vals[0]![maps[0]![k]!]!;
        for (let j = 1; j < vals.length && r !== undefined; j++) r = f.big(r, vals[j]![maps[j]![k]!]!);
        if (r === undefined) return undefined;
        acc[k] = BigInt.asIntN(64, r);
      }
      if (f.bool === true) return [fromNumbers(DataType.BOOL, dims, Float64Array.from(acc, (v) => Number(v)))];
      return [fromBigInts(dtype, dims, dtype === DataType.UINT64 ? BigUint64Array.from(acc, (v) => BigInt.asUintN(64, v)) : acc)];
    }
    if (!isNumberType(dtype)) return undefined;
    const float = isFloatDType(dtype);
    const fn = float ? f.float : f.int;
    if (fn === undefined) return undefined;
    const vals = xs.map((x) => (isBigIntType(x.dtype) ? Float64Array.from(readBigInts(x), (v) => Number(v)) : readNumbers(x)));
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      let r: number | undefined = vals[0]![maps[0]![k]!]!;
      for (let j = 1; j < vals.length && r !== undefined; j++) r = fn(r, vals[j]![maps[j]![k]!]!, dtype);
      if (r === undefined) return undefined;
      out[k] = r;
    }
    return [fromNumbers(outType, dims, out)];
  };
}

/** Round half to even (ONNX Round). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

interface UnaryScalar {
  readonly float?: (a: number) => number;
  readonly int?: (a: number) => number;
  readonly big?: (a: bigint) => bigint;
}

const UNARY: ReadonlyMap<string, UnaryScalar> = new Map<string, UnaryScalar>([
  ['Neg', { float: (a) => -a, int: (a) => -a, big: (a) => -a }],
  ['Abs', { float: Math.abs, int: Math.abs, big: (a) => (a < 0n ? -a : a) }],
  ['Sign', { float: (a) => (Number.isNaN(a) ? NaN : Math.sign(a) + 0), int: (a) => Math.sign(a), big: (a) => (a > 0n ? 1n : a < 0n ? -1n : 0n) }],
  ['Sqrt', { float: Math.sqrt }],
  ['Floor', { float: Math.floor }],
  ['Ceil', { float: Math.ceil }],
  ['Round', { float: roundHalfEven }],
  ['Reciprocal', { float: (a) => 1 / a }],
  ['Not', { int: (a) => (a === 0 ? 1 : 0) }],
]);

function unary(op: string, f: UnaryScalar): EvalFn {
  return (_n, [x]) => {
    if (x === undefined) return undefined;
    if (op === 'Not' && x.dtype !== DataType.BOOL) return undefined;
    if (op !== 'Not' && x.dtype === DataType.BOOL) return undefined;
    if (isBigIntType(x.dtype)) {
      if (f.big === undefined) return undefined;
      return [fromBigInts(x.dtype, x.dims, BigInt64Array.from(readBigInts(x), (v) => BigInt.asIntN(64, f.big!(v))))];
    }
    if (!isNumberType(x.dtype)) return undefined;
    const fn = isFloatDType(x.dtype) ? f.float : f.int;
    if (fn === undefined) return undefined;
    // Unsigned negation wraps (C semantics); signed Abs/Neg of the minimum wraps to itself.
    if (op === 'Neg' && !isFloatDType(x.dtype) && !isSignedInteger(x.dtype) && x.dtype !== DataType.BOOL) {
      const w = 2 ** bitWidth(x.dtype);
      return [fromNumbers(x.dtype, x.dims, readNumbers(x).map((v) => (w - v) % w))];
    }
    return [fromNumbers(x.dtype, x.dims, readNumbers(x).map(fn))];
  };
}

/** Where(cond, X, Y): any takeable dtype, broadcast. */
const where: EvalFn = (_n, [c, x, y], info) => {
  if (c === undefined || x === undefined || y === undefined || c.dtype !== DataType.BOOL || x.dtype !== y.dtype || !isTakeable(x.dtype)) return undefined;
  const dims = broadcastDims([c.dims, x.dims, y.dims]);
  if (dims === undefined || !fits(dims, info)) return undefined;
  const cm = broadcastMap(dims, c.dims);
  const xm = broadcastMap(dims, x.dims);
  const ym = broadcastMap(dims, y.dims);
  const cond = c.data as Uint8Array;
  // Take from one flat tensor holding X then Y.
  const joined = Tensor.of(x.dtype, [x.size + y.size], joinFlat(x, y));
  const map = new Int32Array(cm.length);
  for (let k = 0; k < map.length; k++) map[k] = cond[cm[k]!] !== 0 ? xm[k]! : x.size + ym[k]!;
  return [take(joined, map, dims)];
};

function joinFlat(x: Tensor, y: Tensor): Tensor['data'] {
  if (x.dtype === DataType.STRING) return [...(x.data as readonly Uint8Array[]), ...(y.data as readonly Uint8Array[])];
  const a = x.data as Float32Array;
  const out = new (a.constructor as Float32ArrayConstructor)(x.size + y.size);
  out.set(a);
  out.set(y.data as Float32Array, x.size);
  return out;
}

/** Ops of this family by op type. */
export const mathEvals: ReadonlyMap<string, EvalFn> = new Map<string, EvalFn>([
  ...[...BINARY].map(([op, f]): [string, EvalFn] => [op, binary(op, f)]),
  ...[...UNARY].map(([op, f]): [string, EvalFn] => [op, unary(op, f)]),
  ['Where', where],
]);

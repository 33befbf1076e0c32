import { DataType, elementCount, integerRange, type Node, type Tensor } from '@mixprec/ir';
import { axisIn, intValues, stridesOf } from './const-eval-shape.js';
import {
  fromBigInts, fromNumbers, isBigIntType, isFloatDType, isNumberType, readBigInts, readNumbers,
} from './const-eval-numeric.js';
import type { EvalFn, EvalInfo } from './evaluator.js';

/**
 * Clip and the reductions ReduceSum/ReduceProd/ReduceMax/ReduceMin of the built-in evaluator.
 * FLOAT sums and products round to float32 after every step (sequential, in input order);
 * FLOAT16/BFLOAT16 accumulate in float32 and round once at the end; integers are exact
 * (bigints for 64-bit) and wrap once at the end.
 */

const clip: EvalFn = (n, [x, lo, hi], info) => {
  if (x === undefined || x.dtype === DataType.BOOL) return undefined;
  const bound = (t: Tensor | undefined, attr: string, fallback: number): number | bigint | undefined => {
    if (info.opset < 11) return n.getFloat(attr, fallback);
    if (t === undefined) return isBigIntType(x.dtype) ? (fallback < 0 ? integerRange(x.dtype)![0] : integerRange(x.dtype)![1]) : fallback;
    if (t.size !== 1 || t.dtype !== x.dtype) return undefined;
    return isBigIntType(t.dtype) ? readBigInts(t)[0]! : readNumbers(t)[0]!;
  };
  const a = bound(lo, 'min', -Infinity);
  const b = bound(hi, 'max', Infinity);
  if (a === undefined || b === undefined) return undefined;
  if (isBigIntType(x.dtype)) {
    if (typeof a !== 'bigint' || typeof b !== 'bigint') return undefined;
    return [fromBigInts(x.dtype, x.dims, BigInt64Array.from(readBigInts(x), (v) => BigInt.asIntN(64, v < a ? a : v > b ? b : v)))];
  }
  if (!isNumberType(x.dtype) || typeof a !== 'number' || typeof b !== 'number') return undefined;
  return [fromNumbers(x.dtype, x.dims, readNumbers(x).map((v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, a), b))))];
};

type Kind = 'sum' | 'prod' | 'max' | 'min';

/** The axes of a Reduce op (input 1 from `inputSince`, else the attribute) and the output dims. */
function reducedDims(n: Node, x: Tensor, axesInput: Tensor | undefined, info: EvalInfo, inputSince: number): { axes: Set<number>; dims: number[] } | undefined {
  let axes: number[] | undefined;
  let noop = false;
  if (info.opset >= inputSince) {
    noop = n.getInt('noop_with_empty_axes', 0) === 1;
    axes = axesInput === undefined ? [] : intValues(axesInput);
  } else {
    axes = n.getInts('axes') ?? [];
  }
  if (axes === undefined) return undefined;
  const r = x.dims.length;
  const set = new Set<number>();
  if (axes.length === 0 && !noop) for (let i = 0; i < r; i++) set.add(i);
  for (const a of axes) {
    const k = axisIn(a, r);
    if (k === undefined) return undefined;
    set.add(k);
  }
  const keep = n.getInt('keepdims', 1) === 1;
  const dims: number[] = [];
  x.dims.forEach((d, i) => {
    if (!set.has(i)) dims.push(d);
    else if (keep) dims.push(1);
  });
  return { axes: set, dims };
}

/** For each input element, the flat index of the output element it reduces into. */
function reduceMap(inDims: readonly number[], axes: ReadonlySet<number>): Int32Array {
  const keptDims = inDims.map((d, i) => (axes.has(i) ? 1 : d));
  const outStrides = stridesOf(keptDims).map((s, i) => (axes.has(i) ? 0 : s));
  const n = elementCount(inDims);
  const map = new Int32Array(n);
  const idx = inDims.map(() => 0);
  let dst = 0;
  for (let k = 0; k < n; k++) {
    map[k] = dst;
    for (let d = inDims.length - 1; d >= 0; d--) {
      idx[d]!++;
      dst += outStrides[d]!;
      if (idx[d]! < inDims[d]!) break;
      dst -= outStrides[d]! * idx[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

function reduce(kind: Kind, inputSince: number): EvalFn {
  return (n, [x, axesIn], info) => {
    if (x === undefined || x.dtype === DataType.BOOL) return undefined;
    const r = reducedDims(n, x, axesIn, info, inputSince);
    if (r === undefined) return undefined;
    const count = elementCount(r.dims);
    if (x.size === 0 && (kind === 'max' || kind === 'min')) return undefined;
    const map = reduceMap(x.dims, r.axes);
    if (isBigIntType(x.dtype)) {
      const v = readBigInts(x);
      const acc = new BigInt64Array(count).fill(kind === 'prod' ? 1n : 0n);
      const seen = new Uint8Array(count);
      for (let k = 0; k < v.length; k++) {
        const o = map[k]!;
        const e = v[k]!;
        if (kind === 'sum') acc[o] = acc[o]! + e;
        else if (kind === 'prod') acc[o] = acc[o]! * e;
        else if (!seen[o] || (kind === 'max' ? e > acc[o]! : e < acc[o]!)) acc[o] = e;
        seen[o] = 1;
      }
      return [fromBigInts(x.dtype, r.dims, x.dtype === DataType.UINT64 ? BigUint64Array.from(acc, (e) => BigInt.asUintN(64, e)) : acc)];
    }
    if (!isNumberType(x.dtype)) return undefined;
    const v = readNumbers(x);
    const float = isFloatDType(x.dtype);
    const f32 = x.dtype !== DataType.DOUBLE;
    const acc = new Float64Array(count).fill(kind === 'prod' ? 1 : kind === 'max' ? -Infinity : kind === 'min' ? Infinity : 0);
    for (let k = 0; k < v.length; k++) {
      const o = map[k]!;
      const e = v[k]!;
      let a = acc[o]!;
      if (kind === 'sum') a += e;
      else if (kind === 'prod') a = float ? a * e : Number(BigInt.asIntN(32, BigInt(a) * BigInt(e)));
      else if (Number.isNaN(e) || Number.isNaN(a)) a = NaN;
      else a = kind === 'max' ? Math.max(a, e) : Math.min(a, e);
      acc[o] = float && f32 ? Math.fround(a) : a;
    }
    if (!float && acc.some((a) => !Number.isSafeInteger(a))) return undefined;
    return [fromNumbers(x.dtype, r.dims, acc)];
  };
}

/** Ops of this family by op type. */
export const reduceEvals: ReadonlyMap<string, EvalFn> = new Map<string, EvalFn>([
  ['Clip', clip],
  ['ReduceSum', reduce('sum', 13)], ['ReduceProd', reduce('prod', 18)],
  ['ReduceMax', reduce('max', 18)], ['ReduceMin', reduce('min', 18)],
]);

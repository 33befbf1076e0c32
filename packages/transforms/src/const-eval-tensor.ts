import { DataType, Tensor, elementCount, type Node } from '@mixprec/ir';
import {
  axisIn, broadcastDims, broadcastMap, stridedMap, int64Of, intValues, isTakeable, reshaped, stridesOf, take,
} from './const-eval-shape.js';
import { fromBigInts, fromNumbers, isBigIntType, isNumberType, readBigInts, readNumbers, roundInPlace } from './const-eval-numeric.js';
import type { EvalFn, EvalInfo } from './evaluator.js';

/** Data-movement and shape ops of the built-in evaluator (any takeable dtype). */

function fits(dims: readonly number[], info: EvalInfo): boolean {
  return dims.every((d) => Number.isSafeInteger(d) && d >= 0) && elementCount(dims) <= info.maxOutputElements;
}

/** Axes from the attribute (before `inputSince`) or from input `index`. */
function axesOf(node: Node, ins: readonly (Tensor | undefined)[], info: EvalInfo, inputSince: number, index: number): number[] | undefined {
  if (info.opset >= inputSince) return ins[index] === undefined ? [] : intValues(ins[index]);
  return node.getInts('axes') ?? [];
}

const shape: EvalFn = (n, [x], info) => {
  if (x === undefined) return undefined;
  const r = x.dims.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = info.opset >= 15 ? clamp(n.getInt('start', 0)) : 0;
  const endAttr = info.opset >= 15 ? n.getInt('end') : undefined;
  const end = Math.max(start, endAttr === undefined ? r : clamp(endAttr));
  return [int64Of([end - start], x.dims.slice(start, end))];
};

const reshape: EvalFn = (n, [x, s], info) => {
  const target = info.opset < 5 ? n.getInts('shape') : intValues(s);
  if (x === undefined || target === undefined) return undefined;
  const allowZero = n.getInt('allowzero', 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? x.dims[i] ?? -2 : d));
  const minus = dims.filter((d) => d === -1).length;
  if (minus > 1 || dims.some((d) => d < -1)) return undefined;
  if (minus === 1) {
    const known = elementCount(dims.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) return undefined;
    dims[dims.indexOf(-1)] = x.size / known;
  }
  return elementCount(dims) === x.size ? [reshaped(x, dims)] : undefined;
};

const flatten: EvalFn = (n, [x]) => {
  if (x === undefined) return undefined;
  let axis = n.getInt('axis', 1);
  if (axis < 0) axis += x.dims.length;
  if (axis < 0 || axis > x.dims.length) return undefined;
  return [reshaped(x, [elementCount(x.dims.slice(0, axis)), elementCount(x.dims.slice(axis))])];
};

const squeeze: EvalFn = (n, ins, info) => {
  const x = ins[0];
  const axes = axesOf(n, ins, info, 13, 1);
  if (x === undefined || axes === undefined) return undefined;
  const drop = new Set<number>();
  for (const a of axes) {
    const k = axisIn(a, x.dims.length);
    if (k === undefined || x.dims[k] !== 1) return undefined;
    drop.add(k);
  }
  return [reshaped(x, x.dims.filter((d, i) => (axes.length === 0 ? d !== 1 : !drop.has(i))))];
};

const unsqueeze: EvalFn = (n, ins, info) => {
  const x = ins[0];
  const axes = axesOf(n, ins, info, 13, 1);
  if (x === undefined || axes === undefined) return undefined;
  const rank = x.dims.length + axes.length;
  const ones = new Set<number>();
  for (const a of axes) {
    const k = axisIn(a, rank);
    if (k === undefined || ones.has(k)) return undefined;
    ones.add(k);
  }
  const dims: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) dims.push(ones.has(i) ? 1 : x.dims[j++]!);
  return [reshaped(x, dims)];
};

const transpose: EvalFn = (n, [x]) => {
  if (x === undefined || !isTakeable(x.dtype)) return undefined;
  const r = x.dims.length;
  const perm = n.getInts('perm') ?? x.dims.map((_, i) => r - 1 - i);
  if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) return undefined;
  const dims = perm.map((p) => x.dims[p]!);
  const inStrides = stridesOf(x.dims);
  // Walk the output in order; the source index moves by the permuted input strides.
  const map = stridedMap(dims, perm.map((p) => inStrides[p]!));
  return [take(x, map, dims)];
};

const gather: EvalFn = (n, [x, indices], info) => {
  if (x === undefined || !isTakeable(x.dtype)) return undefined;
  const idx = intValues(indices);
  const axis = axisIn(n.getInt('axis', 0), x.dims.length);
  if (idx === undefined || axis === undefined) return undefined;
  const dimAxis = x.dims[axis]!;
  const outer = elementCount(x.dims.slice(0, axis));
  const inner = elementCount(x.dims.slice(axis + 1));
  const dims = [...x.dims.slice(0, axis), ...indices!.dims, ...x.dims.slice(axis + 1)];
  if (!fits(dims, info)) return undefined;
  const map = new Int32Array(elementCount(dims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    for (const raw of idx) {
      const i = raw < 0 ? raw + dimAxis : raw;
      if (i < 0 || i >= dimAxis) return undefined;
      const base = (o * dimAxis + i) * inner;
      for (let j = 0; j < inner; j++) map[k++] = base + j;
    }
  }
  return [take(x, map, dims)];
};

const concat: EvalFn = (n, ins, info) => {
  const parts = ins.filter((t): t is Tensor => t !== undefined);
  const first = parts[0];
  if (first === undefined || parts.length !== ins.length || !isTakeable(first.dtype)) return undefined;
  const rank = first.dims.length;
  const axis = axisIn(n.getInt('axis', 1), rank);
  if (axis === undefined) return undefined;
  for (const p of parts) {
    if (p.dtype !== first.dtype || p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== first.dims[i])) return undefined;
  }
  const dims = [...first.dims];
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis]!, 0);
  if (!fits(dims, info)) return undefined;
  // Concatenate the flat data of one tensor built from all parts (offsets per part).
  const outer = elementCount(first.dims.slice(0, axis));
  const joined = parts.length === 1 ? first : joinData(parts);
  const offsets: number[] = [];
  let acc = 0;
  for (const p of parts) { offsets.push(acc); acc += p.size; }
  const map = new Int32Array(elementCount(dims));
  let k = 0;
  for (let o = 0; o < outer; o++) {
    parts.forEach((p, pi) => {
      const chunk = elementCount(p.dims.slice(axis));
      const base = offsets[pi]! + o * chunk;
      for (let j = 0; j < chunk; j++) map[k++] = base + j;
    });
  }
  return [take(joined, map, dims)];
};

/** One flat tensor holding the elements of all parts in order (same dtype). */
function joinData(parts: readonly Tensor[]): Tensor {
  const total = parts.reduce((s, p) => s + p.size, 0);
  const first = parts[0]!;
  if (first.dtype === DataType.STRING) return Tensor.of(first.dtype, [total], parts.flatMap((p) => [...(p.data as readonly Uint8Array[])]));
  const ctor = (first.data as Float32Array).constructor as Float32ArrayConstructor;
  const out = new ctor(total);
  let at = 0;
  for (const p of parts) { out.set(p.data as Float32Array, at); at += p.size; }
  return Tensor.of(first.dtype, [total], out);
}

const slice: EvalFn = (n, ins, info) => {
  const x = ins[0];
  if (x === undefined || !isTakeable(x.dtype)) return undefined;
  const r = x.dims.length;
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (info.opset < 10) {
    starts = n.getInts('starts'); ends = n.getInts('ends'); axes = n.getInts('axes');
  } else {
    starts = intValues(ins[1]); ends = intValues(ins[2]);
    axes = ins[3] === undefined ? undefined : intValues(ins[3]);
    steps = ins[4] === undefined ? undefined : intValues(ins[4]);
    if ((ins[3] !== undefined && axes === undefined) || (ins[4] !== undefined && steps === undefined)) return undefined;
  }
  if (starts === undefined || ends === undefined || starts.length !== ends.length) return undefined;
  const begin = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const dims = [...x.dims];
  for (let i = 0; i < starts.length; i++) {
    const a = axisIn(axes?.[i] ?? i, r);
    const st = steps?.[i] ?? 1;
    if (a === undefined || st === 0) return undefined;
    const d = x.dims[a]!;
    let s = starts[i]! < 0 ? starts[i]! + d : starts[i]!;
    let e = ends[i]! < 0 ? ends[i]! + d : ends[i]!;
    if (st > 0) {
      s = Math.min(Math.max(s, 0), d); e = Math.min(Math.max(e, 0), d);
      dims[a] = Math.max(0, Math.ceil((e - s) / st));
    } else {
      s = Math.min(Math.max(s, 0), d - 1); e = Math.min(Math.max(e, -1), d - 1);
      dims[a] = Math.max(0, Math.ceil((s - e) / -st));
    }
    begin[a] = s;
    step[a] = st;
  }
  const inStrides = stridesOf(x.dims);
  const base = begin.reduce((acc, b, i) => acc + b * inStrides[i]!, 0);
  const map = stridedMap(dims, step.map((s, i) => s * inStrides[i]!));
  for (let k = 0; k < map.length; k++) map[k] = map[k]! + base;
  return [take(x, map, dims)];
};

const expand: EvalFn = (_n, [x, s], info) => {
  const target = intValues(s);
  if (x === undefined || target === undefined || !isTakeable(x.dtype)) return undefined;
  const dims = broadcastDims([x.dims, target]);
  if (dims === undefined || !fits(dims, info)) return undefined;
  return [take(x, broadcastMap(dims, x.dims), dims)];
};

const tile: EvalFn = (_n, [x, r], info) => {
  const reps = intValues(r);
  if (x === undefined || reps === undefined || reps.length !== x.dims.length || !isTakeable(x.dtype)) return undefined;
  if (reps.some((v) => v < 0)) return undefined;
  const dims = x.dims.map((d, i) => d * reps[i]!);
  if (!fits(dims, info)) return undefined;
  const inStrides = stridesOf(x.dims);
  const map = new Int32Array(elementCount(dims));
  const idx = dims.map(() => 0);
  for (let k = 0; k < map.length; k++) {
    let src = 0;
    for (let d = 0; d < dims.length; d++) src += (idx[d]! % x.dims[d]!) * inStrides[d]!;
    map[k] = src;
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return [take(x, map, dims)];
};

const constantOfShape: EvalFn = (n, [s], info) => {
  const dims = intValues(s);
  if (dims === undefined || !fits(dims, info)) return undefined;
  const value = n.getTensor('value') ?? Tensor.of(DataType.FLOAT, [1], Float32Array.of(0));
  if (value.size !== 1 || !isTakeable(value.dtype)) return undefined;
  return [take(value, new Int32Array(elementCount(dims)), dims)];
};

/** Range accumulates `start + delta + delta …` in the element type, as ONNX's definition does. */
const range: EvalFn = (_n, [s, l, d], info) => {
  if (s === undefined || l === undefined || d === undefined || s.size !== 1 || l.size !== 1 || d.size !== 1) return undefined;
  const dtype = s.dtype;
  if (isBigIntType(dtype)) {
    const [a, b, c] = [readBigInts(s)[0]!, readBigInts(l)[0]!, readBigInts(d)[0]!];
    if (c === 0n) return undefined;
    const diff = b - a;
    const count = diff / c + ((diff % c !== 0n) && ((diff > 0n) === (c > 0n)) ? 1n : 0n);
    const len = count < 0n ? 0 : Number(count);
    if (len > info.maxOutputElements) return undefined;
    const out = new BigInt64Array(len);
    for (let i = 0; i < len; i++) out[i] = a + BigInt(i) * c;
    return [fromBigInts(dtype, [len], out)];
  }
  if (!isNumberType(dtype) || dtype === DataType.BOOL) return undefined;
  const [a, b, c] = [readNumbers(s)[0]!, readNumbers(l)[0]!, readNumbers(d)[0]!];
  if (c === 0 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return undefined;
  const len = Math.max(Math.ceil((b - a) / c), 0);
  if (len > info.maxOutputElements) return undefined;
  const out = new Float64Array(len);
  const step = new Float64Array(1);
  let v = a;
  for (let i = 0; i < len; i++) {
    out[i] = v;
    step[0] = v + c;
    v = roundInPlace(dtype, step)[0]!;
  }
  return [fromNumbers(dtype, [len], out)];
};

/** Ops of this family by op type. */
export const tensorEvals: ReadonlyMap<string, EvalFn> = new Map<string, EvalFn>([
  ['Identity', (_n, [x]) => (x === undefined ? undefined : [x])],
  ['Shape', shape],
  ['Size', (_n, [x]) => (x === undefined ? undefined : [int64Of([], [x.size])])],
  ['Reshape', reshape], ['Flatten', flatten], ['Squeeze', squeeze], ['Unsqueeze', unsqueeze],
  ['Transpose', transpose], ['Gather', gather], ['Concat', concat], ['Slice', slice], ['Expand', expand],
  ['Tile', tile], ['ConstantOfShape', constantOfShape], ['Range', range],
]);

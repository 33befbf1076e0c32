import type { Dim } from '@mixprec/ir';
import {
  broadcastShapes, constInts, dimAdd, dimMul, dimProduct, mergeDim, normAxis, unknownDims,
  type ShapeContext, type ShapeRule,
} from '../shape-inference.js';

/** Axes from the `axes` attribute (older opsets) or from input `inputIndex` (newer ones). */
export function axesOf(c: ShapeContext, inputSince: number, inputIndex: number): number[] | undefined {
  if (c.opset >= inputSince) return c.has(inputIndex) ? constInts(c, inputIndex) : [];
  return c.node.getInts('axes') ?? [];
}

/**
 * `numerator / denominator` over dims, cancelling equal symbols (`[N,4,8] / [N]` → 32,
 * `[N,32] / [32]` → `N`); unknown when anything is unknown or does not divide.
 */
export function divideDims(numerator: readonly Dim[], denominator: readonly Dim[]): Dim {
  const syms: string[] = [];
  let num = 1;
  for (const d of numerator) {
    if (d === undefined) return undefined;
    if (typeof d === 'number') num *= d;
    else syms.push(d);
  }
  let den = 1;
  for (const d of denominator) {
    if (d === undefined) return undefined;
    if (typeof d === 'number') {
      den *= d;
      continue;
    }
    const k = syms.indexOf(d);
    if (k < 0) return undefined;
    syms.splice(k, 1);
  }
  if (den === 0 || num % den !== 0) return undefined;
  const q = num / den;
  if (syms.length === 0) return q;
  return syms.length === 1 && q === 1 ? syms[0] : undefined;
}

const reshape: ShapeRule = (c) => {
  const input = c.shape(0);
  let target: readonly Dim[] | undefined;
  if (c.opset < 5) {
    target = c.node.getInts('shape');
  } else {
    target = c.data(1)?.values;
    if (target === undefined) {
      const s = c.shape(1);
      return [s !== undefined && s.length === 1 && typeof s[0] === 'number' ? unknownDims(s[0]) : undefined];
    }
  }
  if (target === undefined) return [undefined];
  const allowZero = c.node.getInt('allowzero', 0) === 1;
  let inferAt = -1;
  const out: Dim[] = target.map((v, i) => {
    if (v === 0 && !allowZero) return input?.[i];
    if (v === -1) {
      inferAt = i;
      return undefined;
    }
    return typeof v === 'number' && v < 0 ? undefined : v;
  });
  if (inferAt >= 0 && input !== undefined) {
    out[inferAt] = divideDims(input, out.filter((_, i) => i !== inferAt));
  }
  return [out];
};

const transpose: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const perm = c.node.getInts('perm') ?? s.map((_, i) => s.length - 1 - i);
  if (perm.length !== s.length) return [undefined];
  return [perm.map((p) => s[p])];
};

const concat: ShapeRule = (c) => {
  const shapes: (readonly Dim[] | undefined)[] = [];
  for (let i = 0; i < c.inputCount; i++) if (c.has(i)) shapes.push(c.shape(i));
  const rank = shapes.find((s) => s !== undefined)?.length;
  if (rank === undefined) return [undefined];
  const axis = normAxis(c.node.getInt('axis', 1), rank);
  if (axis === undefined) return [undefined];
  const out = unknownDims(rank);
  let total: Dim = 0;
  for (const s of shapes) {
    if (s === undefined || s.length !== rank) {
      total = undefined;
      continue;
    }
    for (let k = 0; k < rank; k++) if (k !== axis) out[k] = mergeDim(out[k], s[k]);
    total = dimAdd(total, s[axis]);
  }
  out[axis] = total;
  return [out];
};

/** One sliced dim, as ONNX Slice clamps starts and ends. */
function sliceDim(dim: Dim, start: number, end: number, step: number): Dim {
  if (typeof dim !== 'number') {
    // Only the whole axis is known without the size: [0, ∞) by 1.
    return start === 0 && step === 1 && end >= 2147483647 ? dim : undefined;
  }
  if (step === 0) return undefined;
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), dim);
    e = Math.min(Math.max(e, 0), dim);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  s = Math.min(Math.max(s, 0), dim - 1);
  e = Math.min(Math.max(e, -1), dim - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}

const slice: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (c.opset < 10) {
    starts = c.node.getInts('starts');
    ends = c.node.getInts('ends');
    axes = c.node.getInts('axes');
  } else {
    starts = constInts(c, 1);
    ends = constInts(c, 2);
    axes = c.has(3) ? constInts(c, 3) : undefined;
    steps = c.has(4) ? constInts(c, 4) : undefined;
    if ((c.has(3) && axes === undefined) || (c.has(4) && steps === undefined)) starts = undefined;
  }
  if (starts === undefined || ends === undefined || starts.length !== ends.length) {
    // Axes known, bounds not: only those axes become unknown.
    if (axes !== undefined && c.opset >= 10) {
      const out = [...s];
      for (const a of axes) {
        const k = normAxis(a, s.length);
        if (k !== undefined) out[k] = undefined;
      }
      return [out];
    }
    return [unknownDims(s.length)];
  }
  const out = [...s];
  const ax = axes ?? starts.map((_, i) => i);
  for (let i = 0; i < starts.length; i++) {
    const k = normAxis(ax[i] ?? i, s.length);
    if (k === undefined) return [unknownDims(s.length)];
    out[k] = sliceDim(s[k], starts[i]!, ends[i]!, steps?.[i] ?? 1);
  }
  return [out];
};

const gather: ShapeRule = (c) => {
  const data = c.shape(0);
  const idx = c.shape(1);
  if (data === undefined || idx === undefined) return [undefined];
  const axis = normAxis(c.node.getInt('axis', 0), data.length);
  if (axis === undefined) return [undefined];
  return [[...data.slice(0, axis), ...idx, ...data.slice(axis + 1)]];
};

const gatherND: ShapeRule = (c) => {
  const data = c.shape(0);
  const idx = c.shape(1);
  if (data === undefined || idx === undefined || idx.length === 0) return [undefined];
  const q = idx[idx.length - 1];
  const b = c.node.getInt('batch_dims', 0);
  if (typeof q !== 'number') return [undefined];
  return [[...idx.slice(0, -1), ...data.slice(b + q)]];
};

const squeeze: ShapeRule = (c) => {
  const s = c.shape(0);
  const axes = axesOf(c, 13, 1);
  if (s === undefined || axes === undefined) return [undefined];
  if (axes.length === 0) {
    if (s.some((d) => typeof d !== 'number')) return [undefined];
    return [s.filter((d) => d !== 1)];
  }
  const drop = new Set<number>();
  for (const a of axes) {
    const k = normAxis(a, s.length);
    if (k === undefined) return [undefined];
    drop.add(k);
  }
  return [s.filter((_, i) => !drop.has(i))];
};

const unsqueeze: ShapeRule = (c) => {
  const s = c.shape(0);
  const axes = axesOf(c, 13, 1);
  if (s === undefined || axes === undefined) return [undefined];
  const rank = s.length + axes.length;
  const ones = new Set<number>();
  for (const a of axes) {
    const k = normAxis(a, rank);
    if (k === undefined) return [undefined];
    ones.add(k);
  }
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(ones.has(i) ? 1 : s[j++]);
  return [out];
};

const flatten: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  let axis = c.node.getInt('axis', 1);
  if (axis < 0) axis += s.length;
  if (axis < 0 || axis > s.length) return [undefined];
  return [[dimProduct(s.slice(0, axis)), dimProduct(s.slice(axis))]];
};

const expand: ShapeRule = (c) => {
  const target = c.data(1)?.values;
  if (target !== undefined) return [broadcastShapes([c.shape(0), target])];
  const ts = c.shape(1);
  const s = c.shape(0);
  if (s === undefined || ts === undefined || typeof ts[0] !== 'number') return [undefined];
  return [broadcastShapes([s, unknownDims(ts[0])])];
};

const tile: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const reps = c.data(1)?.values;
  if (reps === undefined || reps.length !== s.length) return [unknownDims(s.length)];
  return [s.map((d, i) => dimMul(d, reps[i]))];
};

/** Rules of this family by op type. */
export const tensorRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ['Reshape', reshape], ['Transpose', transpose], ['Concat', concat], ['Slice', slice], ['Gather', gather],
  ['GatherElements', (c) => [c.shape(1)]], ['GatherND', gatherND], ['Squeeze', squeeze], ['Unsqueeze', unsqueeze],
  ['Flatten', flatten], ['Expand', expand], ['Tile', tile],
]);

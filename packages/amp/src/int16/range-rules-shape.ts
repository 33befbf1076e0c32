import type { Dim } from '@mixprec/ir';
import { UNBOUNDED, join, point, type Interval } from './interval.js';
import type { RangeContext, RangeRule } from './range-context.js';
import {
  MAX_TRACKED_ELEMENTS, anyAssumed, broadcastDims, elementwise, exactValues, whole, withElems, type ValueRange,
} from './value-range.js';

/*
 * Range rules of shape and data-movement ops. Data movement keeps the hull of its data; for
 * small tensors of static shape it also keeps element bounds (Shape → Gather → Concat chains
 * stay exact). Creation, conversion and index-producing ops: range-rules-create.ts.
 */

/** Hull of input `i`, or nothing. */
function hullOf(i: number): RangeRule {
  return (c) => {
    const x = c.inputs[i];
    return x === undefined ? undefined : c.node.outputs.map(() => whole(x.all, x.assumed === true));
  };
}

function staticDims(s: readonly Dim[] | undefined): number[] | undefined {
  if (s === undefined) return undefined;
  const out: number[] = [];
  for (const d of s) {
    if (typeof d !== 'number') return undefined;
    out.push(d);
  }
  return out;
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Same elements in the same order under a new static shape. */
function reshaped(x: ValueRange, dims: readonly number[] | undefined): ValueRange {
  if (x.elems === undefined || dims === undefined || count(dims) !== x.elems.length) return whole(x.all, x.assumed === true);
  return withElems(x.elems, dims, x.assumed === true);
}

function ints(r: ValueRange | undefined): number[] | undefined {
  return exactValues(r)?.map(Number);
}

/** Output dims of Reshape/Squeeze/Unsqueeze/Flatten from the input dims and the op's arguments. */
function reshapeDims(c: RangeContext, inDims: readonly number[]): number[] | undefined {
  const known = staticDims(c.outShape(0));
  if (known !== undefined) return known;
  const n = count(inDims);
  switch (c.node.opType) {
    case 'Reshape': {
      const target = ints(c.inputs[1]);
      if (target === undefined) return undefined;
      const allowZero = c.node.getInt('allowzero', 0) === 1;
      const out = target.map((d, k) => (d === 0 && !allowZero ? inDims[k] ?? 0 : d));
      const free = out.indexOf(-1);
      if (free >= 0) {
        const rest = count(out.filter((_, k) => k !== free));
        if (rest === 0) return undefined;
        out[free] = n / rest;
      }
      return out;
    }
    case 'Flatten': {
      const a0 = c.node.getInt('axis', 1);
      const a = a0 < 0 ? a0 + inDims.length : a0;
      return [count(inDims.slice(0, a)), count(inDims.slice(a))];
    }
    case 'Squeeze': {
      const axes = c.opset >= 13 ? (c.inputs[1] === undefined ? [] : ints(c.inputs[1])) : (c.node.getInts('axes') ?? []);
      if (axes === undefined) return undefined;
      const norm = axes.map((a) => (a < 0 ? a + inDims.length : a));
      return inDims.filter((d, k) => (norm.length === 0 ? d !== 1 : !norm.includes(k)));
    }
    case 'Unsqueeze': {
      const axes = c.opset >= 13 ? ints(c.inputs[1]) : c.node.getInts('axes');
      if (axes === undefined) return undefined;
      const rank = inDims.length + axes.length;
      const norm = axes.map((a) => (a < 0 ? a + rank : a));
      const out: number[] = [];
      let j = 0;
      for (let k = 0; k < rank; k++) out.push(norm.includes(k) ? 1 : inDims[j++] ?? 1);
      return out;
    }
    default:
      return [...inDims];
  }
}

const reshapeLike: RangeRule = (c) => {
  const x = c.inputs[0];
  if (x === undefined) return undefined;
  return [reshaped(x, x.dims === undefined ? undefined : reshapeDims(c, x.dims))];
};

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** Elements of a static-shape tensor by coordinates. */
function at(x: ValueRange, coords: readonly number[]): Interval {
  const st = strides(x.dims!);
  let idx = 0;
  coords.forEach((v, k) => {
    idx += v * st[k]!;
  });
  return x.elems![idx]!;
}

/** Calls `f` with the coordinates of every position of `dims`, in row-major order. */
function forEachCoord(dims: readonly number[], f: (coords: number[]) => void): void {
  const n = count(dims);
  const coords = new Array<number>(dims.length).fill(0);
  for (let p = 0; p < n; p++) {
    f(coords);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++coords[k]! < dims[k]!) break;
      coords[k] = 0;
    }
  }
}

const concat: RangeRule = (c) => {
  const xs = c.inputs.filter((r): r is ValueRange => r !== undefined);
  if (xs.length === 0) return undefined;
  const assumed = anyAssumed(xs);
  let all = xs[0]!.all;
  for (const x of xs) all = join(all, x.all);
  const rank = xs[0]!.dims?.length;
  if (rank !== undefined && rank > 0 && xs.every((x) => x.elems !== undefined && x.dims!.length === rank)) {
    const a0 = c.node.getInt('axis', 0);
    const axis = a0 < 0 ? a0 + rank : a0;
    const outDims = [...xs[0]!.dims!];
    outDims[axis] = xs.reduce((s, x) => s + x.dims![axis]!, 0);
    if (count(outDims) <= MAX_TRACKED_ELEMENTS) {
      const elems: Interval[] = [];
      forEachCoord(outDims, (co) => {
        let off = co[axis]!;
        let k = 0;
        while (off >= xs[k]!.dims![axis]!) off -= xs[k++]!.dims![axis]!;
        const local = [...co];
        local[axis] = off;
        elems.push(at(xs[k]!, local));
      });
      return [withElems(elems, outDims, assumed)];
    }
  }
  return [whole(all, assumed)];
};

const gather: RangeRule = (c) => {
  const [x, idx] = c.inputs;
  if (x === undefined) return undefined;
  const iv = ints(idx);
  if (x.elems !== undefined && x.dims !== undefined && x.dims.length > 0 && iv !== undefined && idx?.dims !== undefined) {
    const a0 = c.node.getInt('axis', 0);
    const axis = a0 < 0 ? a0 + x.dims.length : a0;
    const n = x.dims[axis]!;
    const outDims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    if (iv.every((i) => i >= -n && i < n) && count(outDims) <= MAX_TRACKED_ELEMENTS) {
      const elems: Interval[] = [];
      forEachCoord(outDims, (co) => {
        const before = co.slice(0, axis);
        const idxCo = co.slice(axis, axis + idx.dims!.length);
        const after = co.slice(axis + idx.dims!.length);
        const flat = idxCo.reduce((s, v, k) => s * idx.dims![k]! + v, 0);
        const i = iv[flat]!;
        elems.push(at(x, [...before, i < 0 ? i + n : i, ...after]));
      });
      return [withElems(elems, outDims, x.assumed === true)];
    }
  }
  return [whole(x.all, x.assumed === true)];
};

/** Clamped Python-style slice bounds of one axis. */
function sliceIndices(start: number, end: number, step: number, n: number): number[] {
  const norm = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (step > 0) {
    for (let i = norm(start, 0, n); i < norm(end, 0, n); i += step) out.push(i);
  } else if (step < 0) {
    for (let i = norm(start, -1, n - 1); i > norm(end, -1, n - 1); i += step) out.push(i);
  }
  return out;
}

const slice: RangeRule = (c) => {
  const x = c.inputs[0];
  if (x === undefined) return undefined;
  if (x.elems !== undefined && x.dims?.length === 1) {
    const starts = c.opset >= 10 ? ints(c.inputs[1]) : c.node.getInts('starts');
    const ends = c.opset >= 10 ? exactValues(c.inputs[2]) : c.node.getIntsExact('ends')?.map((v) => BigInt(v));
    const steps = c.opset >= 10 && c.inputs[4] !== undefined ? ints(c.inputs[4]) : [1];
    const axes = c.opset >= 10 ? (c.inputs[3] === undefined ? [0] : ints(c.inputs[3])) : (c.node.getInts('axes') ?? [0]);
    if (starts?.length === 1 && ends?.length === 1 && steps?.length === 1 && axes?.length === 1 && (axes[0] === 0 || axes[0] === -1)) {
      const n = x.dims[0]!;
      const e = ends[0]! > BigInt(n) ? n : ends[0]! < BigInt(-n - 1) ? -n - 1 : Number(ends[0]!);
      const picked = sliceIndices(starts[0]!, e, steps[0]!, n);
      if (picked.length > 0) return [withElems(picked.map((i) => x.elems![i]!), [picked.length], x.assumed === true)];
    }
  }
  return [whole(x.all, x.assumed === true)];
};

const transpose: RangeRule = (c) => {
  const x = c.inputs[0];
  if (x === undefined) return undefined;
  if (x.elems !== undefined && x.dims !== undefined) {
    const rank = x.dims.length;
    const perm = c.node.getInts('perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
    const outDims = perm.map((p) => x.dims![p]!);
    const elems: Interval[] = [];
    forEachCoord(outDims, (co) => {
      const src = new Array<number>(rank);
      perm.forEach((p, k) => {
        src[p] = co[k]!;
      });
      elems.push(at(x, src));
    });
    return [withElems(elems, outDims, x.assumed === true)];
  }
  return [whole(x.all, x.assumed === true)];
};

const expand: RangeRule = (c) => {
  const [x, s] = c.inputs;
  if (x === undefined) return undefined;
  const target = ints(s);
  if (x.elems !== undefined && x.dims !== undefined && target !== undefined) {
    const out = broadcastDims([x.dims, target]);
    if (out !== undefined && count(out) <= MAX_TRACKED_ELEMENTS) {
      const ones: ValueRange = withElems(new Array<Interval>(count(out)).fill(point(0n)), out);
      return [elementwise([x, ones], ([a]) => a!)];
    }
  }
  return [whole(x.all, x.assumed === true)];
};

const pad: RangeRule = (c) => {
  const x = c.inputs[0];
  if (x === undefined) return undefined;
  const mode = c.node.getString('mode', 'constant');
  if (mode !== 'constant') return [whole(x.all, x.assumed === true)];
  let v: Interval = point(0n);
  if (c.opset >= 11) {
    if (c.inputs[2] !== undefined) v = c.inputs[2].all;
  } else {
    const f = c.node.getFloat('value', 0);
    v = Number.isFinite(f) ? { lo: BigInt(Math.floor(f)), hi: BigInt(Math.ceil(f)) } : UNBOUNDED;
  }
  return [whole(join(x.all, v), anyAssumed([x, c.inputs[2]]))];
};

const withZero: RangeRule = (c) => {
  const x = c.inputs[0];
  return x === undefined ? undefined : [whole(join(x.all, point(0n)), x.assumed === true)];
};

const scatter: RangeRule = (c) => {
  const [x, , u] = c.inputs;
  const red = c.node.getString('reduction', 'none');
  if (x === undefined || u === undefined || (red !== 'none' && red !== 'min' && red !== 'max')) return undefined;
  return [whole(join(x.all, u.all), anyAssumed([x, u]))];
};

const resize: RangeRule = (c) => {
  const x = c.inputs[0];
  const mode = c.node.getString('mode', 'nearest');
  return x === undefined || mode !== 'nearest' ? undefined : [whole(x.all, x.assumed === true)];
};

/** Range rules of the shape and data-movement ops (ONNX domain). */
export const SHAPE_RULES: Readonly<Record<string, RangeRule>> = Object.freeze({
  Identity: reshapeLike, Reshape: reshapeLike, Flatten: reshapeLike, Squeeze: reshapeLike, Unsqueeze: reshapeLike,
  Concat: concat, Gather: gather, Slice: slice, Transpose: transpose, Expand: expand,
  Split: hullOf(0), Tile: hullOf(0), Compress: hullOf(0), GatherElements: hullOf(0), GatherND: hullOf(0),
  DepthToSpace: hullOf(0), SpaceToDepth: hullOf(0), ReverseSequence: hullOf(0),
  Pad: pad, Trilu: withZero, Resize: resize, Scatter: scatter, ScatterElements: scatter, ScatterND: scatter,
});

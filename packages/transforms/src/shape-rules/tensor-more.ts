import type { Dim } from '@mixprec/ir';
import {
  constInts, constNumbers, constScalar, dimAdd, dimMul, dimProduct, normAxis, unknownDims,
  type ShapeContext, type ShapeRule,
} from '../shape-inference.js';

const pad: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const pads = c.opset < 11 ? c.node.getInts('pads') ?? c.node.getInts('paddings') : constInts(c, 1);
  if (pads === undefined) return [unknownDims(s.length)];
  let axes = s.map((_, i) => i);
  if (c.opset >= 18 && c.has(3)) {
    const given = constInts(c, 3);
    if (given === undefined) return [unknownDims(s.length)];
    const norm = given.map((a) => normAxis(a, s.length));
    if (norm.some((a) => a === undefined)) return [undefined];
    axes = norm as number[];
  }
  if (pads.length !== 2 * axes.length) return [undefined];
  const out = [...s];
  axes.forEach((a, i) => {
    out[a] = dimAdd(dimAdd(s[a], pads[i]!), pads[i + axes.length]!);
  });
  return [out];
};

const split: ShapeRule = (c) => {
  const s = c.shape(0);
  const n = c.node.outputs.length;
  if (s === undefined) return c.node.outputs.map(() => undefined);
  const axis = normAxis(c.node.getInt('axis', 0), s.length);
  if (axis === undefined) return undefined;
  let sizes: number[] | undefined;
  if (c.opset < 13) sizes = c.node.getInts('split');
  else if (c.has(1)) sizes = constInts(c, 1);
  const dim = s[axis];
  const at = (d: Dim): Dim[] => s.map((x, k) => (k === axis ? d : x));
  if (sizes !== undefined && sizes.length === n) return sizes.map((d) => at(d));
  if ((c.opset >= 13 && c.has(1)) || (c.opset < 13 && c.node.getInts('split') !== undefined)) return c.node.outputs.map(() => at(undefined));
  if (typeof dim !== 'number') return c.node.outputs.map(() => at(undefined));
  if (c.opset >= 18) {
    const chunk = Math.ceil(dim / n);
    return c.node.outputs.map((_, i) => at(i < n - 1 ? chunk : dim - chunk * (n - 1)));
  }
  return c.node.outputs.map(() => at(dim % n === 0 ? dim / n : undefined));
};

/** Shape-15 `start`/`end`, clamped like Slice. */
export function shapeRange(c: ShapeContext, rank: number): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = c.opset >= 15 ? clamp(c.node.getInt('start', 0)) : 0;
  const endAttr = c.opset >= 15 ? c.node.getInt('end') : undefined;
  const end = endAttr === undefined ? rank : clamp(endAttr);
  return [start, Math.max(start, end)];
}

const shape: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [[undefined]];
  const [a, b] = shapeRange(c, s.length);
  return [[b - a]];
};

const constantOfShape: ShapeRule = (c) => {
  const d = c.data(0)?.values;
  if (d !== undefined) return [d.map((x) => (typeof x === 'number' && x < 0 ? undefined : x))];
  const s = c.shape(0);
  return [s !== undefined && s.length === 1 && typeof s[0] === 'number' ? unknownDims(s[0]) : undefined];
};

const range: ShapeRule = (c) => {
  const start = constScalar(c, 0);
  const limit = constScalar(c, 1);
  const delta = constScalar(c, 2);
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) return [[undefined]];
  return [[Math.max(Math.ceil((limit - start) / delta), 0)]];
};

const oneHot: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const depth = constScalar(c, 1);
  const axis = normAxis(c.node.getInt('axis', -1), s.length + 1);
  if (axis === undefined) return [undefined];
  const out: Dim[] = [...s];
  out.splice(axis, 0, depth === undefined ? undefined : Math.trunc(depth));
  return [out];
};

const compress: ShapeRule = (c) => {
  const s = c.shape(0);
  const axisAttr = c.node.getInt('axis');
  const cond = constInts(c, 1);
  const kept = cond?.filter((x) => x !== 0).length;
  if (axisAttr === undefined) {
    const total = s === undefined ? undefined : dimProduct(s);
    // A condition shorter than the input keeps only among its own length.
    return [[kept !== undefined && typeof total === 'number' && cond!.length <= total ? kept : undefined]];
  }
  if (s === undefined) return [undefined];
  const axis = normAxis(axisAttr, s.length);
  if (axis === undefined) return [undefined];
  const out = [...s];
  const dim = s[axis];
  out[axis] = kept !== undefined && typeof dim === 'number' && cond!.length <= dim ? kept : undefined;
  return [out];
};

const depthToSpace: ShapeRule = (c) => {
  const s = c.shape(0);
  const b = c.node.getInt('blocksize', 0);
  if (s === undefined || s.length !== 4 || b <= 0) return [s === undefined ? undefined : unknownDims(s.length)];
  const ch = s[1];
  return [[s[0], typeof ch === 'number' ? ch / (b * b) : undefined, dimMul(s[2], b), dimMul(s[3], b)]];
};

const spaceToDepth: ShapeRule = (c) => {
  const s = c.shape(0);
  const b = c.node.getInt('blocksize', 0);
  if (s === undefined || s.length !== 4 || b <= 0) return [s === undefined ? undefined : unknownDims(s.length)];
  const div = (d: Dim): Dim => (typeof d === 'number' ? d / b : b === 1 ? d : undefined);
  return [[s[0], dimMul(s[1], b * b), div(s[2]), div(s[3])]];
};

const unique: ShapeRule = (c) => {
  const s = c.shape(0);
  const axisAttr = c.node.getInt('axis');
  if (axisAttr === undefined) {
    return [[undefined], [undefined], [s === undefined ? undefined : dimProduct(s)], [undefined]];
  }
  const axis = s === undefined ? undefined : normAxis(axisAttr, s.length);
  if (s === undefined || axis === undefined) return [undefined, [undefined], [undefined], [undefined]];
  return [s.map((d, i) => (i === axis ? undefined : d)), [undefined], [s[axis]], [undefined]];
};

const topK: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined, undefined];
  const k = c.opset < 10 ? c.node.getInt('k') : constScalar(c, 1);
  const axis = normAxis(c.node.getInt('axis', -1), s.length);
  if (axis === undefined) return [undefined, undefined];
  const out = s.map((d, i) => (i === axis ? k : d));
  return [out, out];
};

const centerCropPad: ShapeRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const target = c.data(1)?.values;
  const axes = c.node.getInts('axes') ?? s.map((_, i) => i);
  const out = [...s];
  axes.forEach((a, i) => {
    const k = normAxis(a, s.length);
    if (k !== undefined) out[k] = target?.[i];
  });
  return [out];
};

/** Rules of this family by op type. */
export const tensorMoreRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ['Pad', pad], ['Split', split], ['Shape', shape], ['Size', () => [[]]], ['ConstantOfShape', constantOfShape],
  ['Range', range], ['NonZero', (c) => [[c.shape(0)?.length, undefined]]], ['OneHot', oneHot], ['Compress', compress],
  ['DepthToSpace', depthToSpace], ['SpaceToDepth', spaceToDepth], ['Unique', unique], ['TopK', topK],
  ['CenterCropPad', centerCropPad], ['NonMaxSuppression', () => [[undefined, 3]]],
  ['SequenceLength', () => [[]]], ['OptionalHasElement', () => [[]]],
  ['DynamicQuantizeLinear', (c) => [c.shape(0), [], []]],
  ['Det', (c) => [c.shape(0)?.slice(0, -2)]],
  ['MaxRoiPool', (c) => {
    const x = c.shape(0);
    const rois = c.shape(1);
    const pooled = c.node.getInts('pooled_shape');
    return [x === undefined || pooled === undefined ? undefined : [rois?.[0], x[1], ...pooled]];
  }],
  ['Upsample', (c) => upsampleLike(c)],
]);

/** Upsample: `floor(in · scale)`, scales from the attribute (opset 7–8) or input 1 (opset 9). */
function upsampleLike(c: ShapeContext): [readonly Dim[] | undefined] {
  const s = c.shape(0);
  if (s === undefined) return [undefined];
  const scales = c.opset < 9 ? c.node.getFloats('scales') : constNumbers(c, 1);
  if (scales === undefined || scales.length !== s.length) return [unknownDims(s.length)];
  return [s.map((d, i) => (scales[i] === 1 ? d : typeof d === 'number' ? Math.floor(d * scales[i]!) : undefined))];
}

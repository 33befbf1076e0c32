import type { Dim } from '@mixprec/ir';
import { constInts, constScalar, normAxis, unknownDims, type ShapeRule } from '../shape-inference.js';

const REDUCE = [
  'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd',
  'ReduceSum', 'ReduceSumSquare',
] as const;

/** The opset from which a Reduce op takes `axes` as input 1 (ReduceSum 13, the others 18). */
function axesInputSince(op: string): number {
  return op === 'ReduceSum' ? 13 : 18;
}

const reduce: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  const keep = c.node.getInt('keepdims', 1) === 1;
  let axes: number[] | undefined;
  let noop = false;
  if (c.opset >= axesInputSince(c.node.opType)) {
    noop = c.node.getInt('noop_with_empty_axes', 0) === 1;
    axes = c.has(1) ? constInts(c, 1) : [];
    if (axes === undefined) return [keep ? unknownDims(x.length) : undefined];
  } else {
    axes = c.node.getInts('axes') ?? [];
  }
  if (axes.length === 0) {
    if (noop) return [x];
    return [keep ? x.map(() => 1) : []];
  }
  const set = new Set<number>();
  for (const a of axes) {
    const k = normAxis(a, x.length);
    if (k === undefined) return [undefined];
    set.add(k);
  }
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!set.has(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return [out];
};

const argReduce: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  const axis = normAxis(c.node.getInt('axis', 0), x.length);
  if (axis === undefined) return [undefined];
  const keep = c.node.getInt('keepdims', 1) === 1;
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (i !== axis) out.push(d);
    else if (keep) out.push(1);
  });
  return [out];
};

/** SoftmaxCrossEntropyLoss / NegativeLogLikelihoodLoss: per-sample loss with `reduction=none`, else a scalar. */
const loss: ShapeRule = (c) => {
  const none = c.node.getString('reduction', 'mean') === 'none';
  return c.node.outputs.map((_, i) => (i === 0 ? (none ? c.shape(1) : []) : c.shape(0)));
};

/** DFT-17 (axis attribute) and DFT-20 (axis input 2): the transformed axis, last dim 2 (complex). */
const dft: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  const axisValue = c.opset >= 20 ? (c.has(2) ? constScalar(c, 2) : -2) : c.node.getInt('axis', 1);
  const out = [...x];
  out[out.length - 1] = 2;
  if (axisValue === undefined) return [out.map((d, i) => (i === out.length - 1 || i === 0 ? d : undefined))];
  const axis = normAxis(axisValue, x.length);
  if (axis === undefined || axis === x.length - 1) return [undefined];
  let n: Dim = x[axis];
  if (c.has(1)) n = constScalar(c, 1);
  const onesided = c.node.getInt('onesided', 0) === 1;
  const inverse = c.node.getInt('inverse', 0) === 1;
  out[axis] = onesided && !inverse && typeof n === 'number' ? Math.floor(n / 2) + 1 : onesided && !inverse ? undefined : n;
  return [out];
};

/** STFT: `[batch, frames, bins, 2]`. */
const stft: ShapeRule = (c) => {
  const x = c.shape(0);
  const step = constScalar(c, 1);
  const window = c.shape(2);
  const frameLength = c.has(3) ? constScalar(c, 3) : typeof window?.[0] === 'number' ? window[0] : undefined;
  const len = x?.[1];
  const frames = typeof len === 'number' && step !== undefined && frameLength !== undefined && step > 0
    ? Math.floor((len - frameLength) / step) + 1 : undefined;
  const onesided = c.node.getInt('onesided', 1) === 1;
  const bins = frameLength === undefined ? undefined : onesided ? Math.floor(frameLength / 2) + 1 : frameLength;
  return [[x?.[0], frames, bins, 2]];
};

const windowOp: ShapeRule = (c) => {
  const n = constScalar(c, 0);
  return [[n === undefined ? undefined : Math.trunc(n)]];
};

const melWeightMatrix: ShapeRule = (c) => {
  const bins = constScalar(c, 0);
  const dft = constScalar(c, 1);
  return [[dft === undefined ? undefined : Math.floor(dft / 2) + 1, bins]];
};

/** TfIdfVectorizer: `[C]` → `[max(ngram_indexes)+1]`, `[N, C]` → `[N, …]`. */
const tfIdf: ShapeRule = (c) => {
  const x = c.shape(0);
  const idx = c.node.getInts('ngram_indexes');
  const size = idx === undefined || idx.length === 0 ? undefined : Math.max(...idx) + 1;
  if (x === undefined) return [undefined];
  return [x.length === 1 ? [size] : [x[0], size]];
};

const stringNormalizer: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  // Stop words may remove elements; the count is only known when none are given.
  const same = (c.node.getStrings('stopwords') ?? []).length === 0;
  return [x.length === 1 ? [same ? x[0] : undefined] : [x[0], same ? x[1] : undefined]];
};

const multinomial: ShapeRule = (c) => [[c.shape(0)?.[0], c.node.getInt('sample_size', 1)]];

/** Rules of this family by op type. */
export const reduceRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ...REDUCE.map((op): [string, ShapeRule] => [op, reduce]),
  ['ArgMax', argReduce], ['ArgMin', argReduce],
  ['SoftmaxCrossEntropyLoss', loss], ['NegativeLogLikelihoodLoss', loss],
  ['DFT', dft], ['STFT', stft], ['HannWindow', windowOp], ['HammingWindow', windowOp], ['BlackmanWindow', windowOp],
  ['MelWeightMatrix', melWeightMatrix], ['TfIdfVectorizer', tfIdf], ['StringNormalizer', stringNormalizer],
  ['Multinomial', multinomial],
  ['RandomNormal', (c) => [c.node.getInts('shape')]], ['RandomUniform', (c) => [c.node.getInts('shape')]],
]);


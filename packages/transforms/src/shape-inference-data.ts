import { DataType, isIntegerType, tensorToFloat64, type Dim, type Tensor } from '@mixprec/ir';
import { castTarget } from './cast-lattice.js';
import {
  constInts, dimAdd, dimMul, MAX_SYM_LENGTH, normAxis, type ShapeContext, type SymData,
} from './shape-inference.js';
import { shapeRange } from './shape-rules/tensor-more.js';

/**
 * Data propagation: the values of small integer tensors (shapes, sizes, indices) followed
 * through the ops that build `Reshape`/`Expand`/`ConstantOfShape` targets, so that
 * `Reshape(x, Concat(Gather(Shape(x), 0), [-1]))` gets the shape `[N, …]`. Symbols and unknown
 * elements are kept element by element, as in ONNX's `PartialDataPropagationFunction`.
 */
export type DataRule = (c: ShapeContext) => SymData | undefined;

/** The element values of a constant integer tensor of rank ≤ 1 (at most {@link MAX_SYM_LENGTH} elements). */
export function tensorData(t: Tensor): SymData | undefined {
  if (!isIntegerType(t.dtype) || t.dims.length > 1 || t.size > MAX_SYM_LENGTH) return undefined;
  return { scalar: t.dims.length === 0, values: Array.from(tensorToFloat64(t)) };
}

function vec(values: readonly Dim[]): SymData | undefined {
  return values.length <= MAX_SYM_LENGTH ? { scalar: false, values } : undefined;
}

/** Element-wise arithmetic on known numbers; `x·1`, `x+0`, `x−0`, `x/1` keep symbols. */
function arith(op: string, a: Dim, b: Dim): Dim {
  switch (op) {
    case 'Add': return dimAdd(a, b);
    case 'Mul': return dimMul(a, b);
    case 'Sub': return b === 0 ? a : typeof a === 'number' && typeof b === 'number' ? a - b : undefined;
    case 'Div': return b === 1 ? a : typeof a === 'number' && typeof b === 'number' && b !== 0 ? Math.trunc(a / b) : undefined;
    case 'Max': return typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : a === b ? a : undefined;
    case 'Min': return typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : a === b ? a : undefined;
    default: return undefined;
  }
}

const binary: DataRule = (c) => {
  const a = c.data(0);
  const b = c.data(1);
  if (a === undefined || b === undefined || c.node.inputs.length !== 2) return undefined;
  const n = Math.max(a.values.length, b.values.length);
  if ((a.values.length !== n && a.values.length !== 1) || (b.values.length !== n && b.values.length !== 1)) return undefined;
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) out.push(arith(c.node.opType, a.values[a.values.length === 1 ? 0 : i], b.values[b.values.length === 1 ? 0 : i]));
  return { scalar: a.scalar && b.scalar, values: out };
};

const shape: DataRule = (c) => {
  const s = c.shape(0);
  if (s === undefined) return undefined;
  const [a, b] = shapeRange(c, s.length);
  return vec(s.slice(a, b));
};

const gather: DataRule = (c) => {
  const d = c.data(0);
  const idxTensor = c.tensor(1);
  const idx = constInts(c, 1);
  if (d === undefined || d.scalar || idx === undefined || normAxis(c.node.getInt('axis', 0), 1) !== 0) return undefined;
  const out: Dim[] = [];
  for (const i of idx) {
    const k = normAxis(i, d.values.length);
    if (k === undefined) return undefined;
    out.push(d.values[k]);
  }
  const scalar = idxTensor !== undefined ? idxTensor.dims.length === 0 : c.data(1)?.scalar === true;
  return { scalar, values: out };
};

const slice: DataRule = (c) => {
  const d = c.data(0);
  if (d === undefined || d.scalar) return undefined;
  const starts = c.opset < 10 ? c.node.getInts('starts') : constInts(c, 1);
  const ends = c.opset < 10 ? c.node.getInts('ends') : constInts(c, 2);
  const steps = c.opset >= 10 && c.has(4) ? constInts(c, 4) : [1];
  const axes = c.opset < 10 ? c.node.getInts('axes') ?? [0] : c.has(3) ? constInts(c, 3) : [0];
  if (starts?.length !== 1 || ends?.length !== 1 || steps?.length !== 1 || axes?.length !== 1 || normAxis(axes[0]!, 1) !== 0) return undefined;
  const n = d.values.length;
  const step = steps[0]!;
  if (step === 0) return undefined;
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: Dim[] = [];
  if (step > 0) {
    for (let i = clamp(starts[0]!, 0, n), e = clamp(ends[0]!, 0, n); i < e; i += step) out.push(d.values[i]);
  } else {
    for (let i = clamp(starts[0]!, 0, n - 1), e = clamp(ends[0]!, -1, n - 1); i > e; i += step) out.push(d.values[i]);
  }
  return vec(out);
};

const concat: DataRule = (c) => {
  const out: Dim[] = [];
  for (let i = 0; i < c.inputCount; i++) {
    if (!c.has(i)) continue;
    const d = c.data(i);
    if (d === undefined || d.scalar) return undefined;
    out.push(...d.values);
  }
  return vec(out);
};

const INT_TARGETS = new Set<number>([DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8, DataType.UINT64, DataType.UINT32]);

/** Rules by op type (ONNX domain). */
export const dataRules: ReadonlyMap<string, DataRule> = new Map<string, DataRule>([
  ['Shape', shape],
  ['Size', (c) => {
    const s = c.shape(0);
    if (s === undefined) return undefined;
    let p: Dim = 1;
    for (const d of s) p = dimMul(p, d);
    return { scalar: true, values: [p] };
  }],
  ['Gather', gather], ['Slice', slice], ['Concat', concat],
  ['Identity', (c) => c.data(0)],
  ['Cast', (c) => (INT_TARGETS.has(castTarget(c.node) ?? -1) ? c.data(0) : undefined)],
  ['Unsqueeze', (c) => {
    const d = c.data(0);
    return d?.scalar === true ? { scalar: false, values: d.values } : undefined;
  }],
  ['Squeeze', (c) => {
    const d = c.data(0);
    return d !== undefined && !d.scalar && d.values.length === 1 ? { scalar: true, values: d.values } : undefined;
  }],
  ['Reshape', (c) => {
    const d = c.data(0);
    const target = constInts(c, 1);
    if (d === undefined || target === undefined || target.length > 1) return undefined;
    if (target.length === 0) return d.values.length === 1 ? { scalar: true, values: d.values } : undefined;
    return { scalar: false, values: d.values };
  }],
  ['Neg', (c) => {
    const d = c.data(0);
    return d === undefined ? undefined : { scalar: d.scalar, values: d.values.map((v) => (typeof v === 'number' ? -v : undefined)) };
  }],
  ['Add', binary], ['Sub', binary], ['Mul', binary], ['Div', binary], ['Max', binary], ['Min', binary],
  ['ConstantOfShape', (c) => {
    const n = c.data(0)?.values;
    const fill = c.node.getTensor('value');
    if (n?.length !== 1 || typeof n[0] !== 'number' || n[0] > MAX_SYM_LENGTH) return undefined;
    const v = fill === undefined ? 0 : tensorData(fill)?.values[0];
    return v === undefined ? undefined : { scalar: false, values: Array.from({ length: n[0] }, () => v) };
  }],
]);

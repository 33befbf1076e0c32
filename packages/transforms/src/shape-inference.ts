import { DataType, isIntegerType, tensorToFloat64, type Dim, type Node, type Tensor } from '@mixprec/ir';

/**
 * The vocabulary of shape inference: what a rule sees of a node's inputs, and the dim algebra
 * (broadcasting, products, merges) shared by the rules in `shape-rules/`.
 *
 * A shape is `readonly Dim[]`: a number (`dim_value`), a symbol (`dim_param`, e.g. `N`), or
 * `undefined` (unknown). A rule returns one shape per output, `undefined` for an output whose
 * rank is unknown. Symbols flow through unchanged (`N` stays `N`); arithmetic on symbols gives
 * an unknown dim, except where the result is provably the symbol (`N·1`, `N+0`).
 */

/**
 * The value of a small integer tensor of rank 0 or 1 known element by element (ONNX "data
 * propagation"): e.g. `Shape(x)` of `x: float[N,3]` is `[N, 3]`. Elements may be symbols or
 * unknown; `scalar` marks a rank-0 tensor (one element).
 */
export interface SymData {
  readonly scalar: boolean;
  readonly values: readonly Dim[];
}

/** Longest integer vector tracked by data propagation. */
export const MAX_SYM_LENGTH = 64;

/** What a shape rule may ask about the node it infers. */
export interface ShapeContext {
  readonly node: Node;
  /** Opset version of the node's domain. */
  readonly opset: number;
  /** Number of input slots (omitted optional inputs count as absent). */
  readonly inputCount: number;
  /** Whether input `i` is present. */
  has(i: number): boolean;
  /** Input `i`'s tensor shape, or undefined when unknown, absent or not a tensor. */
  shape(i: number): readonly Dim[] | undefined;
  /** Input `i`'s element type. */
  dtype(i: number): DataType | undefined;
  /** Input `i`'s value when it is a known constant. */
  tensor(i: number): Tensor | undefined;
  /** Input `i`'s value element by element (constants and data propagation), symbols included. */
  data(i: number): SymData | undefined;
}

/** Shapes of a node's outputs (by output index); `undefined` entries are unknown. */
export type OutputShapes = readonly (readonly Dim[] | undefined)[];

/** A shape rule: the output shapes of one op type, or undefined when nothing can be said. */
export type ShapeRule = (c: ShapeContext) => OutputShapes | undefined;

/** Input `i`'s values as plain numbers when every element is a known number. */
export function constInts(c: ShapeContext, i: number): number[] | undefined {
  const d = c.data(i);
  if (d !== undefined) {
    const out: number[] = [];
    for (const v of d.values) {
      if (typeof v !== 'number') return undefined;
      out.push(v);
    }
    return out;
  }
  const t = c.tensor(i);
  if (t === undefined || t.size > 1 << 16 || !isIntegerType(t.dtype)) return undefined;
  return Array.from(tensorToFloat64(t));
}

/** Input `i`'s values as numbers (any numeric type, e.g. Resize scales), when constant. */
export function constNumbers(c: ShapeContext, i: number): number[] | undefined {
  const t = c.tensor(i);
  if (t !== undefined) {
    if (t.size > 1 << 16 || t.dtype === DataType.STRING) return undefined;
    try {
      return Array.from(tensorToFloat64(t));
    } catch {
      return undefined;
    }
  }
  return constInts(c, i);
}

/** One scalar constant (or a one-element tensor) of input `i`. */
export function constScalar(c: ShapeContext, i: number): number | undefined {
  const v = constNumbers(c, i);
  return v !== undefined && v.length === 1 ? v[0] : undefined;
}

/** `axis` normalised into [0, rank), or undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}

/** A shape of `rank` unknown dims. */
export function unknownDims(rank: number): Dim[] {
  return Array.from({ length: rank }, () => undefined);
}

/** `a·b`: exact for numbers, the symbol when the other factor is 1, else unknown. */
export function dimMul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === 0 || b === 0) return 0;
  return undefined;
}

/** `a+b`: exact for numbers, the symbol when the other term is 0, else unknown. */
export function dimAdd(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  return undefined;
}

/** Product of dims (1 for none); unknown as soon as a non-unit factor is not a number. */
export function dimProduct(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = dimMul(p, d);
  return p;
}

/**
 * Two dims that must be equal (Concat's other axes, Add of equal shapes): a number beats a
 * symbol, a symbol beats unknown; two different symbols give the first.
 */
export function mergeDim(a: Dim, b: Dim): Dim {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === 'number') return a;
  return typeof b === 'number' ? b : a;
}

/**
 * Numpy broadcasting of two dims: 1 yields to the other; a number > 1 wins over a symbol or an
 * unknown (which can then only be 1 or that number); equal dims stay.
 */
export function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b); // invalid model; keep the larger
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return undefined;
}

/** Multidirectional (numpy) broadcasting of shapes; undefined when a rank is unknown. */
export function broadcastShapes(shapes: readonly (readonly Dim[] | undefined)[]): Dim[] | undefined {
  let rank = 0;
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k];
    if (s === undefined) return undefined;
    if (s.length > rank) rank = s.length;
  }
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) out.push(1);
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k]!;
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) out[off + i] = broadcastDim(out[off + i], s[i]);
  }
  return out;
}

/**
 * Output size of a sliding window along one axis (Conv and pooling; ONNX `convPoolShapeInference`):
 * `floor((in + padTotal − ((k−1)·dil + 1)) / stride) + 1`, with `ceil` for `ceilMode`.
 */
export function windowOutput(input: Dim, kernel: number, stride: number, dilation: number, padTotal: number, ceilMode: boolean): Dim {
  if (typeof input !== 'number') return undefined;
  const effective = (kernel - 1) * dilation + 1;
  const span = input + padTotal - effective;
  if (span < 0 || stride <= 0) return undefined;
  return (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

/** `ceil(a / b)` of a dim by a positive number (SAME auto-padding); symbols give unknown unless b is 1. */
export function dimCeilDiv(a: Dim, b: number): Dim {
  if (b === 1) return a;
  return typeof a === 'number' ? Math.ceil(a / b) : undefined;
}

/** The result of one output as a rule's answer. */
export function single(shape: readonly Dim[] | undefined): OutputShapes {
  return [shape];
}

/**
 * Probe cases: a minimal model around one ONNX op, built for a float type `F` under test
 * (FLOAT16 or BFLOAT16) and, as the control, for FLOAT. A case whose FLOAT control does not load
 * and run in onnxruntime is a broken case, not a measurement.
 */
import { DataType, getOpSchema, inputAdmits, type Attr, type GraphBuilder, type Value } from '@mixprec/ir';

/** Where a case is built: the op's schema version, the model's opset and the float type. */
export interface Ctx {
  readonly op: string;
  /** since_version of the schema the node resolves to at `opset`. */
  readonly since: number;
  readonly opset: number;
  /** The float type under test (FLOAT for the control). */
  readonly F: DataType;
}

/** One graph input: dtype, dims and (for non-float inputs) values. */
export interface In {
  readonly dt: DataType;
  readonly dims: readonly number[];
  readonly values?: readonly number[];
}

/** A minimal model: one node (or a short chain built by `build`), every input a graph input. */
export interface Case {
  /** Variant label, e.g. `reduction=add`; the table keys conditioned results by it. */
  readonly label?: string;
  /** The attribute a variant depends on (`{ attr: 'reduction', value: 'add' }`). */
  readonly when?: { readonly attr: string; readonly value: string };
  /** Inputs in order; `undefined` = an omitted optional input. */
  readonly inputs: readonly (In | undefined)[];
  /** Output count (default 1) or presence per output (false = omitted optional output). */
  readonly outputs?: number | readonly boolean[];
  readonly attrs?: Readonly<Record<string, Attr>>;
  /** Custom builder (subgraphs, sequences): gets the graph inputs, returns the graph outputs. */
  readonly build?: (b: GraphBuilder, inputs: readonly Value[]) => readonly Value[];
  /** False when the outputs cannot match the control's (random ops, bit casts). */
  readonly compare?: boolean;
}

/** Cases of one op at one context; `undefined` = the generic case from the schema. */
export type CaseFn = (c: Ctx) => Case | readonly Case[] | undefined;

export const I64 = DataType.INT64;
export const BOOL = DataType.BOOL;
export const U8 = DataType.UINT8;
export const FLOAT = DataType.FLOAT;

/** A float input of the type under test. */
export function f(c: Ctx, ...dims: number[]): In {
  return { dt: c.F, dims };
}

/** A float input with values. */
export function fv(c: Ctx, dims: readonly number[], values: readonly number[]): In {
  return { dt: c.F, dims, values };
}

/** An int64 input with values. */
export function i64(dims: readonly number[], values: readonly number[]): In {
  return { dt: I64, dims, values };
}

/** An int64 scalar. */
export function s64(v: number): In {
  return { dt: I64, dims: [], values: [v] };
}

/** A typed input with values. */
export function t(dt: DataType, dims: readonly number[], values?: readonly number[]): In {
  return values === undefined ? { dt, dims } : { dt, dims, values };
}

/**
 * A float input of the type under test where the schema admits it at input `i`, FLOAT where it
 * does not (e.g. Bernoulli-15 reads float16/float/double but writes bfloat16).
 */
export function fIf(c: Ctx, i: number, ...dims: number[]): In {
  const s = getOpSchema('', c.op, c.opset);
  return { dt: s !== undefined && inputAdmits(s, i, c.F) ? c.F : DataType.FLOAT, dims };
}

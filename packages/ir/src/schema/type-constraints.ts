import type { DataType } from '../data-type.js';
import type { ValueType } from '../value-type.js';
import { getOpSchema, type FormalParam, type OpSchema } from './op-schema.js';
import { canonicalTypeString, typeStringOf } from './type-string.js';

/**
 * Questions about an operator schema's type constraints, asked per actual input/output index
 * (the index into `node.inputs` / `node.outputs`). Variadic parameters are mapped with
 * {@link formalInputIndex}. Type binding follows the ONNX checker: every actual value whose
 * formal parameter names a type parameter and is homogeneous binds that parameter, so all of
 * them must have one type; each value of a heterogeneous variadic is checked on its own.
 */

function formalIndex(params: readonly FormalParam[], actual: number): number | undefined {
  if (!Number.isInteger(actual) || actual < 0 || params.length === 0) return undefined;
  if (actual < params.length - 1) return actual;
  const last = params.length - 1;
  if (actual === last || params[last]!.option === 'variadic') return last;
  return undefined;
}

/** The formal input that actual input `actualIndex` belongs to (variadics absorb the tail); undefined past the end. */
export function formalInputIndex(schema: OpSchema, actualIndex: number): number | undefined {
  return formalIndex(schema.inputs, actualIndex);
}

/** The formal output that actual output `actualIndex` belongs to; undefined past the end. */
export function formalOutputIndex(schema: OpSchema, actualIndex: number): number | undefined {
  return formalIndex(schema.outputs, actualIndex);
}

/** The formal parameter of actual input `i`. */
export function inputParam(schema: OpSchema, i: number): FormalParam | undefined {
  const f = formalInputIndex(schema, i);
  return f === undefined ? undefined : schema.inputs[f];
}

/** The formal parameter of actual output `i`. */
export function outputParam(schema: OpSchema, i: number): FormalParam | undefined {
  const f = formalOutputIndex(schema, i);
  return f === undefined ? undefined : schema.outputs[f];
}

function paramOf(schema: OpSchema, p: FormalParam | undefined): string | undefined {
  return p !== undefined && schema.typeConstraints.has(p.typeStr) ? p.typeStr : undefined;
}

/** The type parameter (e.g. `T1`) of actual input `i`; undefined when its type is fixed (`tensor(float)`) or `i` is out of range. */
export function inputTypeParam(schema: OpSchema, i: number): string | undefined {
  return paramOf(schema, inputParam(schema, i));
}

/** The type parameter of actual output `i`; undefined when its type is fixed or `i` is out of range. */
export function outputTypeParam(schema: OpSchema, i: number): string | undefined {
  return paramOf(schema, outputParam(schema, i));
}

function allowedFor(schema: OpSchema, p: FormalParam | undefined): readonly string[] {
  if (p === undefined) return [];
  return schema.typeConstraints.get(p.typeStr) ?? [p.typeStr];
}

/** The type strings actual input `i` may have (the constraint's list, or the one fixed type); [] out of range. */
export function allowedInputTypes(schema: OpSchema, i: number): readonly string[] {
  return allowedFor(schema, inputParam(schema, i));
}

/** The type strings actual output `i` may have; [] out of range. */
export function allowedOutputTypes(schema: OpSchema, i: number): readonly string[] {
  return allowedFor(schema, outputParam(schema, i));
}

/** A type as a type string: a DataType means a tensor of it; strings are taken as type strings. */
function asTypeString(t: DataType | ValueType | string): string | undefined {
  return typeof t === 'string' ? canonicalTypeString(t) : typeStringOf(t);
}

/**
 * Whether actual input `i` admits a value of type `t`: a DataType means a tensor of that element
 * type (`inputAdmits(s, 0, DataType.FLOAT16)`); a ValueType or a type string may also name a
 * sequence, optional, map or sparse tensor.
 */
export function inputAdmits(schema: OpSchema, i: number, t: DataType | ValueType | string): boolean {
  const s = asTypeString(t);
  return s !== undefined && allowedInputTypes(schema, i).includes(s);
}

/** Whether actual output `i` admits a value of type `t` (as {@link inputAdmits}). */
export function outputAdmits(schema: OpSchema, i: number, t: DataType | ValueType | string): boolean {
  const s = asTypeString(t);
  return s !== undefined && allowedOutputTypes(schema, i).includes(s);
}

/** The formal inputs and outputs that name one type parameter. */
export interface TypeParamBinding {
  readonly param: string;
  /** Formal input indices whose type is `param`. */
  readonly inputs: readonly number[];
  /** Formal output indices whose type is `param` (empty: the output type comes from elsewhere, e.g. Cast's `to`). */
  readonly outputs: readonly number[];
  /** False when `param` is the type of a heterogeneous variadic: its values do not share one type. */
  readonly homogeneous: boolean;
  readonly allowed: readonly string[];
}

/** Every formal input/output typed by `param`; undefined when the schema has no such type parameter. */
export function typeParamBinding(schema: OpSchema, param: string): TypeParamBinding | undefined {
  const allowed = schema.typeConstraints.get(param);
  if (allowed === undefined) return undefined;
  const inputs: number[] = [];
  const outputs: number[] = [];
  let homogeneous = true;
  schema.inputs.forEach((p, k) => {
    if (p.typeStr !== param) return;
    inputs.push(k);
    homogeneous &&= p.homogeneous;
  });
  schema.outputs.forEach((p, k) => {
    if (p.typeStr !== param) return;
    outputs.push(k);
    homogeneous &&= p.homogeneous;
  });
  return { param, inputs, outputs, homogeneous, allowed };
}

/**
 * The formal inputs and outputs bound to the same type parameter as actual input `i` (so they
 * must get one dtype, e.g. Clip's `input`, `min`, `max` and output). Undefined when input `i` has
 * a fixed type or is out of range.
 */
export function inputsSharingTypeParam(schema: OpSchema, i: number): TypeParamBinding | undefined {
  const param = inputTypeParam(schema, i);
  return param === undefined ? undefined : typeParamBinding(schema, param);
}

/** As {@link inputsSharingTypeParam}, for actual output `i` (what the output's dtype is bound to). */
export function outputsSharingTypeParam(schema: OpSchema, i: number): TypeParamBinding | undefined {
  const param = outputTypeParam(schema, i);
  return param === undefined ? undefined : typeParamBinding(schema, param);
}

/** Actual inputs and outputs of one node that must all have one type. */
export interface TypeGroup {
  readonly param: string;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly allowed: readonly string[];
}

/**
 * The type groups of a node with `inputCount` inputs and `outputCount` outputs under `schema`:
 * one group per type parameter bound by homogeneous parameters, in constraint order, listing
 * actual indices. Values of heterogeneous variadics belong to no group (each is free).
 */
export function typeParamGroups(schema: OpSchema, inputCount: number, outputCount: number): readonly TypeGroup[] {
  const groups: TypeGroup[] = [];
  for (const [param, allowed] of schema.typeConstraints) {
    const inputs: number[] = [];
    const outputs: number[] = [];
    for (let i = 0; i < inputCount; i++) {
      const p = inputParam(schema, i);
      if (p !== undefined && p.homogeneous && p.typeStr === param) inputs.push(i);
    }
    for (let o = 0; o < outputCount; o++) {
      const p = outputParam(schema, o);
      if (p !== undefined && p.homogeneous && p.typeStr === param) outputs.push(o);
    }
    if (inputs.length + outputs.length > 0) groups.push({ param, inputs, outputs, allowed });
  }
  return groups;
}

/**
 * Whether `opType` of `domain` at `opset` has an input that admits a tensor of `dtype` (for a
 * float type: whether the op can take FLOAT16/BFLOAT16 data at all). False when the op has no
 * schema here (unknown op, or a non-ONNX domain): callers should treat that as "no".
 */
export function opSupportsType(domain: string, opType: string, opset: number, dtype: DataType): boolean {
  const schema = getOpSchema(domain, opType, opset);
  if (schema === undefined) return false;
  const s = typeStringOf(dtype);
  return schema.inputs.some((p) => (schema.typeConstraints.get(p.typeStr) ?? [p.typeStr]).includes(s));
}

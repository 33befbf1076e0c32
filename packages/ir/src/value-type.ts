import type { DataType } from './data-type.js';

/**
 * One dimension of a tensor shape: a fixed size (`dim_value`), a symbolic name
 * (`dim_param`), or unknown (`undefined`, neither field set).
 */
export type Dim = number | string | undefined;

/** The type of a tensor value: element type and, when known, its shape. */
export interface TensorType {
  readonly kind: 'tensor';
  /** Element type; a plain number when the dtype is newer than this IR knows. */
  readonly dtype: DataType;
  /** `undefined` means the rank is unknown. */
  readonly shape?: readonly Dim[];
  /** `TypeProto.denotation`, kept for lossless round trips. */
  readonly denotation?: string;
  /** Per-dimension `denotation`, when any is set. */
  readonly dimDenotations?: readonly (string | undefined)[];
}

export interface SparseTensorType {
  readonly kind: 'sparse_tensor';
  readonly dtype: DataType;
  readonly shape?: readonly Dim[];
  readonly denotation?: string;
  readonly dimDenotations?: readonly (string | undefined)[];
}

export interface SequenceType {
  readonly kind: 'sequence';
  /** Undefined when the element type is not given. */
  readonly elem: ValueType | undefined;
  readonly denotation?: string;
}

export interface MapType {
  readonly kind: 'map';
  readonly keyType: DataType;
  readonly valueType: ValueType | undefined;
  readonly denotation?: string;
}

export interface OptionalType {
  readonly kind: 'optional';
  readonly elem: ValueType | undefined;
  readonly denotation?: string;
}

export interface OpaqueType {
  readonly kind: 'opaque';
  readonly domain: string;
  readonly name: string;
  readonly denotation?: string;
}

/** The type of a value, mirroring ONNX `TypeProto`. */
export type ValueType = TensorType | SparseTensorType | SequenceType | MapType | OptionalType | OpaqueType;

/** A tensor type with the given dtype and (optional) shape. */
export function tensorType(dtype: DataType, shape?: readonly Dim[]): TensorType {
  return shape === undefined ? { kind: 'tensor', dtype } : { kind: 'tensor', dtype, shape: [...shape] };
}

/**
 * The tensor element type of a type, looking through sequences and optionals
 * (so a `seq(tensor(float))` value counts as float for mixed precision).
 */
export function elementDType(t: ValueType | undefined): DataType | undefined {
  if (t === undefined) return undefined;
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor':
      return t.dtype;
    case 'sequence':
    case 'optional':
      return elementDType(t.elem);
    default:
      return undefined;
  }
}

/** The same type with its (innermost) tensor element type replaced. */
export function withElementDType(t: ValueType, dtype: DataType): ValueType {
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor':
      return { ...t, dtype };
    case 'sequence':
    case 'optional':
      return t.elem === undefined ? t : { ...t, elem: withElementDType(t.elem, dtype) };
    case 'map':
      return t.valueType === undefined ? t : { ...t, valueType: withElementDType(t.valueType, dtype) };
    default:
      return t;
  }
}

/** Structural equality of two types (dims compared exactly; undefined equals undefined). */
export function typesEqual(a: ValueType | undefined, b: ValueType | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.kind !== b.kind || a.denotation !== b.denotation) return false;
  switch (a.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const bb = b as TensorType | SparseTensorType;
      return a.dtype === bb.dtype && shapesEqual(a.shape, bb.shape) && arraysEqual(a.dimDenotations, bb.dimDenotations);
    }
    case 'sequence':
    case 'optional':
      return typesEqual(a.elem, (b as SequenceType | OptionalType).elem);
    case 'map': {
      const bb = b as MapType;
      return a.keyType === bb.keyType && typesEqual(a.valueType, bb.valueType);
    }
    case 'opaque':
      return a.domain === (b as OpaqueType).domain && a.name === (b as OpaqueType).name;
  }
}

export function shapesEqual(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean {
  return arraysEqual(a, b);
}

function arraysEqual<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

import type { Graph } from './graph.js';
import type { SparseTensor } from './sparse-tensor.js';
import type { Tensor } from './tensor.js';
import type { ValueType } from './value-type.js';

/** ONNX `AttributeProto.AttributeType` names. */
export type AttrType =
  | 'FLOAT' | 'INT' | 'STRING' | 'TENSOR' | 'GRAPH' | 'SPARSE_TENSOR' | 'TYPE_PROTO'
  | 'FLOATS' | 'INTS' | 'STRINGS' | 'TENSORS' | 'GRAPHS' | 'SPARSE_TENSORS' | 'TYPE_PROTOS' | 'UNDEFINED';

/**
 * An integer attribute value: a number when it is a safe integer, else an exact bigint
 * (e.g. INT64_MAX used as "to the end" in Slice-1 `ends`). Read with {@link toNumber}.
 */
export type AttrInt = number | bigint;

interface AttrBase {
  /** Set inside function bodies: the attribute takes the value of the caller's attribute. */
  readonly refAttrName?: string;
  readonly docString?: string;
}

/**
 * An attribute value; the name is the key in `Node.attributes`.
 * STRING values are text when the bytes are valid UTF-8, otherwise the exact bytes.
 */
export type Attr = AttrBase & (
  | { readonly type: 'FLOAT'; readonly value: number }
  | { readonly type: 'INT'; readonly value: AttrInt }
  | { readonly type: 'STRING'; readonly value: string | Uint8Array }
  | { readonly type: 'TENSOR'; readonly value: Tensor }
  | { readonly type: 'GRAPH'; readonly value: Graph }
  | { readonly type: 'SPARSE_TENSOR'; readonly value: SparseTensor }
  | { readonly type: 'TYPE_PROTO'; readonly value: ValueType }
  | { readonly type: 'FLOATS'; readonly value: readonly number[] }
  | { readonly type: 'INTS'; readonly value: readonly AttrInt[] }
  | { readonly type: 'STRINGS'; readonly value: readonly (string | Uint8Array)[] }
  | { readonly type: 'TENSORS'; readonly value: readonly Tensor[] }
  | { readonly type: 'GRAPHS'; readonly value: readonly Graph[] }
  | { readonly type: 'SPARSE_TENSORS'; readonly value: readonly SparseTensor[] }
  | { readonly type: 'TYPE_PROTOS'; readonly value: readonly ValueType[] }
  | { readonly type: 'UNDEFINED'; readonly value: undefined }
);

/** A number from an {@link AttrInt} (bigints beyond ±2^53 become the nearest double). */
export function toNumber(v: AttrInt): number {
  return typeof v === 'number' ? v : Number(v);
}

/** An {@link AttrInt} from a bigint: a number when it is safe. */
export function fromBigInt(v: bigint): AttrInt {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export const attr = {
  float: (value: number): Attr => ({ type: 'FLOAT', value: Math.fround(value) }),
  int: (value: AttrInt): Attr => ({ type: 'INT', value }),
  string: (value: string): Attr => ({ type: 'STRING', value }),
  tensor: (value: Tensor): Attr => ({ type: 'TENSOR', value }),
  graph: (value: Graph): Attr => ({ type: 'GRAPH', value }),
  floats: (value: readonly number[]): Attr => ({ type: 'FLOATS', value: value.map(Math.fround) }),
  ints: (value: readonly AttrInt[]): Attr => ({ type: 'INTS', value: [...value] }),
  strings: (value: readonly string[]): Attr => ({ type: 'STRINGS', value: [...value] }),
  graphs: (value: readonly Graph[]): Attr => ({ type: 'GRAPHS', value: [...value] }),
  typeProto: (value: ValueType): Attr => ({ type: 'TYPE_PROTO', value }),
} as const;

/** The graphs held by an attribute (GRAPH or GRAPHS), else an empty list. */
export function attrGraphs(a: Attr): readonly Graph[] {
  if (a.type === 'GRAPH') return [a.value];
  if (a.type === 'GRAPHS') return a.value;
  return [];
}

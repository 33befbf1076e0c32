/**
 * The only module that touches the generated protobuf code (`generated/onnx.cjs`, built from
 * `schema/onnx.proto` by `npm run generate`). It re-exports the message classes and converts
 * protobufjs int64 values (`Long | number`) to and from plain numbers and bigints.
 */
import { createRequire } from 'node:module';
import type * as Generated from '../generated/onnx.cjs';
import type { onnx as O } from '../generated/onnx.cjs';
import { checkWireTypes } from './wire-check.js';

// Loaded with require, not import: an ESM import of a CommonJS file makes Node scan the whole
// file (370 KB) for export names first, which costs 60-100 ms at every start of the CLI.
const generated = createRequire(import.meta.url)('../generated/onnx.cjs') as typeof Generated;

export const onnx = generated.onnx;
export type { O };

export type ModelProto = O.ModelProto;
export type GraphProto = O.GraphProto;
export type NodeProto = O.NodeProto;
export type AttributeProto = O.AttributeProto;
export type TensorProto = O.TensorProto;
export type SparseTensorProto = O.SparseTensorProto;
export type TypeProto = O.TypeProto;
export type ValueInfoProto = O.ValueInfoProto;
export type FunctionProto = O.FunctionProto;
export type StringStringEntryProto = O.StringStringEntryProto;
export type IModelProto = O.IModelProto;
export type IGraphProto = O.IGraphProto;
export type INodeProto = O.INodeProto;
export type IAttributeProto = O.IAttributeProto;
export type ITensorProto = O.ITensorProto;
export type ISparseTensorProto = O.ISparseTensorProto;
export type ITypeProto = O.ITypeProto;
export type IValueInfoProto = O.IValueInfoProto;
export type IFunctionProto = O.IFunctionProto;
export type IStringStringEntryProto = O.IStringStringEntryProto;
export type IOperatorSetIdProto = O.IOperatorSetIdProto;
export type ITensorShapeProto = O.ITensorShapeProto;

/** An int64 as protobufjs gives it: a Long-like object or a number. */
export type ProtoInt64 = number | { readonly low: number; readonly high: number; readonly unsigned?: boolean };

/** An int64 field as an exact bigint (`unsigned` for uint64 fields). */
export function int64ToBigInt(v: ProtoInt64 | null | undefined, unsigned = false): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'number') return unsigned ? BigInt.asUintN(64, BigInt(v)) : BigInt(v);
  const b = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? b : BigInt.asIntN(64, b);
}

/** An int64 field as a number when it is a safe integer, else a bigint. */
export function int64ToNumberOrBigInt(v: ProtoInt64 | null | undefined): number | bigint {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const hi = v.high | 0;
  const lo = v.low >>> 0;
  // Safe when the value fits in 53 bits (high word in [-2^21, 2^21)).
  if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
  return int64ToBigInt(v);
}

/** An int64 as the generated code's field types spell it (`number | Long`). */
export type PbInt64 = NonNullable<O.IModelProto['irVersion']>;

/**
 * A bigint (or number) as a value protobufjs encodes as int64/uint64: a number when safe,
 * else a Long-like `{ low, high }` (protobufjs reads only those two fields when encoding).
 */
export function toProtoInt64(v: number | bigint, unsigned = false): PbInt64 {
  if (typeof v === 'number' && Number.isSafeInteger(v) && (!unsigned || v >= 0)) return v;
  const b = BigInt.asUintN(64, BigInt(v));
  return { low: Number(b & 0xffffffffn) | 0, high: Number(b >> 32n) | 0, unsigned } as unknown as PbInt64;
}

/**
 * Decodes a ModelProto; throws on malformed input (callers turn that into a typed error),
 * including fields whose wire type their declared type cannot have (see wire-check.ts).
 */
export function decodeModelProto(bytes: Uint8Array): ModelProto {
  const problem = checkWireTypes(bytes, 'ModelProto');
  if (problem !== undefined) throw new Error(problem);
  return onnx.ModelProto.decode(bytes);
}

/** Decodes a TensorProto (e.g. a `test_data_set_N/input_N.pb` file), checked like a model. */
export function decodeTensorProto(bytes: Uint8Array): TensorProto {
  const problem = checkWireTypes(bytes, 'TensorProto');
  if (problem !== undefined) throw new Error(problem);
  return onnx.TensorProto.decode(bytes);
}

import { expect } from 'chai';
import type { Model } from '@mixprec/ir';
import { decodeModel, encodeModel, formatLoadError, type DecodeOptions } from '../src/index.js';
import { onnx, toProtoInt64, type IModelProto, type ModelProto, type PbInt64 } from '../src/proto.js';

/** Encodes a ModelProto given as a plain object (with the package's own generated code). */
export function protoBytes(m: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}

/** A decoded model as a plain object (int64 as strings, bytes as base64), for deep comparison. */
export function protoObject(bytes: Uint8Array): Record<string, unknown> {
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes) as ModelProto, { longs: String, bytes: String });
}

/** Loads bytes and fails the test with the formatted error when loading fails. */
export function mustDecode(bytes: Uint8Array, options?: DecodeOptions): Model {
  const r = decodeModel(bytes, options);
  if (r._tag === 'Left') expect.fail(formatLoadError(r.left));
  return r.right;
}

/** Asserts that load → encode gives the same message (field by field, and byte for byte). */
export function expectLosslessRoundTrip(bytes: Uint8Array): Model {
  const m = mustDecode(bytes);
  const out = encodeModel(m);
  expect(protoObject(out)).to.deep.equal(protoObject(bytes));
  expect(Buffer.from(out).equals(Buffer.from(bytes)), 'byte-identical re-encoding').to.equal(true);
  return m;
}

/** A `tensor(elem)[dims]` TypeProto object. */
export function tensorTypeProto(elemType: number, dims?: (number | string | null)[]): Record<string, unknown> {
  return {
    tensorType: {
      elemType,
      ...(dims === undefined ? {} : { shape: { dim: dims.map((d) => (d === null ? {} : typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } }),
    },
  };
}

/** A graph-input/output ValueInfoProto object. */
export function vi(name: string, elemType: number, dims?: (number | string | null)[]): Record<string, unknown> {
  return { name, type: tensorTypeProto(elemType, dims) };
}

/** Little-endian bytes of a Float32Array. */
export function f32Bytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** An int64 literal beyond 2^53 for protobufjs objects. */
export function i64(decimal: string): PbInt64 {
  return toProtoInt64(BigInt(decimal));
}

/** A protobuf varint's bytes (non-negative integers below 2^53). */
export function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

import { DataType, isKnownDataType, type SparseTensor, type Tensor } from '@mixprec/ir';
import { EXTRAS, getExtra, presentSet } from './extras.js';
import { ExternalRangeSource } from './external-data.js';
import { entriesToProto } from './metadata.js';
import { lengthHeader, Seq, type Deferred, type Part, joinParts } from './pieces.js';
import { onnx, toProtoInt64, type ISparseTensorProto, type ITensorProto } from './proto.js';
import { fieldFor } from './tensor-decode.js';

/** Tensors whose payload is at least this big are framed by hand instead of copied by protobufjs. */
export const STREAM_THRESHOLD = 64 * 1024;

/** Where the external-data writer put a tensor. */
export interface ExternalPlacement {
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

/** Decides and records external placement of initializer tensors (see the saver). */
export interface ExternalSink {
  /** Places `t` in the data file and returns where, or undefined to keep it inline. */
  place(t: Tensor): ExternalPlacement | undefined;
}

/** The fields of a TensorProto other than its values. */
function header(t: Tensor, name: string | undefined): ITensorProto {
  const present = presentSet(t.meta.extras);
  const out: ITensorProto = { dims: t.dims.map((d) => toProtoInt64(d)) };
  if (t.dtype !== 0 || present.has('dataType')) out.dataType = t.dtype;
  const seg = getExtra<(string | null)[]>(t.meta.extras, EXTRAS.segment);
  if (seg !== undefined) {
    out.segment = {
      ...(seg[0] != null ? { begin: toProtoInt64(BigInt(seg[0])) } : {}),
      ...(seg[1] != null ? { end: toProtoInt64(BigInt(seg[1])) } : {}),
    };
  }
  const n = name ?? t.meta.name;
  if (n !== undefined) out.name = n;
  if (t.meta.docString !== undefined) out.docString = t.meta.docString;
  if (present.has('dataLocation')) out.dataLocation = 0;
  if (t.meta.metadataProps !== undefined && t.meta.metadataProps.length > 0) out.metadataProps = entriesToProto(t.meta.metadataProps);
  return out;
}

/** How the values are written: typed fields, raw bytes or nothing (empty, no storage given). */
export function storageOf(t: Tensor): 'fields' | 'raw' | 'none' {
  if (t.dtype === DataType.STRING) return t.size === 0 && t.meta.storage === undefined ? 'none' : 'fields';
  if (t.meta.storage === 'fields' && isKnownDataType(t.dtype) && !t.isLazy) return 'fields';
  if (t.meta.storage === undefined && t.byteLength === 0) return 'none';
  return 'raw';
}

/** The typed-field values of a tensor, as protobufjs takes them. */
function fieldValues(t: Tensor): ITensorProto {
  const field = fieldFor(t.dtype)!;
  const d = t.data;
  switch (field) {
    case 'int64Data': return { int64Data: Array.from(d as BigInt64Array, (x) => toProtoInt64(x)) };
    case 'uint64Data':
      return { uint64Data: d instanceof BigUint64Array ? Array.from(d, (x) => toProtoInt64(x, true)) : Array.from(d as Uint32Array) };
    case 'stringData': return { stringData: [...(d as readonly Uint8Array[])] };
    default: return { [field]: d as unknown as number[] };
  }
}

/** A whole TensorProto as a plain object (values included): for small tensors. */
export function tensorToProto(t: Tensor, name?: string): ITensorProto {
  const out = header(t, name);
  const s = storageOf(t);
  if (s === 'fields') Object.assign(out, fieldValues(t));
  else if (s === 'raw') out.rawData = t.rawBytes();
  return out;
}

const TENSOR_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  dims: 1, dataType: 2, segment: 3, name: 8, docString: 12, externalData: 13, dataLocation: 14, metadataProps: 16,
});

/** Encodes each set field of `obj` on its own, for joining with hand-framed fields. */
export function smallParts<T extends object>(obj: T, numbers: Readonly<Record<string, number>>, encode: (o: T) => Uint8Array): Part[] {
  const parts: Part[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    const no = numbers[k];
    if (no === undefined) throw new Error(`internal: no field number for '${k}'`);
    parts.push({ no, piece: encode({ [k]: v } as T) });
  }
  return parts;
}

const encodeTensor = (o: ITensorProto): Uint8Array => onnx.TensorProto.encode(o).finish();

/** Raw bytes of `t` as a deferred payload (lazy tensors are read only when written). */
export function rawPayload(t: Tensor): Deferred {
  const src = t.source;
  // Streaming sources (external data, converted weights) are copied in chunks: one tensor is
  // never whole in memory.
  if (src instanceof ExternalRangeSource) return { size: src.byteLength, emit: (write) => src.stream(write) };
  if (src?.readChunks !== undefined) return { size: src.byteLength, emit: (write) => src.readChunks!(write) };
  return {
    size: t.byteLength,
    emit(write) {
      write(t.rawBytes());
    },
  };
}

/**
 * The TensorProto message body of `t` as pieces: big raw payloads stay deferred, and with a
 * `sink` (initializers only) the tensor may go to the external-data file instead.
 */
export function tensorSeq(t: Tensor, name: string | undefined, sink?: ExternalSink): Seq {
  const placed = sink?.place(t);
  if (placed !== undefined) {
    const h = header(t, name);
    h.externalData = entriesToProto([['location', placed.location], ['offset', String(placed.offset)], ['length', String(placed.length)]]);
    h.dataLocation = 1;
    return new Seq().add(encodeTensor(h));
  }
  const s = storageOf(t);
  if (s === 'raw' && isBig(t)) {
    const parts = smallParts(header(t, name), TENSOR_FIELDS, encodeTensor);
    const raw = rawPayload(t);
    parts.push({ no: 9, piece: new Seq().add(lengthHeader(9, raw.size)).add(raw) });
    return joinParts(parts);
  }
  if (s === 'fields' && t.byteLength >= STREAM_THRESHOLD) {
    // Typed fields are varint-encoded: measure once now, encode again when written.
    const size = encodeTensor(tensorToProto(t, name)).length;
    return new Seq().add({ size, emit: (write) => write(encodeTensor(tensorToProto(t, name))) });
  }
  return new Seq().add(encodeTensor(tensorToProto(t, name)));
}

/** A SparseTensorProto body as pieces. */
export function sparseSeq(s: SparseTensor): Seq {
  const seq = new Seq();
  seq.field(1, tensorSeq(s.values, undefined));
  seq.field(2, tensorSeq(s.indices, undefined));
  if (s.dims.length > 0) seq.add(onnx.SparseTensorProto.encode({ dims: s.dims.map((d) => toProtoInt64(d)) }).finish());
  return seq;
}

/** A SparseTensorProto as a plain object (small sparse tensors). */
export function sparseToProto(s: SparseTensor): ISparseTensorProto {
  return { values: tensorToProto(s.values), indices: tensorToProto(s.indices), dims: s.dims.map((d) => toProtoInt64(d)) };
}

/** True for tensors framed by hand: big ones, and lazy ones (read only when written). */
export function isBig(t: Tensor): boolean {
  return t.isLazy || t.byteLength >= STREAM_THRESHOLD;
}

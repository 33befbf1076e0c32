/**
 * Hand encoders for the messages a big graph has one of per node or value: NodeProto (with
 * attributes encoded by protobufjs) and ValueInfoProto with a tensor type. They write into a
 * {@link Wire} the bytes protobufjs writes for the objects the generic path builds
 * (`nodeFields` + `attrToProto`, `valueInfoToProto`), without building those objects.
 */
import type { Attr, Dim, Node, Tensor, ValueType } from '@mixprec/ir';
import { attrToProto, type AttrRecords } from './attr-encode.js';
import { EXTRAS, getExtra } from './extras.js';
import { onnx } from './proto.js';
import { isBig, storageOf } from './tensor-encode.js';
import { fieldLength, utf8Length, varintLength, type Wire } from './wire.js';

/** Bytes of an int64/int32 value as protobufjs writes it (negative: 10 bytes). */
function int64Length(n: number): number {
  return n < 0 ? 10 : varintLength(n);
}

type TensorLike = Extract<ValueType, { kind: 'tensor' | 'sparse_tensor' }>;

function dimLength(d: Dim, den: string | undefined): number {
  let n = typeof d === 'number' ? 1 + int64Length(d) : typeof d === 'string' ? fieldLength(utf8Length(d)) : 0;
  if (den !== undefined) n += fieldLength(utf8Length(den));
  return n;
}

function shapeLength(shape: readonly Dim[], dens: readonly (string | undefined)[] | undefined): number {
  let n = 0;
  for (let i = 0; i < shape.length; i++) n += fieldLength(dimLength(shape[i], dens?.[i]));
  return n;
}

/** Bytes of a tensor TypeProto.Tensor / SparseTensor message with a shape of `shapeLength` bytes. */
function tensorTypeLength(t: TensorLike, shapeLength: number): number {
  return 1 + int64Length(t.dtype) + (t.shape === undefined ? 0 : fieldLength(shapeLength));
}

/** Bytes of a tensor TypeProto whose Tensor / SparseTensor message has `tensorLength` bytes. */
function typeLength(t: TensorLike, tensorLength: number): number {
  return fieldLength(tensorLength) + (t.denotation === undefined ? 0 : fieldLength(utf8Length(t.denotation)));
}

/** Writes a tensor TypeProto body; the lengths of its nested messages frame each level. */
function writeType(w: Wire, t: TensorLike, shapeLength: number, tensorLength: number): void {
  // TypeProto in field order: tensor_type (1), denotation (6), sparse_tensor_type (8).
  const sparse = t.kind === 'sparse_tensor';
  if (sparse && t.denotation !== undefined) w.string(6, t.denotation);
  w.tag(sparse ? 8 : 1, 2);
  w.varint(tensorLength);
  w.tag(1, 0);
  w.int64(t.dtype);
  if (t.shape !== undefined) {
    const dens = t.dimDenotations;
    w.tag(2, 2);
    w.varint(shapeLength);
    for (let i = 0; i < t.shape.length; i++) {
      const d = t.shape[i];
      const den = dens?.[i];
      w.tag(1, 2);
      w.varint(dimLength(d, den));
      if (typeof d === 'number') {
        w.tag(1, 0);
        w.int64(d);
      } else if (typeof d === 'string') {
        w.string(2, d);
      }
      if (den !== undefined) w.string(3, den);
    }
  }
  if (!sparse && t.denotation !== undefined) w.string(6, t.denotation);
}

/**
 * Writes field `no` holding a ValueInfoProto { name, type, doc_string, metadata_props } and
 * returns true, or returns false (writing nothing) for types other than tensor and sparse
 * tensor types, which the caller encodes with protobufjs.
 */
export function writeValueInfo(
  w: Wire, no: number, name: string, type: ValueType | undefined, docString: string | undefined,
  metadata: readonly (readonly [string, string])[] | undefined,
): boolean {
  if (type !== undefined && type.kind !== 'tensor' && type.kind !== 'sparse_tensor') return false;
  let shapeLen = 0;
  let tensorLen = 0;
  let typeLen = 0;
  let len = fieldLength(utf8Length(name));
  if (type !== undefined) {
    shapeLen = type.shape === undefined ? 0 : shapeLength(type.shape, type.dimDenotations);
    tensorLen = tensorTypeLength(type, shapeLen);
    typeLen = typeLength(type, tensorLen);
    len += fieldLength(typeLen);
  }
  if (docString !== undefined) len += fieldLength(utf8Length(docString));
  if (metadata !== undefined) for (const [k, v] of metadata) len += fieldLength(fieldLength(utf8Length(k)) + fieldLength(utf8Length(v)));
  w.tag(no, 2);
  w.varint(len);
  w.string(1, name);
  if (type !== undefined) {
    w.tag(2, 2);
    w.varint(typeLen);
    writeType(w, type, shapeLen, tensorLen);
  }
  if (docString !== undefined) w.string(3, docString);
  if (metadata !== undefined) for (const [k, v] of metadata) {
    w.tag(4, 2);
    w.varint(fieldLength(utf8Length(k)) + fieldLength(utf8Length(v)));
    w.string(1, k);
    w.string(2, v);
  }
  return true;
}

const NO_ATTRS: AttrRecords = Object.freeze({ valueAbsent: new Set<string>(), declaredType: Object.freeze({}) });

/**
 * Writes a NodeProto body (no field header) for a node whose attributes are all light (no
 * graphs, no big or external tensors) and that has no device configurations, the fields in
 * protobufjs's order. `present` lists scalar fields written even when empty.
 */
export function writeNodeBody(w: Wire, n: Node, present: ReadonlySet<string>, rec: AttrRecords | undefined): void {
  for (const v of n.inputs) w.string(1, v?.name ?? '');
  for (const v of n.outputs) w.string(2, v.name);
  if (n.name !== '' || present.has('name')) w.string(3, n.name);
  if (n.opType !== '' || present.has('opType')) w.string(4, n.opType);
  if (n.attributes.size > 0) {
    const r = rec ?? NO_ATTRS;
    for (const [k, a] of n.attributes) w.bytes(5, encodeAttr(k, a, r));
  }
  if (n.docString !== undefined) w.string(6, n.docString);
  const spelled = getExtra<string>(n.extras, EXTRAS.domainSpelling);
  if (n.domain === '' && spelled !== undefined) w.string(7, spelled);
  else if (n.domain !== '' || present.has('domain')) w.string(7, n.domain);
  if (n.overload !== '' || present.has('overload')) w.string(8, n.overload);
  if (n.hasMetadata()) for (const [k, v] of n.metadataProps) {
    w.tag(9, 2);
    w.varint(fieldLength(utf8Length(k)) + fieldLength(utf8Length(v)));
    w.string(1, k);
    w.string(2, v);
  }
}

function encodeAttr(name: string, a: Attr, rec: AttrRecords): Uint8Array {
  return onnx.AttributeProto.encode(attrToProto(name, a, rec)).finish();
}

/**
 * Writes field `no` holding a small TensorProto with raw data and nothing else but dims, data
 * type and name (an initializer as a conversion leaves it) and returns true; returns false,
 * writing nothing, for any other tensor (the caller encodes it with `tensorSeq`).
 */
export function writeSmallRawTensor(w: Wire, no: number, t: Tensor, name: string | undefined): boolean {
  const meta = t.meta;
  if (meta.extras !== undefined || meta.docString !== undefined || (meta.metadataProps !== undefined && meta.metadataProps.length > 0)) return false;
  if (storageOf(t) !== 'raw' || isBig(t)) return false;
  const dims = t.dims;
  let len = 0;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (!Number.isSafeInteger(d)) return false;
    len += 1 + int64Length(d);
  }
  if (t.dtype !== 0) len += 1 + varintLength(t.dtype);
  const n = name ?? meta.name;
  if (n !== undefined) len += fieldLength(utf8Length(n));
  const raw = t.rawBytes();
  len += fieldLength(raw.length);
  // TensorProto fields in protobufjs's order: dims (1), data_type (2), name (8), raw_data (9).
  w.tag(no, 2);
  w.varint(len);
  for (let i = 0; i < dims.length; i++) {
    w.tag(1, 0);
    w.int64(dims[i]!);
  }
  if (t.dtype !== 0) w.varintField(2, t.dtype);
  if (n !== undefined) w.string(8, n);
  w.bytes(9, raw);
  return true;
}

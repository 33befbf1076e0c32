import type { Attr, Graph, SparseTensor, Tensor } from '@mixprec/ir';
import { ATTR_TYPE_NUMBERS } from './attr-decode.js';
import { Seq, type Part, joinParts } from './pieces.js';
import { onnx, toProtoInt64, type IAttributeProto } from './proto.js';
import {
  STREAM_THRESHOLD, isBig, smallParts, sparseSeq, sparseToProto, tensorSeq, tensorToProto, type ExternalSink,
} from './tensor-encode.js';
import { typeToProto } from './type-proto.js';

/** What the attribute encoder needs from its node (or function): lossless-mode records. */
export interface AttrRecords {
  /** Attributes whose scalar value field was absent in the file. */
  readonly valueAbsent: ReadonlySet<string>;
  /** Declared type numbers of attributes that had no value. */
  readonly declaredType: Readonly<Record<string, number>>;
}

const UTF8 = new TextEncoder();
const bytes = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? UTF8.encode(s) : s);

/** True when the attribute holds graphs or big tensors and must be framed by hand. */
export function isHeavyAttr(a: Attr): boolean {
  switch (a.type) {
    case 'GRAPH': case 'GRAPHS': return true;
    case 'TENSOR': return isBig(a.value);
    case 'TENSORS': return a.value.some(isBig) || a.value.reduce((s, t) => s + t.byteLength, 0) >= STREAM_THRESHOLD;
    case 'SPARSE_TENSOR': return isBigSparse(a.value);
    case 'SPARSE_TENSORS': return a.value.some(isBigSparse) || a.value.reduce((s, t) => s + sparseBytes(t), 0) >= STREAM_THRESHOLD;
    default: return false;
  }
}

function isBigSparse(s: SparseTensor): boolean {
  return s.values.isLazy || s.indices.isLazy || sparseBytes(s) >= STREAM_THRESHOLD;
}

function sparseBytes(s: SparseTensor): number {
  return s.values.byteLength + s.indices.byteLength;
}

/** The fields of an AttributeProto other than tensors, graphs and sparse tensors. */
function lightFields(name: string, a: Attr, rec: AttrRecords): IAttributeProto {
  const out: IAttributeProto = { name };
  if (a.refAttrName !== undefined) out.refAttrName = a.refAttrName;
  if (a.docString !== undefined) out.docString = a.docString;
  out.type = a.type === 'UNDEFINED' && rec.declaredType[name] !== undefined ? rec.declaredType[name]! : ATTR_TYPE_NUMBERS[a.type];
  const absent = rec.valueAbsent.has(name);
  switch (a.type) {
    case 'FLOAT': if (!(absent && a.value === 0)) out.f = a.value; break;
    case 'INT': if (!(absent && a.value === 0)) out.i = toProtoInt64(a.value); break;
    case 'STRING': if (!(absent && a.value.length === 0)) out.s = bytes(a.value); break;
    case 'FLOATS': out.floats = [...a.value]; break;
    case 'INTS': out.ints = a.value.map((v) => toProtoInt64(v)); break;
    case 'STRINGS': out.strings = a.value.map(bytes); break;
    case 'TYPE_PROTO': out.tp = typeToProto(a.value); break;
    case 'TYPE_PROTOS': out.typeProtos = a.value.map(typeToProto); break;
    default: break;
  }
  return out;
}

/** A whole AttributeProto as a plain object (attributes that are not heavy). */
export function attrToProto(name: string, a: Attr, rec: AttrRecords): IAttributeProto {
  const out = lightFields(name, a, rec);
  switch (a.type) {
    case 'TENSOR': out.t = tensorToProto(a.value); break;
    case 'TENSORS': out.tensors = a.value.map((t) => tensorToProto(t)); break;
    case 'SPARSE_TENSOR': out.sparseTensor = sparseToProto(a.value); break;
    case 'SPARSE_TENSORS': out.sparseTensors = a.value.map(sparseToProto); break;
    case 'GRAPH': case 'GRAPHS': throw new Error('internal: graph attributes are framed by attrSeq');
    default: break;
  }
  return out;
}

const ATTR_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, strings: 9, docString: 13, tp: 14, typeProtos: 15, type: 20, refAttrName: 21,
});

/** An AttributeProto body framed by hand (graphs and big tensors as pieces). */
export function attrSeq(name: string, a: Attr, rec: AttrRecords, graphSeq: (g: Graph) => Seq, sink?: ExternalSink): Seq {
  const parts: Part[] = smallParts(lightFields(name, a, rec), ATTR_FIELDS, (o) => onnx.AttributeProto.encode(o).finish());
  const add = (no: number, body: Seq): void => {
    parts.push({ no, piece: new Seq().field(no, body) });
  };
  const tensor = (t: Tensor): Seq => tensorSeq(t, undefined, sink);
  switch (a.type) {
    case 'TENSOR': add(5, tensor(a.value)); break;
    case 'GRAPH': add(6, graphSeq(a.value)); break;
    case 'TENSORS': for (const t of a.value) add(10, tensor(t)); break;
    case 'GRAPHS': for (const g of a.value) add(11, graphSeq(g)); break;
    case 'SPARSE_TENSOR': add(22, sparseSeq(a.value)); break;
    case 'SPARSE_TENSORS': for (const s of a.value) add(23, sparseSeq(s)); break;
    default: break;
  }
  return joinParts(parts);
}

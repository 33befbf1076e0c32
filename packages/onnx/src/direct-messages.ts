/**
 * The direct decoder's readers for the less frequent messages (TensorProto, AttributeProto,
 * SparseTensorProto, StringStringEntryProto, OperatorSetIdProto). They build plain objects
 * shaped like the generated protobufjs messages — a field is an own property exactly when it
 * was on the wire, the unset scalars the decoders read without a default come from a frozen
 * prototype — so that the reference converters (`tensorFromProto`, `attrFromProto`,
 * `sparseFromProto`) run on them unchanged. Subgraphs and TypeProtos stay byte ranges, decoded
 * by the caller.
 */
import { createRequire } from 'node:module';
import type { IOperatorSetIdProto, IStringStringEntryProto, ProtoInt64 } from './proto.js';
import { onnx } from './proto.js';
import { checkWireTypes } from './wire-check.js';
import type { TypeCache } from './direct-type-cache.js';
import { bail, RECURSION_LIMIT, repeated, type WireReader } from './wire-read.js';

interface ReaderCtor {
  create(b: Uint8Array): unknown;
}
const Reader = (createRequire(import.meta.url)('protobufjs/minimal') as { Reader: ReaderCtor }).Reader;

/** A range of the buffer holding a message body (a subgraph, for the graph decoder). */
export interface BodyRange {
  readonly start: number;
  readonly end: number;
  /** Nesting depth of the message (the model is 0). */
  readonly depth: number;
}

/** Bytes of a raw_data payload left in the model file (the big-model load, see lazy-scan.ts). */
export interface FileRaw {
  readonly offset: number;
  readonly length: number;
}

/** What the message readers need besides the bytes. */
export interface DirectSource {
  readonly r: WireReader;
  /** Placeholder raw_data payloads (by their position in the buffer) whose bytes are in the file. */
  readonly fileRaws: ReadonlyMap<number, FileRaw> | undefined;
  /** Value info types already read, by encoding. */
  readonly types: TypeCache;
}

/**
 * A frozen prototype giving unset scalar fields their default, as protobufjs message prototypes
 * do (`has` still tells whether a field was on the wire). Fields with a default are set with
 * {@link own}: plain assignment cannot shadow a read-only inherited property.
 */
function defaults(fields: Readonly<Record<string, unknown>>): object {
  return Object.freeze(Object.assign(Object.create(null) as object, fields));
}

/** Sets `m[k]` as an own property (see {@link defaults}). */
function own(m: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(m, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function enter(depth: number): void {
  if (depth > RECURSION_LIMIT) bail();
}

/** StringStringEntryProto → `{ key?, value? }`. */
export function readEntry(r: WireReader, end: number, depth: number): IStringStringEntryProto {
  enter(depth);
  const out: IStringStringEntryProto = {};
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === 10) out.key = r.string(end);
    else if (t === 18) out.value = r.string(end);
    else if (t >>> 3 === 1 || t >>> 3 === 2) bail();
    else r.skip(t & 7, end);
  }
  return out;
}

/** OperatorSetIdProto → `{ domain?, version? }`. */
export function readOpset(r: WireReader, end: number, depth: number): IOperatorSetIdProto {
  enter(depth);
  const out: { domain?: string; version?: ProtoInt64 } = {};
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === 10) out.domain = r.string(end);
    else if (t === 16) out.version = r.int64(end);
    else if (t >>> 3 === 1 || t >>> 3 === 2) bail();
    else r.skip(t & 7, end);
  }
  return out as IOperatorSetIdProto;
}

/** Reads a length-delimited sub-message body and returns its end. */
function sub(r: WireReader, end: number): number {
  const n = r.len(end);
  return r.pos + n;
}

const TENSOR_DEFAULTS = defaults({ name: '', dataType: 0, docString: '', dataLocation: 0 });

/** TensorProto → a protobufjs-shaped object (plus `fileRaw` for a raw_data left in the file). */
export function readTensor(src: DirectSource, end: number, depth: number): Record<string, unknown> {
  enter(depth);
  const r = src.r;
  const m = Object.create(TENSOR_DEFAULTS) as Record<string, unknown>;
  let seen = 0;
  /** The last raw_data counts: a placeholder's payload in the file, or undefined for bytes in the buffer. */
  let fileRaw: FileRaw | undefined;
  const list = (k: string): unknown[] => (m[k] ??= []) as unknown[];
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    switch (no) {
      case 1: { const a = list('dims'); repeated(r, wt, 0, end, (e) => a.push(r.int64(e))); break; }
      case 2: if (wt !== 0) bail(); own(m, 'dataType', r.int32(end)); break;
      case 3: {
        if (wt !== 2 || (seen & 1) !== 0) bail();
        seen |= 1;
        const e = sub(r, end);
        enter(depth + 1);
        const seg: Record<string, unknown> = {};
        while (r.pos < e) {
          const st = r.tag(e);
          if (st === 8) seg.begin = r.int64(e);
          else if (st === 16) seg.end = r.int64(e);
          else if (st >>> 3 === 1 || st >>> 3 === 2) bail();
          else r.skip(st & 7, e);
        }
        m.segment = seg;
        break;
      }
      case 4: { const a = list('floatData'); repeated(r, wt, 5, end, (e) => a.push(r.float(e))); break; }
      case 5: { const a = list('int32Data'); repeated(r, wt, 0, end, (e) => a.push(r.int32(e))); break; }
      case 6: if (wt !== 2) bail(); list('stringData').push(r.bytes(end)); break;
      case 7: { const a = list('int64Data'); repeated(r, wt, 0, end, (e) => a.push(r.int64(e))); break; }
      case 8: if (wt !== 2) bail(); own(m, 'name', r.string(end)); break;
      case 9: {
        if (wt !== 2) bail();
        const at = r.pos;
        m.rawData = r.bytes(end);
        fileRaw = src.fileRaws?.get(at);
        break;
      }
      case 10: { const a = list('doubleData'); repeated(r, wt, 1, end, (e) => a.push(r.double(e))); break; }
      case 11: { const a = list('uint64Data'); repeated(r, wt, 0, end, (e) => a.push(r.int64(e))); break; }
      case 12: if (wt !== 2) bail(); own(m, 'docString', r.string(end)); break;
      case 13: { if (wt !== 2) bail(); const e = sub(r, end); list('externalData').push(readEntry(r, e, depth + 1)); break; }
      case 14: if (wt !== 0) bail(); own(m, 'dataLocation', r.int32(end)); break;
      case 16: { if (wt !== 2) bail(); const e = sub(r, end); list('metadataProps').push(readEntry(r, e, depth + 1)); break; }
      default: r.skip(wt, end);
    }
  }
  if (fileRaw !== undefined) m.fileRaw = fileRaw;
  return m;
}

/** SparseTensorProto → `{ values?, indices?, dims? }` with tensors read by {@link readTensor}. */
export function readSparse(src: DirectSource, end: number, depth: number): Record<string, unknown> {
  enter(depth);
  const r = src.r;
  const m: Record<string, unknown> = {};
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    if (no === 1 || no === 2) {
      const key = no === 1 ? 'values' : 'indices';
      if (wt !== 2 || m[key] !== undefined) bail();
      const e = sub(r, end);
      m[key] = readTensor(src, e, depth + 1);
    } else if (no === 3) {
      const a = (m.dims ??= []) as unknown[];
      repeated(r, wt, 0, end, (e) => a.push(r.int64(e)));
    } else r.skip(wt, end);
  }
  return m;
}

/**
 * A message decoded by protobufjs from its own range (for rare messages: TypeProtos of
 * attributes, device configurations, functions…), checked by `checkWireTypes` first as the
 * reference path does, at its real nesting depth.
 */
export function viaProtobuf<T>(r: WireReader, start: number, end: number, type: string, depth: number): T {
  const bytes = r.b.subarray(start, end);
  if (checkWireTypes(bytes, type) !== undefined) bail();
  let ctor: unknown = onnx;
  for (const part of type.split('.')) ctor = (ctor as Record<string, unknown>)[part];
  try {
    return (ctor as { decode(r: unknown, l?: number, e?: number, n?: number): T }).decode(Reader.create(bytes), undefined, undefined, depth);
  } catch {
    return bail();
  }
}

const ATTR_DEFAULTS = defaults({ name: '', f: 0, i: 0, type: 0, docString: '', refAttrName: '' });

/**
 * AttributeProto → a protobufjs-shaped object. Graphs (`g`, `graphs`) are {@link BodyRange}s,
 * TypeProtos are decoded by protobufjs.
 */
export function readAttribute(src: DirectSource, end: number, depth: number): Record<string, unknown> {
  enter(depth);
  const r = src.r;
  const m = Object.create(ATTR_DEFAULTS) as Record<string, unknown>;
  let seen = 0;
  const list = (k: string): unknown[] => (m[k] ??= []) as unknown[];
  const single = (bit: number): number => {
    if ((seen & bit) !== 0) bail();
    seen |= bit;
    return sub(r, end);
  };
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    if (wt !== 2 && (no === 1 || no === 4 || no === 5 || no === 6 || no === 9 || no === 10 || no === 11 || (no >= 13 && no <= 15) || no === 21 || no === 22 || no === 23)) bail();
    switch (no) {
      case 1: own(m, 'name', r.string(end)); break;
      case 2: if (wt !== 5) bail(); own(m, 'f', r.float(end)); break;
      case 3: if (wt !== 0) bail(); own(m, 'i', r.int64(end)); break;
      case 4: m.s = r.bytes(end); break;
      case 5: { const e = single(1); m.t = readTensor(src, e, depth + 1); break; }
      case 6: { const e = single(2); m.g = { start: r.pos, end: e, depth: depth + 1 }; r.pos = e; break; }
      case 7: { const a = list('floats'); repeated(r, wt, 5, end, (e) => a.push(r.float(e))); break; }
      case 8: { const a = list('ints'); repeated(r, wt, 0, end, (e) => a.push(r.int64(e))); break; }
      case 9: list('strings').push(r.bytes(end)); break;
      case 10: { const e = sub(r, end); list('tensors').push(readTensor(src, e, depth + 1)); break; }
      case 11: { const e = sub(r, end); list('graphs').push({ start: r.pos, end: e, depth: depth + 1 }); r.pos = e; break; }
      case 13: own(m, 'docString', r.string(end)); break;
      case 14: { const e = single(4); m.tp = viaProtobuf(r, r.pos, e, 'TypeProto', depth + 1); r.pos = e; break; }
      case 15: { const e = sub(r, end); list('typeProtos').push(viaProtobuf(r, r.pos, e, 'TypeProto', depth + 1)); r.pos = e; break; }
      case 20: if (wt !== 0) bail(); own(m, 'type', r.int32(end)); break;
      case 21: own(m, 'refAttrName', r.string(end)); break;
      case 22: { const e = single(8); m.sparseTensor = readSparse(src, e, depth + 1); break; }
      case 23: { const e = sub(r, end); list('sparseTensors').push(readSparse(src, e, depth + 1)); break; }
      default: r.skip(wt, end);
    }
  }
  return m;
}

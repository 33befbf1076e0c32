/**
 * The direct decoder's ValueInfoProto and TypeProto readers: IR types straight from the bytes,
 * built exactly as `typeFromProto` / `valueInfoFromProto` build them from protobufjs messages.
 */
import type { DataType, Dim, ValueType } from '@mixprec/ir';
import { viaProtobuf, readEntry, type DirectSource } from './direct-messages.js';
import { int64ToNumberOrBigInt, onnx, type ITypeProto, type TypeProto } from './proto.js';
import { typeFromProto } from './type-proto.js';
import type { ReadValueInfo } from './value-info.js';
import { bail, RECURSION_LIMIT, type WireReader } from './wire-read.js';

function enter(depth: number): void {
  if (depth > RECURSION_LIMIT) bail();
}

function sub(r: WireReader, end: number): number {
  const n = r.len(end);
  return r.pos + n;
}

/** A TypeProto read: the IR type, or undefined when the message names no type. */
export function readType(r: WireReader, end: number, depth: number): ValueType | undefined {
  enter(depth);
  let member = 0;
  let denotation: string | undefined;
  let type: ValueType | undefined;
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    if (no === 6) {
      if (wt !== 2) bail();
      denotation = r.string(end);
      continue;
    }
    if (no !== 1 && no !== 4 && no !== 5 && no !== 7 && no !== 8 && no !== 9) {
      r.skip(wt, end);
      continue;
    }
    // One member of the oneof, once (a second one, or the same twice, is rejected by the wire check).
    if (wt !== 2 || member !== 0) bail();
    member = no;
    const e = sub(r, end);
    type = no === 1 || no === 8 ? readTensorType(r, e, depth + 1, no === 1 ? 'tensor' : 'sparse_tensor') : readOther(r, e, depth + 1, no);
  }
  if (type === undefined || denotation === undefined) return type;
  return { ...type, denotation };
}

function readTensorType(r: WireReader, end: number, depth: number, kind: 'tensor' | 'sparse_tensor'): ValueType {
  enter(depth);
  let elem = 0;
  let shape: { shape: Dim[]; dimDenotations?: (string | undefined)[] } | undefined;
  let seenShape = false;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t === 8) elem = r.int32(end);
    else if (t === 18) {
      if (seenShape) bail();
      seenShape = true;
      const e = sub(r, end);
      shape = readShape(r, e, depth + 1);
    } else if (t >>> 3 === 1 || t >>> 3 === 2) bail();
    else r.skip(t & 7, end);
  }
  // The objects `typeFromProto` builds, without its intermediate ones.
  if (shape === undefined) return { kind, dtype: elem as DataType };
  if (shape.dimDenotations === undefined) return { kind, dtype: elem as DataType, shape: shape.shape };
  return { kind, dtype: elem as DataType, shape: shape.shape, dimDenotations: shape.dimDenotations };
}

function readShape(r: WireReader, end: number, depth: number): { shape: Dim[]; dimDenotations?: (string | undefined)[] } {
  enter(depth);
  const shape: Dim[] = [];
  let dens: (string | undefined)[] | undefined;
  while (r.pos < end) {
    const t = r.tag(end);
    if (t !== 10) {
      if (t >>> 3 === 1) bail();
      r.skip(t & 7, end);
      continue;
    }
    const e = sub(r, end);
    enter(depth + 1);
    let value: number | undefined;
    let param: string | undefined;
    let den: string | undefined;
    let which = 0;
    while (r.pos < e) {
      const dt = r.tag(e);
      if (dt === 8) {
        if (which === 2) bail();
        which = 1;
        const v = int64ToNumberOrBigInt(r.int64(e));
        // Out of range for the IR: the reference path reports it.
        if (typeof v === 'bigint' || !Number.isSafeInteger(v)) bail();
        value = v as number;
      } else if (dt === 18) {
        if (which === 1) bail();
        which = 2;
        param = r.string(e);
      } else if (dt === 26) den = r.string(e);
      else if (dt >>> 3 >= 1 && dt >>> 3 <= 3) bail();
      else r.skip(dt & 7, e);
    }
    const i = shape.length;
    shape.push(which === 1 ? value : which === 2 ? param : undefined);
    if (den !== undefined) {
      dens ??= [];
      dens[i] = den;
    }
  }
  // `slice`: a copy of the final length (the list grown by push reserves 17 slots, and every
  // value of the model keeps its shape).
  if (dens === undefined) return { shape: shape.slice() };
  const full = new Array<string | undefined>(shape.length).fill(undefined);
  for (let i = 0; i < dens.length; i++) if (dens[i] !== undefined) full[i] = dens[i];
  return { shape: shape.slice(), dimDenotations: full };
}

/** Sequence, map, optional and opaque types: rare, read by protobufjs and the reference converter. */
function readOther(r: WireReader, end: number, depth: number, no: number): ValueType {
  enter(depth);
  const wrapper: ITypeProto = {};
  const name = no === 4 ? 'TypeProto.Sequence' : no === 5 ? 'TypeProto.Map' : no === 7 ? 'TypeProto.Opaque' : 'TypeProto.Optional';
  const msg = viaProtobuf<Record<string, unknown>>(r, r.pos, end, name, depth);
  r.pos = end;
  const key = no === 4 ? 'sequenceType' : no === 5 ? 'mapType' : no === 7 ? 'opaqueType' : 'optionalType';
  (wrapper as Record<string, unknown>)[key] = msg;
  return otherFromProto(wrapper);
}

function otherFromProto(t: ITypeProto): ValueType {
  const v = typeFromProto(t as TypeProto);
  if (v === undefined) return bail();
  return v;
}

/** ValueInfoProto → the same {@link ReadValueInfo} as `valueInfoFromProto` builds. */
export function readValueInfo(src: DirectSource, end: number, depth: number): ReadValueInfo {
  enter(depth);
  const r = src.r;
  let name = '';
  let type: ValueType | undefined;
  let typeAt = -1;
  let typeEnd = -1;
  let doc: string | undefined;
  let meta: [string, string][] | undefined;
  while (r.pos < end) {
    const t = r.tag(end);
    switch (t) {
      case 10: name = r.string(end); break;
      case 18: {
        if (typeAt >= 0) bail();
        const e = sub(r, end);
        typeAt = r.pos;
        typeEnd = e;
        type = src.types.get(typeAt, e, depth + 1);
        if (type !== undefined) {
          r.pos = e;
          break;
        }
        type = readType(r, e, depth + 1);
        if (type !== undefined) src.types.set(typeAt, e, depth + 1, type);
        break;
      }
      case 26: doc = r.string(end); break;
      case 34: {
        const e = sub(r, end);
        const entry = readEntry(r, e, depth + 1);
        (meta ??= []).push([entry.key ?? '', entry.value ?? '']);
        break;
      }
      default: {
        const no = t >>> 3;
        if (no >= 1 && no <= 4) bail();
        r.skip(t & 7, end);
      }
    }
  }
  const rawType = typeAt >= 0 && type === undefined
    ? onnx.TypeProto.toObject(viaProtobuf<TypeProto>(r, typeAt, typeEnd, 'TypeProto', depth + 1)) as ITypeProto
    : undefined;
  if (rawType === undefined && doc === undefined && meta === undefined) return { name, type };
  return {
    name,
    type,
    ...(rawType !== undefined ? { rawType } : {}),
    ...(doc !== undefined ? { docString: doc } : {}),
    ...(meta !== undefined ? { metadataProps: meta } : {}),
  };
}

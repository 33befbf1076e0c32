import { typesEqual, type Graph, type Value, type ValueInfo, type ValueType } from '@mixprec/ir';
import { LoadFailure } from './errors.js';
import { has } from './extras.js';
import { entriesFromProto, entriesToProto } from './metadata.js';
import { onnx, type ITypeProto, type IValueInfoProto, type TypeProto, type ValueInfoProto } from './proto.js';
import { TypeDecodeError, typeFromProto, typeToProto } from './type-proto.js';

/**
 * A ValueInfo as read. `rawType` holds a TypeProto that was present but names no type (e.g.
 * `type {}`): the IR cannot carry it on a value, so such entries are kept verbatim.
 */
export type ReadValueInfo = ValueInfo & { readonly rawType?: ITypeProto };

/** ValueInfoProto → the IR's {@link ValueInfo} (name, type, doc, metadata). */
export function valueInfoFromProto(vi: ValueInfoProto, file: string, where: string): ReadValueInfo {
  let type: ValueType | undefined;
  if (vi.type != null) {
    try {
      type = typeFromProto(vi.type as TypeProto);
    } catch (e) {
      if (!(e instanceof TypeDecodeError)) throw e;
      throw new LoadFailure({ _tag: 'InvalidModel', file, message: `${where} '${vi.name}' has a type whose ${e.message}`, value: vi.name });
    }
  }
  const meta = entriesFromProto(vi.metadataProps);
  return {
    name: vi.name ?? '',
    type,
    ...(vi.type != null && type === undefined ? { rawType: onnx.TypeProto.toObject(vi.type as TypeProto) as ITypeProto } : {}),
    ...(has(vi, 'docString') ? { docString: vi.docString } : {}),
    ...(meta.length > 0 ? { metadataProps: meta } : {}),
  };
}

/** The info a value carries, as a ValueInfo. */
export function infoOf(v: Value): ValueInfo {
  return {
    name: v.name,
    type: v.type,
    ...(v.docString !== undefined ? { docString: v.docString } : {}),
    ...(v.metadataProps !== undefined && v.metadataProps.size > 0 ? { metadataProps: [...v.metadataProps] } : {}),
  };
}

/** True when the value carries any info (type, doc string or metadata). */
export function hasInfo(v: Value): boolean {
  return v.type !== undefined || v.docString !== undefined || (v.metadataProps !== undefined && v.metadataProps.size > 0);
}

/** Copies type, doc string and metadata of `info` onto `v`. */
export function applyInfo(v: Value, info: ValueInfo): void {
  v.type = info.type;
  v.docString = info.docString;
  v.metadataProps = info.metadataProps === undefined ? undefined : new Map(info.metadataProps);
}

/** True when `v` carries exactly the info of `info`. */
export function infoMatches(v: Value, info: ReadValueInfo): boolean {
  if (info.rawType !== undefined) return false;
  if (!typesEqual(v.type, info.type) || v.docString !== info.docString) return false;
  const a = v.metadataProps === undefined ? [] : [...v.metadataProps];
  const b = info.metadataProps ?? [];
  return a.length === b.length && a.every(([k, x], i) => b[i]![0] === k && b[i]![1] === x);
}

/**
 * Whether a verbatim entry recorded at load time may still be written for `v`: only when it
 * does not contradict the value's current element type (a pass may have changed it).
 */
export function verbatimStillValid(v: Value, info: ReadValueInfo): boolean {
  if (info.type === undefined) return info.rawType === undefined || v.type === undefined;
  if (v.type === undefined) return false;
  if (v.type.kind !== info.type.kind) return false;
  return typesEqual(v.type, info.type) || JSON.stringify(elemTypes(v.type)) === JSON.stringify(elemTypes(info.type));
}

function elemTypes(t: ValueType | undefined): unknown {
  if (t === undefined) return null;
  switch (t.kind) {
    case 'tensor': case 'sparse_tensor': return [t.kind, t.dtype];
    case 'sequence': case 'optional': return [t.kind, elemTypes(t.elem)];
    case 'map': return [t.kind, t.keyType, elemTypes(t.valueType)];
    case 'opaque': return [t.kind, t.domain, t.name];
  }
}

/** A ValueInfo as a ValueInfoProto object for protobufjs. */
export function valueInfoToProto(info: ReadValueInfo): IValueInfoProto {
  const out: IValueInfoProto = { name: info.name };
  if (info.type !== undefined) out.type = typeToProto(info.type);
  else if (info.rawType !== undefined) out.type = info.rawType;
  if (info.docString !== undefined) out.docString = info.docString;
  if (info.metadataProps !== undefined && info.metadataProps.length > 0) out.metadataProps = entriesToProto(info.metadataProps);
  return out;
}

/**
 * Reads a graph's `value_info` list: an entry naming a value of `scope` not yet typed (in
 * `assigned`) types it; the others are kept. Returns the file order (a name, or the entry itself
 * where it differs from its value), for a lossless re-encode.
 */
export function readValueInfoList(
  g: Graph, list: readonly IValueInfoProto[], scope: ReadonlyMap<string, Value>, assigned: Set<Value>, file: string, where: string,
  values?: (Value | undefined)[],
): (string | ValueInfo)[] {
  return placeValueInfos(g, list.map((vi) => valueInfoFromProto(vi as ValueInfoProto, file, where)), scope, assigned, values);
}

/**
 * The placing half of {@link readValueInfoList}, for entries already read. With `values`, also
 * lists the value each entry named (undefined for an extra), parallel to the result.
 */
export function placeValueInfos(
  g: Graph, infos: readonly ReadValueInfo[], scope: ReadonlyMap<string, Value>, assigned: Set<Value>, values?: (Value | undefined)[],
): (string | ValueInfo)[] {
  const order: (string | ValueInfo)[] = [];
  for (const info of infos) {
    const v = scope.get(info.name);
    values?.push(v);
    if (v === undefined) {
      g.valueInfoExtras.push(info);
      order.push(info.name);
    } else if (!assigned.has(v) && info.rawType === undefined) {
      applyInfo(v, info);
      assigned.add(v);
      // The value's own name string (equal): the entry's copy is not kept alive.
      order.push(v.name);
    } else {
      order.push(infoMatches(v, info) ? v.name : info);
    }
  }
  return order;
}

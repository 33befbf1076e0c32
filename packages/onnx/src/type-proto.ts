import type { DataType, Dim, ValueType } from '@mixprec/ir';
import { has } from './extras.js';
import { int64ToNumberOrBigInt, toProtoInt64, type ITensorShapeProto, type ITypeProto, type TypeProto } from './proto.js';

/** Thrown by {@link typeFromProto} for shapes the IR cannot hold; the caller adds context. */
export class TypeDecodeError extends Error {}

/** `TypeProto` → IR type. Returns undefined for a TypeProto with no `value` set. */
export function typeFromProto(t: TypeProto): ValueType | undefined {
  const denotation = has(t, 'denotation') ? t.denotation : undefined;
  const withDen = <T extends ValueType>(v: T): T => (denotation === undefined ? v : { ...v, denotation });
  if (t.tensorType != null) {
    const tt = t.tensorType;
    const shape = tt.shape == null ? undefined : shapeFromProto(tt.shape);
    return withDen({ kind: 'tensor', dtype: (tt.elemType ?? 0) as DataType, ...shape });
  }
  if (t.sparseTensorType != null) {
    const tt = t.sparseTensorType;
    const shape = tt.shape == null ? undefined : shapeFromProto(tt.shape);
    return withDen({ kind: 'sparse_tensor', dtype: (tt.elemType ?? 0) as DataType, ...shape });
  }
  if (t.sequenceType != null) {
    const e = t.sequenceType.elemType;
    return withDen({ kind: 'sequence', elem: e == null ? undefined : typeFromProto(e as TypeProto) });
  }
  if (t.optionalType != null) {
    const e = t.optionalType.elemType;
    return withDen({ kind: 'optional', elem: e == null ? undefined : typeFromProto(e as TypeProto) });
  }
  if (t.mapType != null) {
    const m = t.mapType;
    return withDen({
      kind: 'map', keyType: (m.keyType ?? 0) as DataType,
      valueType: m.valueType == null ? undefined : typeFromProto(m.valueType as TypeProto),
    });
  }
  if (t.opaqueType != null) {
    return withDen({ kind: 'opaque', domain: t.opaqueType.domain ?? '', name: t.opaqueType.name ?? '' });
  }
  return undefined;
}

function shapeFromProto(s: ITensorShapeProto): { shape: Dim[]; dimDenotations?: (string | undefined)[] } {
  const shape: Dim[] = [];
  let dens: (string | undefined)[] | undefined;
  const dims = s.dim ?? [];
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (d.dimValue != null && has(d, 'dimValue')) {
      const v = int64ToNumberOrBigInt(d.dimValue);
      if (typeof v === 'bigint' || !Number.isSafeInteger(v)) throw new TypeDecodeError(`dimension ${i} (${v}) is out of range`);
      shape.push(v);
    } else if (d.dimParam != null && has(d, 'dimParam')) {
      shape.push(d.dimParam);
    } else {
      shape.push(undefined);
    }
    if (has(d, 'denotation')) (dens ??= new Array<string | undefined>(dims.length).fill(undefined))[i] = d.denotation!;
  }
  return dens === undefined ? { shape } : { shape, dimDenotations: dens };
}

/** IR type → `TypeProto` (a plain object for protobufjs). */
export function typeToProto(t: ValueType): ITypeProto {
  const out: ITypeProto = {};
  switch (t.kind) {
    case 'tensor':
      out.tensorType = { elemType: t.dtype, ...shapeToProto(t.shape, t.dimDenotations) };
      break;
    case 'sparse_tensor':
      out.sparseTensorType = { elemType: t.dtype, ...shapeToProto(t.shape, t.dimDenotations) };
      break;
    case 'sequence':
      out.sequenceType = t.elem === undefined ? {} : { elemType: typeToProto(t.elem) };
      break;
    case 'optional':
      out.optionalType = t.elem === undefined ? {} : { elemType: typeToProto(t.elem) };
      break;
    case 'map':
      out.mapType = t.valueType === undefined ? { keyType: t.keyType } : { keyType: t.keyType, valueType: typeToProto(t.valueType) };
      break;
    case 'opaque':
      out.opaqueType = { domain: t.domain, name: t.name };
      break;
  }
  if (t.denotation !== undefined) out.denotation = t.denotation;
  return out;
}

function shapeToProto(shape: readonly Dim[] | undefined, dens: readonly (string | undefined)[] | undefined): { shape?: ITensorShapeProto } {
  if (shape === undefined) return {};
  return {
    shape: {
      dim: shape.map((d, i) => {
        const den = dens?.[i];
        const base = typeof d === 'number' ? { dimValue: toProtoInt64(d) } : typeof d === 'string' ? { dimParam: d } : {};
        return den === undefined ? base : { ...base, denotation: den };
      }),
    },
  };
}

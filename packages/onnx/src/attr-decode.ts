import { fromBigInt, type Attr, type Graph, type SparseTensor, type ValueType } from '@mixprec/ir';
import { LoadFailure } from './errors.js';
import { has } from './extras.js';
import { int64ToBigInt, type AttributeProto, type ProtoInt64, type SparseTensorProto, type TensorProto, type TypeProto } from './proto.js';
import { tensorFromProto, type TensorContext } from './tensor-decode.js';
import { TypeDecodeError, typeFromProto } from './type-proto.js';

/** Decodes subgraphs for attributes (supplied by the graph decoder, which owns scoping). */
export type SubgraphDecoder = (g: NonNullable<AttributeProto['g']>, label: string) => Graph;

/** What {@link attrFromProto} found besides the value, for lossless re-encoding. */
export interface AttrDecodeInfo {
  /** The scalar value field (f, i, s) was absent; the IR holds the default. */
  readonly valueAbsent: boolean;
  /** The declared type when the attribute had no value and became UNDEFINED. */
  readonly declaredType?: number;
}

const TYPE_NAMES: Readonly<Record<number, Attr['type']>> = Object.freeze({
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'INT', 3: 'STRING', 4: 'TENSOR', 5: 'GRAPH', 6: 'FLOATS', 7: 'INTS',
  8: 'STRINGS', 9: 'TENSORS', 10: 'GRAPHS', 11: 'SPARSE_TENSOR', 12: 'SPARSE_TENSORS', 13: 'TYPE_PROTO', 14: 'TYPE_PROTOS',
});

/** Attribute type numbers by name. */
export const ATTR_TYPE_NUMBERS: Readonly<Record<Attr['type'], number>> = Object.freeze(
  Object.fromEntries(Object.entries(TYPE_NAMES).map(([k, v]) => [v, Number(k)])) as Record<Attr['type'], number>,
);

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Attribute bytes as text when they are valid UTF-8 (which re-encodes to the same bytes). */
export function bytesToText(b: Uint8Array): string | Uint8Array {
  try {
    return UTF8.decode(b);
  } catch {
    return new Uint8Array(b);
  }
}

/**
 * AttributeProto → Attr. `where` names the owner for messages (e.g. `node 'conv1'`).
 * Attributes written before IR 2 have no `type`; it is inferred from the field in use.
 */
export function attrFromProto(
  a: AttributeProto, ctx: TensorContext, where: string, subgraph: SubgraphDecoder,
): { attr: Attr; info: AttrDecodeInfo } {
  const label = `attribute '${a.name}' of ${where}`;
  const fail = (message: string, tag: 'InvalidModel' | 'UnsupportedFeature' = 'InvalidModel'): never => {
    throw new LoadFailure({ _tag: tag, file: ctx.file, message: `${label} ${message}` });
  };
  const typeNum = has(a, 'type') ? a.type : inferType(a);
  const type = TYPE_NAMES[typeNum];
  if (type === undefined) fail(`has attribute type ${typeNum}, unknown to this version`, 'UnsupportedFeature');
  const base = {
    ...(has(a, 'refAttrName') ? { refAttrName: a.refAttrName } : {}),
    ...(has(a, 'docString') ? { docString: a.docString } : {}),
  };
  const tensor = (t: TensorProto, i?: number): ReturnType<typeof tensorFromProto> =>
    tensorFromProto(t, ctx, i === undefined ? `tensor of ${label}` : `tensor ${i} of ${label}`);
  const sparse = (s: SparseTensorProto, i?: number): SparseTensor => sparseFromProto(s, ctx, i === undefined ? label : `${label} [${i}]`);
  const tp = (t: TypeProto): ValueType => {
    try {
      const v = typeFromProto(t);
      if (v === undefined) return fail('has a TypeProto with no type set');
      return v;
    } catch (e) {
      if (e instanceof TypeDecodeError) return fail(`has a type whose ${e.message}`);
      throw e;
    }
  };
  const missing = (): { attr: Attr; info: AttrDecodeInfo } => ({ attr: { ...base, type: 'UNDEFINED', value: undefined }, info: { valueAbsent: false, declaredType: typeNum } });
  let attr: Attr = { ...base, type: 'UNDEFINED', value: undefined };
  let valueAbsent = false;
  switch (type) {
    case 'UNDEFINED': attr = { ...base, type, value: undefined }; break;
    case 'FLOAT': valueAbsent = !has(a, 'f'); attr = { ...base, type, value: a.f ?? 0 }; break;
    case 'INT': valueAbsent = !has(a, 'i'); attr = { ...base, type, value: fromBigInt(int64ToBigInt(a.i as ProtoInt64)) }; break;
    case 'STRING': valueAbsent = !has(a, 's'); attr = { ...base, type, value: bytesToText(a.s ?? new Uint8Array(0)) }; break;
    case 'TENSOR': if (a.t == null) return missing(); attr = { ...base, type, value: tensor(a.t as TensorProto) }; break;
    case 'GRAPH': if (a.g == null) return missing(); attr = { ...base, type, value: subgraph(a.g, label) }; break;
    case 'SPARSE_TENSOR': if (a.sparseTensor == null) return missing(); attr = { ...base, type, value: sparse(a.sparseTensor as SparseTensorProto) }; break;
    case 'TYPE_PROTO': if (a.tp == null) return missing(); attr = { ...base, type, value: tp(a.tp as TypeProto) }; break;
    case 'FLOATS': attr = { ...base, type, value: [...(a.floats ?? [])] }; break;
    case 'INTS': attr = { ...base, type, value: (a.ints ?? []).map((v) => fromBigInt(int64ToBigInt(v as ProtoInt64))) }; break;
    case 'STRINGS': attr = { ...base, type, value: (a.strings ?? []).map(bytesToText) }; break;
    case 'TENSORS': attr = { ...base, type, value: (a.tensors ?? []).map((t, i) => tensor(t as TensorProto, i)) }; break;
    case 'GRAPHS': attr = { ...base, type, value: (a.graphs ?? []).map((g, i) => subgraph(g, `${label} [${i}]`)) }; break;
    case 'SPARSE_TENSORS': attr = { ...base, type, value: (a.sparseTensors ?? []).map((s, i) => sparse(s as SparseTensorProto, i)) }; break;
    case 'TYPE_PROTOS': attr = { ...base, type, value: (a.typeProtos ?? []).map((t) => tp(t as TypeProto)) }; break;
  }
  return { attr, info: { valueAbsent } };
}

/** The type of an attribute written without `type` (IR 1), from the field in use. */
function inferType(a: AttributeProto): number {
  if (has(a, 'f')) return 1;
  if (has(a, 'i')) return 2;
  if (has(a, 's')) return 3;
  if (a.t != null) return 4;
  if (a.g != null) return 5;
  if (a.sparseTensor != null) return 11;
  if (a.tp != null) return 13;
  if ((a.floats?.length ?? 0) > 0) return 6;
  if ((a.ints?.length ?? 0) > 0) return 7;
  if ((a.strings?.length ?? 0) > 0) return 8;
  if ((a.tensors?.length ?? 0) > 0) return 9;
  if ((a.graphs?.length ?? 0) > 0) return 10;
  if ((a.sparseTensors?.length ?? 0) > 0) return 12;
  if ((a.typeProtos?.length ?? 0) > 0) return 14;
  return 0;
}

/** SparseTensorProto → SparseTensor. */
export function sparseFromProto(s: SparseTensorProto, ctx: TensorContext, where: string): SparseTensor {
  const fail = (message: string): never => {
    throw new LoadFailure({ _tag: 'InvalidModel', file: ctx.file, message: `sparse tensor ${where} ${message}` });
  };
  if (s.values == null) fail('has no values');
  if (s.indices == null) fail('has no indices');
  const dims: number[] = [];
  for (const d of s.dims ?? []) {
    const b = int64ToBigInt(d as ProtoInt64);
    if (b < 0n || b > BigInt(Number.MAX_SAFE_INTEGER)) fail(`has invalid dimension ${b}`);
    dims.push(Number(b));
  }
  return {
    values: tensorFromProto(s.values as TensorProto, ctx, `values of sparse tensor ${where}`),
    indices: tensorFromProto(s.indices as TensorProto, ctx, `indices of sparse tensor ${where}`),
    dims,
  };
}

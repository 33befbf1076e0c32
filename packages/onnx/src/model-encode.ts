import type { FunctionDef, Model } from '@mixprec/ir';
import { attrRecords, graphSeq, nodeSeq, type GraphEncodeContext } from './graph-encode.js';
import { valueInfoList } from './value-info-list.js';
import { attrSeq, attrToProto, isHeavyAttr } from './attr-encode.js';
import { EXTRAS, getExtra, presentSet } from './extras.js';
import { entriesToProto } from './metadata.js';
import type { OpsetImportRecord } from './model-decode.js';
import { Seq, type Part, joinParts } from './pieces.js';
import { onnx, toProtoInt64, type IFunctionProto, type IModelProto, type IOperatorSetIdProto } from './proto.js';
import { smallParts } from './tensor-encode.js';

/** The opset imports to write: the list as read when it still says the same, else the map. */
function opsetList(map: ReadonlyMap<string, number>, extras: Readonly<Record<string, unknown>> | undefined): IOperatorSetIdProto[] {
  const rec = getExtra<OpsetImportRecord[]>(extras, EXTRAS.opsetImport);
  if (rec !== undefined) {
    const fromRec = new Map<string, number>();
    for (const r of rec) fromRec.set(r.domain === 'ai.onnx' ? '' : (r.domain ?? ''), Number(r.version ?? 0));
    const same = fromRec.size === map.size && [...fromRec].every(([d, v], i) => {
      const e = [...map][i];
      return e !== undefined && e[0] === d && e[1] === v;
    });
    if (same) {
      return rec.map((r) => ({
        ...(r.domain !== undefined ? { domain: r.domain } : {}),
        ...(r.version !== undefined ? { version: toProtoInt64(r.version) } : {}),
      }));
    }
  }
  return [...map].map(([domain, version]) => ({ domain, version }));
}

const FUNCTION_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  name: 1, input: 4, output: 5, attribute: 6, docString: 8, opsetImport: 9, domain: 10, attributeProto: 11,
  valueInfo: 12, overload: 13, metadataProps: 14,
});

/** A FunctionProto body as pieces. */
export function functionSeq(f: FunctionDef, ctx: GraphEncodeContext): Seq {
  const present = presentSet(f.extras);
  const rec = attrRecords(f.extras);
  const small: IFunctionProto = {};
  if (f.name !== '' || present.has('name')) small.name = f.name;
  small.input = f.graph.inputs.map((v) => v.name);
  small.output = f.graph.outputs.map((v) => v.name);
  small.attribute = [...f.attributeNames];
  if (f.docString !== undefined) small.docString = f.docString;
  small.opsetImport = opsetList(f.opsetImports, f.extras);
  if (f.domain !== '' || present.has('domain')) small.domain = f.domain;
  const parts: Part[] = [];
  for (const [k, a] of f.attributeDefaults) {
    const body = isHeavyAttr(a) ? attrSeq(k, a, rec, (g) => graphSeq(g, ctx)) : new Seq().add(onnx.AttributeProto.encode(attrToProto(k, a, rec)).finish());
    parts.push({ no: 11, piece: new Seq().field(11, body) });
  }
  small.valueInfo = valueInfoList(f.graph, true);
  if (f.overload !== '' || present.has('overload')) small.overload = f.overload;
  if (f.metadataProps.size > 0) small.metadataProps = entriesToProto(f.metadataProps);
  parts.push(...smallParts(small, FUNCTION_FIELDS, (o) => onnx.FunctionProto.encode(o).finish()));
  for (const n of f.graph) parts.push({ no: 7, piece: new Seq().field(7, nodeSeq(n, ctx)) });
  return joinParts(parts);
}

const MODEL_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, opsetImport: 8, metadataProps: 14,
});

/** A ModelProto as pieces; tensor payloads stay deferred until written. */
export function modelSeq(m: Model, ctx: GraphEncodeContext): Seq {
  const present = presentSet(m.extras);
  const small: IModelProto = {};
  if (m.irVersion !== 0 || present.has('irVersion')) small.irVersion = m.irVersion;
  if (m.producerName !== '' || present.has('producerName')) small.producerName = m.producerName;
  if (m.producerVersion !== '' || present.has('producerVersion')) small.producerVersion = m.producerVersion;
  if (m.domain !== '' || present.has('domain')) small.domain = m.domain;
  if (m.modelVersion !== 0 || present.has('modelVersion')) small.modelVersion = toProtoInt64(m.modelVersion);
  if (m.docString !== undefined) small.docString = m.docString;
  small.opsetImport = opsetList(m.opsetImports, m.extras);
  if (m.metadataProps.size > 0) small.metadataProps = entriesToProto(m.metadataProps);
  const parts = smallParts(small, MODEL_FIELDS, (o) => onnx.ModelProto.encode(o).finish());
  const absent = getExtra<string[]>(m.extras, EXTRAS.absent) ?? [];
  const graphIsEmpty = m.graph.size === 0 && m.graph.inputs.length === 0 && m.graph.outputs.length === 0 && m.graph.initializers.size === 0;
  if (!(absent.includes('graph') && graphIsEmpty)) parts.push({ no: 7, piece: new Seq().field(7, graphSeq(m.graph, ctx)) });
  for (const t of m.trainingInfo) {
    if (!(t instanceof Uint8Array)) throw new Error('internal: Model.trainingInfo entries must be encoded TrainingInfoProto bytes');
    parts.push({ no: 20, piece: new Seq().field(20, t) });
  }
  for (const f of m.functions) parts.push({ no: 25, piece: new Seq().field(25, functionSeq(f, ctx)) });
  for (const c of getExtra<Uint8Array[]>(m.extras, EXTRAS.configuration) ?? []) parts.push({ no: 26, piece: new Seq().field(26, c) });
  return joinParts(parts);
}

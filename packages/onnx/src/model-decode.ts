import { FunctionDef, Graph, Model, Value, fromBigInt } from '@mixprec/ir';
import { LoadFailure } from './errors.js';
import { EXTRAS, has, presentDefaults, withExtras } from './extras.js';
import { decodeNodes, functionAttrFromProto, graphFromProto, type Scope } from './graph-decode.js';
import { entriesFromProto } from './metadata.js';
import { int64ToBigInt, onnx, type AttributeProto, type FunctionProto, type GraphProto, type IOperatorSetIdProto, type ModelProto, type ProtoInt64 } from './proto.js';
import type { TensorContext } from './tensor-decode.js';
import { readValueInfoList } from './value-info.js';

/** An `opset_import` entry exactly as read. */
export interface OpsetImportRecord {
  readonly domain?: string;
  readonly version?: number | bigint;
}

/** ModelProto → Model. Throws {@link LoadFailure}. */
export function modelFromProto(mp: ModelProto, ctx: TensorContext): Model {
  const fail = (message: string): never => {
    throw new LoadFailure({ _tag: 'InvalidModel', file: ctx.file, message });
  };
  const ir = int64ToBigInt(mp.irVersion as ProtoInt64);
  if (ir < 0n || ir > 0x7fffffffn) fail(`has ir_version ${ir}, which is not a valid IR version`);
  const graph = mp.graph == null ? new Graph('') : graphFromProto(mp.graph as GraphProto, [], ctx, 'main graph');
  const model = new Model(graph, { irVersion: Number(ir), opsetImports: [] });
  const opsets = readOpsets(mp.opsetImport ?? []);
  for (const [d, v] of opsets.map) model.opsetImports.set(d, v);
  model.producerName = mp.producerName ?? '';
  model.producerVersion = mp.producerVersion ?? '';
  model.domain = mp.domain ?? '';
  model.modelVersion = fromBigInt(int64ToBigInt(mp.modelVersion as ProtoInt64));
  if (has(mp, 'docString')) model.docString = mp.docString;
  for (const [k, v] of entriesFromProto(mp.metadataProps)) model.metadataProps.set(k, v);
  (mp.functions ?? []).forEach((fp, i) => model.functions.push(functionFromProto(fp as FunctionProto, ctx, i)));
  model.trainingInfo = (mp.trainingInfo ?? []).map((t) => onnx.TrainingInfoProto.encode(t).finish());
  model.extras = withExtras(model.extras, {
    [EXTRAS.present]: presentDefaults(mp, ['irVersion', 'producerName', 'producerVersion', 'domain', 'modelVersion']),
    [EXTRAS.absent]: mp.graph == null ? ['graph'] : undefined,
    [EXTRAS.opsetImport]: opsets.verbatim,
    [EXTRAS.configuration]: (mp.configuration ?? []).map((c) => onnx.DeviceConfigurationProto.encode(c).finish()),
  });
  return model;
}

/** Reads opset imports into a domain → version map (`ai.onnx` → ''), keeping the list as read. */
export function readOpsets(list: readonly IOperatorSetIdProto[]): { map: Map<string, number>; verbatim: OpsetImportRecord[] | undefined } {
  const map = new Map<string, number>();
  const verbatim: OpsetImportRecord[] = [];
  let plain = true;
  for (const o of list) {
    const domain = o.domain ?? '';
    const version = fromBigInt(int64ToBigInt(o.version as ProtoInt64));
    const key = domain === 'ai.onnx' ? '' : domain;
    if (map.has(key) || domain === 'ai.onnx' || !has(o, 'domain') || !has(o, 'version') || typeof version === 'bigint') plain = false;
    map.set(key, Number(version));
    verbatim.push({ ...(has(o, 'domain') ? { domain } : {}), ...(has(o, 'version') ? { version } : {}) });
  }
  return { map, verbatim: plain ? undefined : verbatim };
}

export function functionFromProto(fp: FunctionProto, ctx: TensorContext, index: number): FunctionDef {
  const label = `function '${fp.domain ?? ''}.${fp.name ?? ''}'`;
  const fail = (message: string): never => {
    throw new LoadFailure({ _tag: 'InvalidModel', file: ctx.file, message: `${label}: ${message}` });
  };
  if (!fp.name) fail(`#${index} has no name`);
  const f = new FunctionDef(fp.domain ?? '', fp.name ?? '', new Graph(fp.name ?? ''));
  f.overload = fp.overload ?? '';
  if (has(fp, 'docString')) f.docString = fp.docString;
  for (const [k, v] of entriesFromProto(fp.metadataProps)) f.metadataProps.set(k, v);
  const opsets = readOpsets(fp.opsetImport ?? []);
  for (const [d, v] of opsets.map) f.opsetImports.set(d, v);
  f.attributeNames = [...(fp.attribute ?? [])];
  const valueAbsent: string[] = [];
  const declared: Record<string, number> = {};
  for (const ap of fp.attributeProto ?? []) {
    const { attr, info } = functionAttrFromProto(ap as AttributeProto, ctx, label);
    const name = ap.name ?? '';
    if (f.attributeDefaults.has(name)) fail(`declares attribute '${name}' twice`);
    f.attributeDefaults.set(name, attr);
    if (info.valueAbsent) valueAbsent.push(name);
    if (info.declaredType !== undefined) declared[name] = info.declaredType;
  }
  const g = f.graph;
  const scope: Scope = new Map();
  for (const name of fp.input ?? []) {
    if (scope.has(name)) fail(`lists input '${name}' twice`);
    const v = new Value(name);
    g.addInput(v);
    scope.set(name, v);
  }
  decodeNodes(g, fp.node ?? [], scope, [], ctx, label);
  for (const name of fp.output ?? []) {
    const v = scope.get(name);
    if (v === undefined) fail(`output '${name}' is not produced by any node or input`);
    g.addOutput(v!);
  }
  const assigned = new Set<Value>();
  const order = readValueInfoList(g, fp.valueInfo ?? [], scope, assigned, ctx.file, `${label}: value_info`);
  g.extras = withExtras(g.extras, { [EXTRAS.valueInfo]: order });
  f.extras = withExtras(f.extras, {
    [EXTRAS.present]: presentDefaults(fp, ['name', 'domain', 'overload']),
    [EXTRAS.opsetImport]: opsets.verbatim,
    [EXTRAS.attrValueAbsent]: valueAbsent,
    [EXTRAS.attrDeclaredType]: Object.keys(declared).length > 0 ? declared : undefined,
  });
  return f;
}

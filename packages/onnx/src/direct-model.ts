/**
 * The direct decoder: ModelProto bytes → IR model in one pass over the bytes, without the
 * protobufjs message tree (one object per node, attribute, value info, type and dimension)
 * that the reference path builds and then walks again. NodeProto, ValueInfoProto, TypeProto,
 * GraphProto and the model fields are read straight into the IR; TensorProto, AttributeProto
 * and SparseTensorProto become small protobufjs-shaped objects for the reference converters;
 * rare messages (functions, training info, device configurations, quantization annotations)
 * are decoded by protobufjs from their own byte range.
 *
 * It accepts exactly the inputs the reference path accepts and builds the same model; on
 * anything else (a malformed encoding, a broken rule of the format) it throws (see
 * {@link Bail}), and `decodeModel` falls back to the reference path for the exact error.
 */
import { Graph, Model, fromBigInt } from '@mixprec/ir';
import { readEntry, readOpset, viaProtobuf, type DirectSource, type FileRaw } from './direct-messages.js';
import { directGraph } from './direct-graph.js';
import { TypeCache } from './direct-type-cache.js';
import { EXTRAS, withExtras } from './extras.js';
import { functionFromProto, readOpsets } from './model-decode.js';
import { int64ToBigInt, onnx, type FunctionProto, type IOperatorSetIdProto, type O, type ProtoInt64 } from './proto.js';
import type { TensorContext } from './tensor-decode.js';
import { bail, WireReader } from './wire-read.js';

const SCALARS = ['irVersion', 'producerName', 'producerVersion', 'domain', 'modelVersion'] as const;

/**
 * Decodes a ModelProto. `fileRaws` marks raw_data placeholders whose bytes stay in the model
 * file (see lazy-scan.ts). Throws {@link Bail} (or a LoadFailure) where the reference path fails.
 */
export function decodeDirect(bytes: Uint8Array, ctx: TensorContext, fileRaws?: ReadonlyMap<number, FileRaw>): Model {
  const r = new WireReader(bytes);
  const src: DirectSource = { r, fileRaws, types: new TypeCache(bytes) };
  const end = bytes.length;
  let irVersion: ProtoInt64 = 0;
  let modelVersion: ProtoInt64 = 0;
  let producerName = '';
  let producerVersion = '';
  let domain = '';
  let doc: string | undefined;
  let graphAt = -1;
  let graphEnd = -1;
  /** Scalars present on the wire with their default value, by index in {@link SCALARS}. */
  const present = [false, false, false, false, false];
  const opsets: IOperatorSetIdProto[] = [];
  const meta: [string, string][] = [];
  const training: number[] = [];
  const functions: number[] = [];
  const configuration: number[] = [];
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    if (no === 1 || no === 5) {
      if (wt !== 0) bail();
      const v = r.int64(end);
      if (no === 1) irVersion = v;
      else modelVersion = v;
      present[no === 1 ? 0 : 4] = int64ToBigInt(v) === 0n;
      continue;
    }
    if (no === 2 || no === 3 || no === 4 || no === 6) {
      if (wt !== 2) bail();
      const s = r.string(end);
      if (no === 2) producerName = s;
      else if (no === 3) producerVersion = s;
      else if (no === 4) domain = s;
      else doc = s;
      if (no !== 6) present[no - 1] = s === '';
      continue;
    }
    if (no !== 7 && no !== 8 && no !== 14 && no !== 20 && no !== 25 && no !== 26) {
      r.skip(wt, end);
      continue;
    }
    if (wt !== 2) bail();
    const e = r.len(end) + r.pos;
    switch (no) {
      case 7:
        if (graphAt >= 0) bail();
        graphAt = r.pos;
        graphEnd = e;
        break;
      case 8: opsets.push(readOpset(r, e, 1)); break;
      case 14: { const entry = readEntry(r, e, 1); meta.push([entry.key ?? '', entry.value ?? '']); break; }
      case 20: training.push(r.pos, e); break;
      case 25: functions.push(r.pos, e); break;
      case 26: configuration.push(r.pos, e); break;
    }
    r.pos = e;
  }

  const ir = int64ToBigInt(irVersion);
  if (ir < 0n || ir > 0x7fffffffn) bail();
  const graph = graphAt < 0 ? new Graph('') : directGraph(src, graphAt, graphEnd, 1, [], ctx, 'main graph');
  const model = new Model(graph, { irVersion: Number(ir), opsetImports: [] });
  const ops = readOpsets(opsets);
  for (const [d, v] of ops.map) model.opsetImports.set(d, v);
  model.producerName = producerName;
  model.producerVersion = producerVersion;
  model.domain = domain;
  model.modelVersion = fromBigInt(int64ToBigInt(modelVersion));
  if (doc !== undefined) model.docString = doc;
  for (const [k, v] of meta) model.metadataProps.set(k, v);
  for (let i = 0; i < functions.length; i += 2) {
    const fp = viaProtobuf<FunctionProto>(r, functions[i]!, functions[i + 1]!, 'FunctionProto', 1);
    model.functions.push(functionFromProto(fp, ctx, i >> 1));
  }
  const encoded = (ranges: number[], type: 'TrainingInfoProto' | 'DeviceConfigurationProto'): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const m = viaProtobuf<O.TrainingInfoProto & O.DeviceConfigurationProto>(r, ranges[i]!, ranges[i + 1]!, type, 1);
      out.push(type === 'TrainingInfoProto' ? onnx.TrainingInfoProto.encode(m).finish() : onnx.DeviceConfigurationProto.encode(m).finish());
    }
    return out;
  };
  model.trainingInfo = encoded(training, 'TrainingInfoProto');
  model.extras = withExtras(model.extras, {
    [EXTRAS.present]: SCALARS.filter((_, i) => present[i]),
    [EXTRAS.absent]: graphAt < 0 ? ['graph'] : undefined,
    [EXTRAS.opsetImport]: ops.verbatim,
    [EXTRAS.configuration]: encoded(configuration, 'DeviceConfigurationProto'),
  });
  return model;
}

import type { Attr, Graph, Node, ValueInfo } from '@mixprec/ir';
import { attrSeq, attrToProto, isHeavyAttr, type AttrRecords } from './attr-encode.js';
import { EXTRAS, getExtra, presentSet } from './extras.js';
import { entriesToProto } from './metadata.js';
import { Seq, type Part, joinParts } from './pieces.js';
import { onnx, type IGraphProto, type INodeProto } from './proto.js';
import { isBig, smallParts, sparseSeq, tensorSeq, type ExternalSink } from './tensor-encode.js';
import { infoOf, valueInfoToProto, verbatimStillValid } from './value-info.js';
import { valueInfoBytes } from './value-info-list.js';
import { writeNodeBody, writeSmallRawTensor } from './fast-encode.js';
import { Wire } from './wire.js';

/** Options shared by the graph encoders. */
export interface GraphEncodeContext {
  /** Receives initializer tensors that go to the external-data file. */
  readonly sink: ExternalSink | undefined;
  /** Receives tensor-valued attributes (e.g. Constant values) too, when they may go external. */
  readonly attributeSink?: ExternalSink | undefined;
}

/** Attribute records of a node or function, from its extras. */
export function attrRecords(extras: Readonly<Record<string, unknown>> | undefined): AttrRecords {
  return {
    valueAbsent: new Set(getExtra<string[]>(extras, EXTRAS.attrValueAbsent) ?? []),
    declaredType: getExtra<Record<string, number>>(extras, EXTRAS.attrDeclaredType) ?? {},
  };
}

/** The scalar fields of a NodeProto (everything but attributes). */
function nodeFields(n: Node): INodeProto {
  const present = presentSet(n.extras);
  const out: INodeProto = {
    input: n.inputs.map((v) => v?.name ?? ''),
    output: n.outputs.map((v) => v.name),
  };
  if (n.name !== '' || present.has('name')) out.name = n.name;
  if (n.opType !== '' || present.has('opType')) out.opType = n.opType;
  const spelled = getExtra<string>(n.extras, EXTRAS.domainSpelling);
  if (n.domain === '' && spelled !== undefined) out.domain = spelled;
  else if (n.domain !== '' || present.has('domain')) out.domain = n.domain;
  if (n.overload !== '' || present.has('overload')) out.overload = n.overload;
  if (n.docString !== undefined) out.docString = n.docString;
  if (n.hasMetadata()) out.metadataProps = entriesToProto(n.metadataProps);
  const dev = getExtra<Uint8Array[]>(n.extras, EXTRAS.deviceConfigurations);
  if (dev !== undefined) out.deviceConfigurations = dev.map((b) => onnx.NodeDeviceConfigurationProto.decode(b));
  return out;
}

const NODE_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  input: 1, output: 2, name: 3, opType: 4, docString: 6, domain: 7, overload: 8, metadataProps: 9, deviceConfigurations: 10,
});

/** A NodeProto body: one protobufjs encode, or framed by hand when it holds graphs or big tensors. */
export function nodeSeq(n: Node, ctx: GraphEncodeContext): Seq {
  const rec = attrRecords(n.extras);
  const fields = nodeFields(n);
  const toSink = (a: Attr): boolean => ctx.attributeSink !== undefined && (a.type === 'TENSOR' || a.type === 'TENSORS');
  let heavy = false;
  for (const a of n.attributes.values()) if (isHeavyAttr(a) || toSink(a)) heavy = true;
  if (!heavy) {
    fields.attribute = [...n.attributes].map(([k, a]) => attrToProto(k, a, rec));
    return new Seq().add(onnx.NodeProto.encode(fields).finish());
  }
  const parts = smallParts(fields, NODE_FIELDS, (o) => onnx.NodeProto.encode(o).finish());
  for (const [k, a] of n.attributes) {
    const body = isHeavyAttr(a) || toSink(a)
      ? attrSeq(k, a, rec, (g) => graphSeq(g, ctx), ctx.attributeSink)
      : new Seq().add(onnx.AttributeProto.encode(attrToProto(k, a, rec)).finish());
    parts.push({ no: 5, piece: new Seq().field(5, body) });
  }
  return joinParts(parts);
}

const GRAPH_FIELDS: Readonly<Record<string, number>> = Object.freeze({
  name: 2, docString: 10, input: 11, output: 12, valueInfo: 13, quantizationAnnotation: 14, metadataProps: 16,
});

interface QuantAnnotation {
  readonly tensorName: string;
  readonly quantParameterTensorNames: readonly (readonly [string, string])[];
}

/** True when the node has no graphs, big or external tensors or device configurations. */
function isLightNode(n: Node, ctx: GraphEncodeContext): boolean {
  if (getExtra<unknown[]>(n.extras, EXTRAS.deviceConfigurations) !== undefined) return false;
  if (n.attributes.size === 0) return true;
  for (const a of n.attributes.values()) {
    if (isHeavyAttr(a) || (ctx.attributeSink !== undefined && (a.type === 'TENSOR' || a.type === 'TENSORS'))) return false;
  }
  return true;
}

/** A GraphProto body as pieces. */
export function graphSeq(g: Graph, ctx: GraphEncodeContext): Seq {
  const parts: Part[] = [];
  // Runs of light nodes (and of small initializers) are written into one buffer, each run's own
  // (a view of it is the piece: no copy); other nodes and tensors are framed as pieces.
  let run = new Wire(4096 + 64 * g.size);
  const flush = (no: number, capacity: number): void => {
    if (run.length === 0) return;
    parts.push({ no, piece: run.view() });
    run = new Wire(capacity);
  };
  for (let n = g.first; n !== undefined; n = n.next) {
    if (isLightNode(n, ctx)) {
      const mark = run.openField(1);
      writeNodeBody(run, n, presentSet(n.extras), n.extras === undefined ? undefined : attrRecords(n.extras));
      run.closeField(mark);
    } else {
      flush(1, 64 * 1024);
      parts.push({ no: 1, piece: new Seq().field(1, nodeSeq(n, ctx)) });
    }
  }
  let initBytes = 4096;
  for (const [name, v] of g.initializers) if (!isBig(v.constValue!)) initBytes += 32 + name.length + v.constValue!.byteLength;
  flush(1, initBytes);
  run.reserve(initBytes);
  for (const [name, v] of g.initializers) {
    // With a sink the tensor may go external (the sink decides): always the general path.
    if (ctx.sink === undefined && writeSmallRawTensor(run, 5, v.constValue!, name)) continue;
    flush(5, 64 * 1024);
    parts.push({ no: 5, piece: new Seq().field(5, tensorSeq(v.constValue!, name, ctx.sink)) });
  }
  flush(5, 0);
  for (const v of g.sparseInitializers.values()) parts.push({ no: 15, piece: new Seq().field(15, sparseSeq(v.sparseValue!)) });
  const present = presentSet(g.extras);
  const small: IGraphProto = {};
  if (g.name !== '' || present.has('name')) small.name = g.name;
  if (g.docString !== undefined) small.docString = g.docString;
  const inputOverrides = getExtra<(ValueInfo | null)[]>(g.extras, EXTRAS.inputInfo) ?? [];
  small.input = g.inputs.map((v, i) => {
    const o = inputOverrides[i];
    return valueInfoToProto(o != null && o.name === v.name && v.type === undefined ? o : infoOf(v));
  });
  const overrides = getExtra<(ValueInfo | null)[]>(g.extras, EXTRAS.outputInfo) ?? [];
  small.output = g.outputs.map((v, i) => {
    const o = overrides[i];
    return valueInfoToProto(o != null && o.name === v.name && verbatimStillValid(v, o) ? o : infoOf(v));
  });
  parts.push({ no: 13, piece: valueInfoBytes(g) });
  const qa = getExtra<QuantAnnotation[]>(g.extras, EXTRAS.quantizationAnnotation);
  if (qa !== undefined) {
    small.quantizationAnnotation = qa.map((a) => ({ tensorName: a.tensorName, quantParameterTensorNames: entriesToProto(a.quantParameterTensorNames) }));
  }
  if (g.metadataProps.size > 0) small.metadataProps = entriesToProto(g.metadataProps);
  parts.push(...smallParts(small, GRAPH_FIELDS, (o) => onnx.GraphProto.encode(o).finish()));
  return joinParts(parts);
}

/**
 * The direct decoder's NodeProto reader: IR nodes built straight from the bytes, in the two
 * passes and with the checks of `decodeNodes` (graph-decode.ts). Where those fail, this code
 * bails (see wire-read.ts) and the reference path reports the error.
 */
import { Node, type Attr, type Graph } from '@mixprec/ir';
import { attrFromProto } from './attr-decode.js';
import { readAttribute, readEntry, viaProtobuf, type BodyRange, type DirectSource } from './direct-messages.js';
import { EXTRAS, withExtras } from './extras.js';
import { describeNode, lookup, type Scope } from './graph-decode.js';
import { onnx, type AttributeProto, type O } from './proto.js';
import type { TensorContext } from './tensor-decode.js';
import { bail, RECURSION_LIMIT, type WireReader } from './wire-read.js';

/** Decodes a subgraph (the graph reader, passed in so that the two modules do not import each other). */
export type GraphDecoder = (
  src: DirectSource, start: number, end: number, depth: number, parents: readonly Scope[], ctx: TensorContext, label: string,
) => Graph;

/** Presence bits of NodeProto scalars written with their default ('' ), as `presentDefaults` lists them. */
const P_NAME = 1;
const P_OP = 2;
const P_DOMAIN = 4;
const P_OVERLOAD = 8;
const P_SPELLED = 16;
/** The node has attributes or device configurations. */
const P_NESTED = 32;

/**
 * NodeProtos at `ranges` → nodes of `g`, in the two passes of `decodeNodes`: first each node
 * with its outputs and its number of inputs, then (reading the node's bytes again, so that
 * nothing per node is kept in between) its attributes and inputs.
 */
export function directNodes(
  src: DirectSource, g: Graph, ranges: readonly number[], depth: number,
  scope: Scope, parents: readonly Scope[], ctx: TensorContext, label: string, decodeGraph: GraphDecoder,
): void {
  if (depth > RECURSION_LIMIT) bail();
  const r = src.r;
  const count = ranges.length >> 1;
  const built: Node[] = new Array<Node>(count);
  /** Per node: scalars present with their default, the `ai.onnx` spelling, attributes (P_* bits). */
  const flags = new Uint8Array(count);
  // One init object for every node (the constructor copies what it needs).
  // Inputs and output names are passed at construction so that the node's lists have their
  // final length (a list grown by push reserves 17 slots: ~150 bytes per list and node): the
  // inputs as a list of `undefined` of the right length (shared per length; the constructor
  // copies), set by `replaceInput` in the second pass; the output names in a reused list.
  const noInputs: (undefined[] | undefined)[] = [];
  const outNames: string[] = [];
  const init: {
    opType: string; domain: string; name: string; overload: string; docString: string | undefined; metadataProps: [string, string][] | undefined;
    inputs: undefined[]; outputs: string[];
  } = {
    opType: '', domain: '', name: '', overload: '', docString: undefined, metadataProps: undefined, inputs: [], outputs: outNames,
  };
  for (let k = 0; k < count; k++) {
    const end = ranges[2 * k + 1]!;
    const start = ranges[2 * k]!;
    r.pos = start;
    let name = '';
    let opType = '';
    let domain = '';
    let overload = '';
    let doc: string | undefined;
    let meta: [string, string][] | undefined;
    let present = 0;
    let nested = 0;
    let inputs = 0;
    outNames.length = 0;
    while (r.pos < end) {
      const t = r.tag(end);
      switch (t) {
        case 18: outNames.push(r.string(end)); break;
        case 26: name = r.string(end); present = name === '' ? present | P_NAME : present & ~P_NAME; break;
        case 34: opType = r.symbol(end); present = opType === '' ? present | P_OP : present & ~P_OP; break;
        case 50: doc = r.string(end); break;
        case 58: domain = r.symbol(end); present = domain === '' ? present | P_DOMAIN : present & ~P_DOMAIN; break;
        case 66: overload = r.string(end); present = overload === '' ? present | P_OVERLOAD : present & ~P_OVERLOAD; break;
        case 74: {
          const n = r.len(end);
          const entry = readEntry(r, r.pos + n, depth + 1);
          (meta ??= []).push([entry.key ?? '', entry.value ?? '']);
          break;
        }
        case 10: inputs++; r.skip(2, end); break;
        case 42: case 82: nested = P_NESTED; r.skip(2, end); break;
        default: {
          const no = t >>> 3;
          if (no >= 1 && no <= 10) bail();
          r.skip(t & 7, end);
        }
      }
    }
    init.opType = opType;
    init.domain = domain;
    init.name = name;
    init.overload = overload;
    init.docString = doc;
    init.metadataProps = meta;
    init.inputs = noInputs[inputs] ??= new Array<undefined>(inputs).fill(undefined);
    const node = new Node(init);
    const outs = node.outputs;
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      if (o.name === '') continue;
      // One hash lookup: a name already in scope leaves the size unchanged (and the decode is abandoned).
      const size = scope.size;
      scope.set(o.name, o);
      if (scope.size === size) bail();
    }
    g.append(node);
    built[k] = node;
    flags[k] = present | nested | (domain === 'ai.onnx' ? P_SPELLED : 0);
  }
  const inner = [scope, ...parents];
  let decoded = 0;
  const subgraph = (sg: unknown, sgLabel: string): Graph => {
    const b = sg as BodyRange;
    decoded++;
    return decodeGraph(src, b.start, b.end, b.depth, inner, ctx, `${label} > ${sgLabel}`);
  };
  for (let k = 0; k < count; k++) {
    const node = built[k]!;
    const end = ranges[2 * k + 1]!;
    const present = flags[k]! & (P_NAME | P_OP | P_DOMAIN | P_OVERLOAD);
    const spelled = (flags[k]! & P_SPELLED) !== 0;
    let valueAbsent: string[] | undefined;
    let declared: Record<string, number> | undefined;
    let devices: number[] | undefined;
    const start = ranges[2 * k]!;
    if ((flags[k]! & P_NESTED) !== 0) {
      // Attributes first (subgraphs capture outer values before the node's own inputs use them).
      const where = describeNode(node);
      r.pos = start;
      while (r.pos < end) {
        const t = r.tag(end);
        if (t === 42) {
          const n = r.len(end);
          const attrEnd = r.pos + n;
          const ap = readAttribute(src, attrEnd, depth + 1);
          const name = ap.name as string;
          if (node.attributes.has(name)) bail();
          decoded = 0;
          const read: { attr: Attr; info: { valueAbsent: boolean; declaredType?: number } } = attrFromProto(ap as unknown as AttributeProto, ctx, where, subgraph);
          checkUnusedGraphs(r, ap, decoded);
          node.setAttr(name, read.attr);
          if (read.info.valueAbsent) (valueAbsent ??= []).push(name);
          if (read.info.declaredType !== undefined) (declared ??= {})[name] = read.info.declaredType;
          r.pos = attrEnd;
        } else if (t === 82) {
          const n = r.len(end);
          (devices ??= []).push(r.pos, r.pos + n);
          r.pos += n;
        } else {
          r.skip(t & 7, end);
        }
      }
    }
    r.pos = start;
    let slot = 0;
    while (r.pos < end) {
      const t = r.tag(end);
      if (t !== 10) {
        r.skip(t & 7, end);
        continue;
      }
      const name = r.string(end);
      if (name === '') {
        slot++;
        continue;
      }
      const v = scope.get(name) ?? lookup(name, scope, parents);
      if (v === undefined) return bail();
      node.replaceInput(slot++, v);
    }
    if (present !== 0 || spelled || valueAbsent !== undefined || declared !== undefined || devices !== undefined) {
      const dev: Uint8Array[] = [];
      for (let i = 0; i < (devices?.length ?? 0); i += 2) {
        const d = viaProtobuf<O.NodeDeviceConfigurationProto>(r, devices![i]!, devices![i + 1]!, 'NodeDeviceConfigurationProto', depth + 1);
        dev.push(onnx.NodeDeviceConfigurationProto.encode(d).finish());
      }
      node.extras = withExtras(node.extras, {
        [EXTRAS.present]: presentNames(present),
        [EXTRAS.domainSpelling]: spelled ? 'ai.onnx' : undefined,
        [EXTRAS.attrValueAbsent]: valueAbsent,
        [EXTRAS.attrDeclaredType]: declared,
        [EXTRAS.deviceConfigurations]: dev,
      });
    }
  }
}

/**
 * Graphs of an attribute that its type does not use (a `g` beside `type: INT`) are never built,
 * but protobufjs decodes them all the same and fails on a malformed one: so must this decoder.
 */
function checkUnusedGraphs(r: WireReader, ap: Record<string, unknown>, decoded: number): void {
  const ranges: BodyRange[] = [];
  if (ap.g !== undefined) ranges.push(ap.g as BodyRange);
  if (ap.graphs !== undefined) ranges.push(...(ap.graphs as BodyRange[]));
  if (decoded === ranges.length) return;
  for (const b of ranges) viaProtobuf(r, b.start, b.end, 'GraphProto', b.depth);
}

function presentNames(bits: number): string[] {
  const out: string[] = [];
  if ((bits & P_NAME) !== 0) out.push('name');
  if ((bits & P_OP) !== 0) out.push('opType');
  if ((bits & P_DOMAIN) !== 0) out.push('domain');
  if ((bits & P_OVERLOAD) !== 0) out.push('overload');
  return out;
}

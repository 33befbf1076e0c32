/**
 * The direct decoder's GraphProto and NodeProto readers: IR graphs, nodes and values built
 * straight from the bytes, in the order and with the checks of `graphFromProto` /
 * `decodeNodes` (graph-decode.ts). Where those fail, this code bails (see wire-read.ts) and the
 * reference path reports the error; where they succeed, both build the same graph.
 */
import { Graph, Node, Value, tensorType, type Attr, type ValueInfo } from '@mixprec/ir';
import { attrFromProto, sparseFromProto } from './attr-decode.js';
import {
  readAttribute, readEntry, readSparse, readTensor, viaProtobuf, type BodyRange, type DirectSource,
} from './direct-messages.js';
import { readValueInfo } from './direct-types.js';
import { EXTRAS, withExtras } from './extras.js';
import { describeNode, lookup, type Scope } from './graph-decode.js';
import { entriesFromProto } from './metadata.js';
import { onnx, type AttributeProto, type O, type SparseTensorProto, type TensorProto } from './proto.js';
import { tensorFromProto, type TensorContext } from './tensor-decode.js';
import { applyInfo, infoMatches, placeValueInfos, type ReadValueInfo } from './value-info.js';
import { bail, RECURSION_LIMIT, type WireReader } from './wire-read.js';

/** Field ranges of one GraphProto, as flat (start, end) pairs per repeated field. */
interface GraphFields {
  name: string;
  nameSeen: boolean;
  doc: string | undefined;
  readonly nodes: number[];
  readonly initializers: number[];
  readonly inputs: number[];
  readonly outputs: number[];
  readonly valueInfo: number[];
  readonly annotations: number[];
  readonly sparse: number[];
  readonly meta: number[];
}

function scanGraph(r: WireReader, start: number, end: number): GraphFields {
  const f: GraphFields = {
    name: '', nameSeen: false, doc: undefined,
    nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [], annotations: [], sparse: [], meta: [],
  };
  r.pos = start;
  while (r.pos < end) {
    const t = r.tag(end);
    const no = t >>> 3;
    const wt = t & 7;
    let list: number[] | undefined;
    switch (no) {
      case 1: list = f.nodes; break;
      case 2: if (wt !== 2) bail(); f.name = r.string(end); f.nameSeen = true; continue;
      case 5: list = f.initializers; break;
      case 10: if (wt !== 2) bail(); f.doc = r.string(end); continue;
      case 11: list = f.inputs; break;
      case 12: list = f.outputs; break;
      case 13: list = f.valueInfo; break;
      case 14: list = f.annotations; break;
      case 15: list = f.sparse; break;
      case 16: list = f.meta; break;
      default: r.skip(wt, end); continue;
    }
    if (wt !== 2) bail();
    const n = r.len(end);
    list.push(r.pos, r.pos + n);
    r.pos += n;
  }
  return f;
}

/** GraphProto (the bytes `[start, end)` at nesting `depth`) → Graph; see `graphFromProto`. */
export function directGraph(src: DirectSource, start: number, end: number, depth: number, parents: readonly Scope[], ctx: TensorContext, label: string): Graph {
  if (depth > RECURSION_LIMIT) bail();
  const r = src.r;
  const f = scanGraph(r, start, end);
  const g = new Graph(f.name);
  if (f.doc !== undefined) g.docString = f.doc;
  for (const [k, v] of entries(r, f.meta, depth + 1)) g.metadataProps.set(k, v);
  const scope: Scope = new Map();
  const assigned = new Set<Value>();

  const inputInfo: (ValueInfo | null)[] = [];
  for (let i = 0; i < f.inputs.length; i += 2) {
    r.pos = f.inputs[i]!;
    const info = readValueInfo(r, f.inputs[i + 1]!, depth + 1);
    if (scope.has(info.name)) bail();
    const v = new Value(info.name);
    applyInfo(v, info);
    inputInfo.push(info.rawType !== undefined ? info : null);
    assigned.add(v);
    g.addInput(v);
    scope.set(info.name, v);
  }
  for (let i = 0; i < f.initializers.length; i += 2) {
    r.pos = f.initializers[i]!;
    const tp = readTensor(src, f.initializers[i + 1]!, depth + 1);
    const name = tp.name as string;
    if (name === '') bail();
    const t = tensorFromProto(tp as unknown as TensorProto, ctx, `${label}: initializer '${name}'`);
    const existing = scope.get(name);
    if (existing !== undefined && (!existing.isGraphInput() || existing.isInitializer())) bail();
    const v = existing ?? new Value(name);
    v.constValue = t;
    g.addInitializer(v);
    scope.set(name, v);
  }
  for (let i = 0; i < f.sparse.length; i += 2) {
    r.pos = f.sparse[i]!;
    const sp = readSparse(src, f.sparse[i + 1]!, depth + 1);
    const name = ((sp.values as { name?: string } | undefined)?.name) ?? '';
    if (name === '' || scope.has(name)) bail();
    const v = new Value(name);
    v.sparseValue = sparseFromProto(sp as unknown as SparseTensorProto, ctx, `'${name}' of ${label}`);
    g.addSparseInitializer(v);
    scope.set(name, v);
  }

  directNodes(src, g, f.nodes, depth + 1, scope, parents, ctx, label);

  const infos: ReadValueInfo[] = [];
  for (let i = 0; i < f.valueInfo.length; i += 2) {
    r.pos = f.valueInfo[i]!;
    infos.push(readValueInfo(r, f.valueInfo[i + 1]!, depth + 1));
  }
  const order = placeValueInfos(g, infos, scope, assigned);
  const outputInfo: (ValueInfo | null)[] = [];
  for (let i = 0; i < f.outputs.length; i += 2) {
    r.pos = f.outputs[i]!;
    const info = readValueInfo(r, f.outputs[i + 1]!, depth + 1);
    const v = lookup(info.name, scope, parents);
    if (v === undefined) return bail();
    const local = scope.get(info.name) === v;
    if (local && !assigned.has(v) && info.rawType === undefined) {
      applyInfo(v, info);
      assigned.add(v);
      outputInfo.push(null);
    } else {
      outputInfo.push(infoMatches(v, info) ? null : info);
    }
    g.addOutput(v);
  }
  for (const v of g.initializers.values()) if (!assigned.has(v)) v.type = tensorType(v.constValue!.dtype, v.constValue!.dims);

  const qa: { tensorName: string; quantParameterTensorNames: [string, string][] }[] = [];
  for (let i = 0; i < f.annotations.length; i += 2) {
    const a = viaProtobuf<O.TensorAnnotation>(r, f.annotations[i]!, f.annotations[i + 1]!, 'TensorAnnotation', depth + 1);
    qa.push({ tensorName: a.tensorName ?? '', quantParameterTensorNames: entriesFromProto(a.quantParameterTensorNames) });
  }
  g.extras = withExtras(g.extras, {
    [EXTRAS.present]: f.nameSeen && f.name === '' ? ['name'] : undefined,
    [EXTRAS.valueInfo]: order,
    [EXTRAS.outputInfo]: outputInfo.some((x) => x !== null) ? outputInfo : undefined,
    [EXTRAS.inputInfo]: inputInfo.some((x) => x !== null) ? inputInfo : undefined,
    [EXTRAS.quantizationAnnotation]: qa,
  });
  return g;
}

function entries(r: WireReader, ranges: readonly number[], depth: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    r.pos = ranges[i]!;
    const e = readEntry(r, ranges[i + 1]!, depth);
    out.push([e.key ?? '', e.value ?? '']);
  }
  return out;
}

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
 * with its outputs, then (reading the node's bytes again, so that nothing per node is kept in
 * between) its attributes and inputs.
 */
export function directNodes(
  src: DirectSource, g: Graph, ranges: readonly number[], depth: number,
  scope: Scope, parents: readonly Scope[], ctx: TensorContext, label: string,
): void {
  if (depth > RECURSION_LIMIT) bail();
  const r = src.r;
  const count = ranges.length >> 1;
  const built: Node[] = new Array<Node>(count);
  /** Per node: scalars present with their default, the `ai.onnx` spelling, attributes (P_* bits). */
  const flags = new Uint8Array(count);
  // One init object for every node (the constructor copies what it needs).
  const init: { opType: string; domain: string; name: string; overload: string; docString: string | undefined; metadataProps: [string, string][] | undefined } = {
    opType: '', domain: '', name: '', overload: '', docString: undefined, metadataProps: undefined,
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
    let outputs = 0;
    let nested = 0;
    while (r.pos < end) {
      const t = r.tag(end);
      switch (t) {
        case 18: outputs++; r.skip(2, end); break;
        case 26: name = r.string(end); present = name === '' ? present | P_NAME : present & ~P_NAME; break;
        case 34: opType = r.string(end); present = opType === '' ? present | P_OP : present & ~P_OP; break;
        case 50: doc = r.string(end); break;
        case 58: domain = r.string(end); present = domain === '' ? present | P_DOMAIN : present & ~P_DOMAIN; break;
        case 66: overload = r.string(end); present = overload === '' ? present | P_OVERLOAD : present & ~P_OVERLOAD; break;
        case 74: {
          const n = r.len(end);
          const entry = readEntry(r, r.pos + n, depth + 1);
          (meta ??= []).push([entry.key ?? '', entry.value ?? '']);
          break;
        }
        case 10: r.skip(2, end); break;
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
    const node = new Node(init);
    if (outputs > 0) {
      // The outputs, in order, from a second look at the node's bytes.
      r.pos = start;
      while (r.pos < end) {
        const t = r.tag(end);
        if (t !== 18) {
          r.skip(t & 7, end);
          continue;
        }
        const o = node.appendOutput(r.string(end));
        if (o.name === '') continue;
        if (scope.has(o.name)) bail();
        scope.set(o.name, o);
      }
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
    return directGraph(src, b.start, b.end, b.depth, inner, ctx, `${label} > ${sgLabel}`);
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
    while (r.pos < end) {
      const t = r.tag(end);
      if (t !== 10) {
        r.skip(t & 7, end);
        continue;
      }
      const name = r.string(end);
      if (name === '') {
        node.appendInput(undefined);
        continue;
      }
      const v = scope.get(name) ?? lookup(name, scope, parents);
      if (v === undefined) return bail();
      node.appendInput(v);
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

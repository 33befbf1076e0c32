/**
 * The direct decoder's GraphProto reader: IR graphs and values built straight from the bytes,
 * in the order and with the checks of `graphFromProto` (graph-decode.ts). Where those fail,
 * this code bails (see wire-read.ts) and the reference path reports the error; where they
 * succeed, both build the same graph.
 */
import { Graph, Value, tensorType, type ValueInfo } from '@mixprec/ir';
import { sparseFromProto } from './attr-decode.js';
import { readEntry, readSparse, readTensor, viaProtobuf, type DirectSource } from './direct-messages.js';
import { directNodes } from './direct-nodes.js';
import { readValueInfo } from './direct-types.js';
import { addGraphInput, lookup, recordGraphExtras, type Scope } from './graph-decode.js';
import { entriesFromProto } from './metadata.js';
import { type O, type SparseTensorProto, type TensorProto } from './proto.js';
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
    const info = readValueInfo(src, f.inputs[i + 1]!, depth + 1);
    if (scope.has(info.name)) bail();
    addGraphInput(g, info, scope, assigned, inputInfo);
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

  directNodes(src, g, f.nodes, depth + 1, scope, parents, ctx, label, directGraph);

  const infos: ReadValueInfo[] = [];
  for (let i = 0; i < f.valueInfo.length; i += 2) {
    r.pos = f.valueInfo[i]!;
    infos.push(readValueInfo(src, f.valueInfo[i + 1]!, depth + 1));
  }
  const orderValues: (Value | undefined)[] = [];
  const order = placeValueInfos(g, infos, scope, assigned, orderValues);
  const outputInfo: (ValueInfo | null)[] = [];
  for (let i = 0; i < f.outputs.length; i += 2) {
    r.pos = f.outputs[i]!;
    const info = readValueInfo(src, f.outputs[i + 1]!, depth + 1);
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
  recordGraphExtras(g, { present: f.nameSeen && f.name === '' ? ['name'] : undefined, order, orderValues, inputInfo, outputInfo, qa });
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

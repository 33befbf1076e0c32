import { Graph, Node, Value, tensorType, type ValueInfo } from '@mixprec/ir';
import { attrFromProto, sparseFromProto } from './attr-decode.js';
import { LoadFailure } from './errors.js';
import { EXTRAS, has, presentDefaults, withExtras } from './extras.js';
import { entriesFromProto } from './metadata.js';
import type { AttributeProto, GraphProto, INodeProto, NodeProto, SparseTensorProto, TensorProto, ValueInfoProto } from './proto.js';
import { onnx } from './proto.js';
import { tensorFromProto, type TensorContext } from './tensor-decode.js';
import { applyInfo, infoMatches, readValueInfoList, valueInfoFromProto, type ReadValueInfo } from './value-info.js';

/** Names visible in one graph: its inputs, initializers and node outputs. */
export type Scope = Map<string, Value>;

/**
 * GraphProto → Graph, resolving names lexically: a name is looked up in this graph first,
 * then in the enclosing graphs (`parents`, innermost first), so outer-scope captures become
 * real uses of the outer values. Nodes keep file order, even when it is not topological.
 */
export function graphFromProto(gp: GraphProto, parents: readonly Scope[], ctx: TensorContext, label: string): Graph {
  const g = new Graph(gp.name ?? '');
  if (has(gp, 'docString')) g.docString = gp.docString;
  for (const [k, v] of entriesFromProto(gp.metadataProps)) g.metadataProps.set(k, v);
  const scope: Scope = new Map();
  /** Values whose info is set: by their input entry, or by the first value_info/output entry. */
  const assigned = new Set<Value>();
  const fail = (message: string, extra: { node?: string; value?: string } = {}): never => {
    throw new LoadFailure({ _tag: 'InvalidModel', file: ctx.file, message: `${label}: ${message}`, graph: g.name, ...extra });
  };

  const inputInfo: (ValueInfo | null)[] = [];
  for (const vi of gp.input ?? []) {
    const info = valueInfoFromProto(vi as ValueInfoProto, ctx.file, `${label}: input`);
    if (scope.has(info.name)) fail(`input '${info.name}' is listed twice`, { value: info.name });
    addGraphInput(g, info, scope, assigned, inputInfo);
  }
  (gp.initializer ?? []).forEach((tp, i) => {
    const name = tp.name ?? '';
    if (name === '') fail(`initializer #${i} has no name`);
    const t = tensorFromProto(tp as TensorProto, ctx, `${label}: initializer '${name}'`);
    const existing = scope.get(name);
    if (existing !== undefined && (!existing.isGraphInput() || existing.isInitializer())) fail(`initializer '${name}' is defined twice`, { value: name });
    // An initializer named like a graph input is that input's default (IR < 4: every weight).
    const v = existing ?? new Value(name);
    v.constValue = t;
    g.addInitializer(v);
    scope.set(name, v);
  });
  (gp.sparseInitializer ?? []).forEach((sp, i) => {
    const name = sp.values?.name ?? '';
    if (name === '') fail(`sparse initializer #${i} has no name (its values tensor must be named)`);
    if (scope.has(name)) fail(`sparse initializer '${name}' has the name of another value`, { value: name });
    const v = new Value(name);
    v.sparseValue = sparseFromProto(sp as SparseTensorProto, ctx, `'${name}' of ${label}`);
    g.addSparseInitializer(v);
    scope.set(name, v);
  });

  decodeNodes(g, gp.node ?? [], scope, parents, ctx, label);

  // value_info: attach to this graph's values; keep file order and entries that differ.
  const orderValues: (Value | undefined)[] = [];
  const order = readValueInfoList(g, gp.valueInfo ?? [], scope, assigned, ctx.file, `${label}: value_info`, orderValues);
  const outputInfo: (ValueInfo | null)[] = [];
  for (const vi of gp.output ?? []) {
    const info = valueInfoFromProto(vi as ValueInfoProto, ctx.file, `${label}: output`);
    const v = lookup(info.name, scope, parents);
    if (v === undefined) fail(`output '${info.name}' is not produced by any node, input or initializer`, { value: info.name });
    const local = scope.get(info.name) === v;
    if (local && !assigned.has(v!) && info.rawType === undefined) {
      applyInfo(v!, info);
      assigned.add(v!);
      outputInfo.push(null);
    } else {
      outputInfo.push(infoMatches(v!, info) ? null : info);
    }
    g.addOutput(v!);
  }
  // Initializers without declared types get the type of their tensor.
  for (const v of g.initializers.values()) if (!assigned.has(v)) v.type = tensorType(v.constValue!.dtype, v.constValue!.dims);

  const qa = (gp.quantizationAnnotation ?? []).map((a) => ({
    tensorName: a.tensorName ?? '',
    quantParameterTensorNames: entriesFromProto(a.quantParameterTensorNames),
  }));
  recordGraphExtras(g, { present: presentDefaults(gp, ['name']), order, orderValues, inputInfo, outputInfo, qa });
  return g;
}

/** What a decoder records of a GraphProto beside its values and nodes (both decoders). */
export interface GraphRecord {
  /** Scalar fields present with their default value. */
  readonly present: readonly string[] | undefined;
  /** value_info entries in file order (names, or entries kept verbatim), and the values they named. */
  readonly order: readonly (string | ValueInfo)[];
  readonly orderValues: readonly (Value | undefined)[];
  /** Per graph input/output: its ValueInfoProto when it differs from the value's own info. */
  readonly inputInfo: readonly (ValueInfo | null)[];
  readonly outputInfo: readonly (ValueInfo | null)[];
  readonly qa: readonly { tensorName: string; quantParameterTensorNames: readonly (readonly [string, string])[] }[];
}

/** Stores a {@link GraphRecord} in the graph's extras (empty parts are left out). */
export function recordGraphExtras(g: Graph, r: GraphRecord): void {
  g.extras = withExtras(g.extras, {
    [EXTRAS.present]: r.present,
    [EXTRAS.valueInfo]: r.order,
    [EXTRAS.valueInfoValues]: r.orderValues,
    [EXTRAS.outputInfo]: r.outputInfo.some((x) => x !== null) ? r.outputInfo : undefined,
    [EXTRAS.inputInfo]: r.inputInfo.some((x) => x !== null) ? r.inputInfo : undefined,
    [EXTRAS.quantizationAnnotation]: r.qa,
  });
}

/**
 * A graph input from its ValueInfoProto (both decoders): typed as declared, in scope; its info
 * recorded in `inputInfo` when the type is one the IR does not model (kept verbatim).
 */
export function addGraphInput(g: Graph, info: ReadValueInfo, scope: Scope, assigned: Set<Value>, inputInfo: (ValueInfo | null)[]): void {
  const v = new Value(info.name);
  applyInfo(v, info);
  inputInfo.push(info.rawType !== undefined ? info : null);
  assigned.add(v);
  g.addInput(v);
  scope.set(info.name, v);
}

export function lookup(name: string, scope: Scope, parents: readonly Scope[]): Value | undefined {
  const v = scope.get(name);
  if (v !== undefined) return v;
  for (const p of parents) {
    const w = p.get(name);
    if (w !== undefined) return w;
  }
  return undefined;
}

/**
 * Decodes the nodes of a graph or function body into `g`: first every node and its outputs
 * (so that names resolve whatever the file order), then attributes (subgraphs see the whole
 * enclosing scope) and inputs.
 */
export function decodeNodes(
  g: Graph, nodes: readonly INodeProto[], scope: Scope,
  parents: readonly Scope[], ctx: TensorContext, label: string,
): void {
  const fail = (message: string, node: string): never => {
    throw new LoadFailure({ _tag: 'InvalidModel', file: ctx.file, message: `${label}: ${message}`, graph: g.name, node });
  };
  const built: Node[] = [];
  const protos = nodes as readonly NodeProto[];
  for (const np of protos) {
    const node = new Node({
      opType: np.opType ?? '',
      domain: np.domain ?? '',
      name: np.name ?? '',
      overload: np.overload ?? '',
      ...(has(np, 'docString') ? { docString: np.docString } : {}),
      ...(np.metadataProps != null && np.metadataProps.length > 0 ? { metadataProps: entriesFromProto(np.metadataProps) } : {}),
      outputs: np.output ?? [],
    });
    for (const o of node.outputs) {
      if (o.name === '') continue;
      const prev = scope.get(o.name);
      if (prev !== undefined) {
        const by = prev.producer();
        fail(`value '${o.name}' is produced twice: by ${describeNode(node)} and ${by === undefined ? 'as a graph input or initializer' : `by ${describeNode(by)}`}`, node.name);
      }
      scope.set(o.name, o);
    }
    g.append(node);
    built.push(node);
  }
  const inner = [scope, ...parents];
  for (let i = 0; i < protos.length; i++) {
    const np = protos[i]!;
    const node = built[i]!;
    const attrs = np.attribute;
    // Built only for nodes with attributes (messages name the node); most nodes of big graphs have none.
    const where = attrs != null && attrs.length > 0 ? describeNode(node) : '';
    let valueAbsent: string[] | undefined;
    let declared: Record<string, number> | undefined;
    for (const ap of attrs ?? []) {
      const name = ap.name ?? '';
      if (node.attributes.has(name)) fail(`${where} has attribute '${name}' twice`, node.name);
      const { attr, info } = attrFromProto(ap as AttributeProto, ctx, where, (sg, sgLabel) => graphFromProto(sg as GraphProto, inner, ctx, `${label} > ${sgLabel}`));
      node.setAttr(name, attr);
      if (info.valueAbsent) (valueAbsent ??= []).push(name);
      if (info.declaredType !== undefined) (declared ??= {})[name] = info.declaredType;
    }
    for (const name of np.input ?? []) {
      if (name === '') {
        node.appendInput(undefined);
        continue;
      }
      const v = lookup(name, scope, parents);
      if (v === undefined) fail(`${describeNode(node)} reads '${name}', which no graph input, initializer or node output defines`, node.name);
      node.appendInput(v);
    }
    const present = presentDefaults(np, NODE_SCALARS);
    const devices = np.deviceConfigurations;
    const spelled = np.domain === 'ai.onnx';
    // Extras only for nodes that have something to record (the common node has nothing).
    if (present.length > 0 || spelled || valueAbsent !== undefined || declared !== undefined || (devices != null && devices.length > 0)) {
      node.extras = withExtras(node.extras, {
        [EXTRAS.present]: present,
        [EXTRAS.domainSpelling]: spelled ? 'ai.onnx' : undefined,
        [EXTRAS.attrValueAbsent]: valueAbsent,
        [EXTRAS.attrDeclaredType]: declared,
        [EXTRAS.deviceConfigurations]: (devices ?? []).map((d) => onnx.NodeDeviceConfigurationProto.encode(d).finish()),
      });
    }
  }
}

/** NodeProto scalar fields whose presence with a default value is recorded. */
const NODE_SCALARS: readonly string[] = Object.freeze(['name', 'opType', 'domain', 'overload']);

/** A node for messages: `node 'conv1' (Conv)`, or by its first output when unnamed. */
export function describeNode(n: Node): string {
  return n.name !== '' ? `node '${n.name}' (${n.opType})` : `unnamed ${n.opType} node with output '${n.outputs[0]?.name ?? ''}'`;
}

/** Decodes one attribute of a function (a default value); functions have no outer scope. */
export function functionAttrFromProto(ap: AttributeProto, ctx: TensorContext, where: string): ReturnType<typeof attrFromProto> {
  return attrFromProto(ap, ctx, where, (sg, sgLabel) => graphFromProto(sg as GraphProto, [], ctx, sgLabel));
}

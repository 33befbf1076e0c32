import {
  DataType, elementDType, getOpSchema, outputParam, parseDataType, outputTypeParam, parseTypeString, topologicalOrder, walkGraphs,
  type Graph, type Model, type Node, type Value, type ValueType,
} from '@mixprec/ir';

/** How a value is held: a tensor, or a container that a Cast cannot convert. */
export type ValueKind = 'tensor' | 'sequence' | 'optional' | 'map' | 'sparse_tensor' | 'opaque';

interface Info {
  readonly dtype: DataType | undefined;
  readonly kind: ValueKind | undefined;
}

const NONE: Info = Object.freeze({ dtype: undefined, kind: undefined });

/** Ops whose output element type is their first input's (sequence/optional plumbing). */
const ELEMENT_OF_FIRST_INPUT = new Set([
  'SequenceConstruct', 'SequenceInsert', 'SequenceAt', 'SequenceErase', 'SplitToSequence', 'ConcatFromSequence',
  'Optional', 'OptionalGetElement', 'Identity',
]);

/** Creation ops whose output dtype is an attribute: name, and the default when absent (`input`: like input 0). */
export const DTYPE_ATTR: Readonly<Record<string, readonly [string, DataType | 'input']>> = Object.freeze({
  EyeLike: ['dtype', 'input'], RandomNormalLike: ['dtype', 'input'], RandomUniformLike: ['dtype', 'input'],
  Bernoulli: ['dtype', 'input'], RandomNormal: ['dtype', DataType.FLOAT], RandomUniform: ['dtype', DataType.FLOAT],
  SequenceEmpty: ['dtype', DataType.FLOAT], HannWindow: ['output_datatype', DataType.FLOAT],
  HammingWindow: ['output_datatype', DataType.FLOAT], BlackmanWindow: ['output_datatype', DataType.FLOAT],
  MelWeightMatrix: ['output_datatype', DataType.FLOAT],
});

/** Interned infos of declared types, by kind and dtype (slot 0: unknown dtype), built once. */
const INTERNED_DTYPES = 32;
const INTERNED: Readonly<Record<ValueKind, readonly Info[]>> = Object.freeze(Object.fromEntries(
  (['tensor', 'sequence', 'optional', 'map', 'sparse_tensor', 'opaque'] as const).map((kind) => [kind, Object.freeze(
    Array.from({ length: INTERNED_DTYPES + 1 }, (_, d) => Object.freeze({ dtype: d === 0 ? undefined : (d - 1) as DataType, kind })),
  )]),
) as Record<ValueKind, readonly Info[]>);

function infoOfType(t: ValueType | undefined): Info {
  if (t === undefined) return NONE;
  const dtype = elementDType(t);
  // One shared object per (kind, dtype): a model's values need no Info object each.
  // A hostile file may declare any int32 as elem_type (negative ones too): those are not interned.
  const slot = dtype === undefined ? 0 : dtype >= 0 && dtype < INTERNED_DTYPES ? dtype + 1 : -1;
  return slot >= 0 ? INTERNED[t.kind][slot]! : { dtype, kind: t.kind };
}

/**
 * Element dtypes and kinds of every value of a model, as declared, or — where a node output
 * carries no type — derived from the operator schema (type parameters bound to inputs, fixed
 * type strings, `to`/`dtype` attributes, control-flow bodies). Read-only: the model is not
 * changed, so the mixed-precision analysis stays pure even without `infer-types`.
 */
export class DTypeResolver {
  /**
   * Infos that differ from what the value's type says now: derived ones (untyped values), and
   * those pinned before an edit changed the type. Every other value's info is its type's (most
   * values once `infer-types` ran: they cost no entry, and looking them up no hash).
   */
  readonly #info = new Map<Value, Info>();
  readonly #model: Model;
  /** Nodes of each graph in topological order, as resolved (the analysis walks the same order). */
  readonly #order = new Map<Graph, readonly Node[]>();
  /**
   * Values whose kind is known and not a tensor (sequences, optionals, maps, sparse tensors:
   * what a Cast cannot convert), with the graph whose values list them (as `graphValues` does),
   * found while resolving (so nobody walks every value to look for the few there are).
   */
  readonly containers: { readonly value: Value; readonly graph: Graph }[] = [];
  /** Nodes that hold subgraphs (If/Loop/Scan and the like), in resolution order. */
  readonly withSubgraphs: Node[] = [];
  /** The Constant nodes of each graph resolved, in graph order (see {@link constantNodes}). */
  readonly #constants = new Map<Graph, Node[]>();

  constructor(model: Model) {
    this.#model = model;
    this.#graph(model.graph);
  }

  /**
   * Keeps the info `v` has now as its original one: call it before changing the type of a
   * value of the resolved model (the rewrite does), so that `dtype`/`kind` still answer the
   * original element type and kind afterwards.
   */
  pin(v: Value): void {
    if (v.name !== '' && !this.#info.has(v)) this.#info.set(v, infoOfType(v.type));
  }

  /** The nodes of `g` in the topological order the resolver used (`g` as it was then). */
  order(g: Graph): readonly Node[] {
    let o = this.#order.get(g);
    if (o === undefined) this.#order.set(g, (o = topologicalOrder(g)));
    return o;
  }

  /**
   * True when some value's info is not simply its type's (derived for an untyped value, or
   * pinned): while false, `dtype(v)` is the element dtype of `v.type` (for a named value).
   */
  get hasOwnInfo(): boolean {
    return this.#info.size > 0;
  }

  /** Element dtype (looking through sequences/optionals); undefined when unknown. */
  dtype(v: Value | undefined): DataType | undefined {
    if (v === undefined || v.name === '') return undefined;
    // (Typed models leave the map empty: then no lookup at all.)
    const i = this.#info.size > 0 ? this.#info.get(v) : undefined;
    if (i !== undefined) return i.dtype;
    const t = v.type;
    return t === undefined ? undefined : t.kind === 'tensor' ? t.dtype : elementDType(t);
  }

  /** Kind of value; undefined when unknown (treated as a tensor). */
  kind(v: Value | undefined): ValueKind | undefined {
    if (v === undefined) return undefined;
    const i = this.#info.size > 0 ? this.#info.get(v) : undefined;
    return i !== undefined ? i.kind : v.type?.kind;
  }

  /** True for float values a Cast cannot convert (sequences, optionals, maps, sparse tensors). */
  isContainer(v: Value): boolean {
    const k = this.kind(v);
    return k !== undefined && k !== 'tensor';
  }

  /** Records `info` for `v` unless its type says the same. */
  #set(v: Value, info: Info): void {
    if (v.name !== '' && info !== infoOfType(v.type)) this.#info.set(v, info);
  }

  /**
   * The Constant nodes (default domain) of `g`, in graph order, as resolved: the topological order
   * takes nodes in graph order wherever dependencies allow, and a Constant depends on nothing,
   * so the Constants keep their relative order. Undefined for a graph the resolver did not see.
   */
  constantNodes(g: Graph): readonly Node[] | undefined {
    return this.#constants.get(g);
  }

  /** Notes `v` (listed among `g`'s values) when its kind is a container's. */
  #noteKind(v: Value, kind: ValueKind | undefined, g: Graph): void {
    if (kind !== undefined && kind !== 'tensor') this.containers.push({ value: v, graph: g });
  }

  #graph(g: Graph): void {
    // Graph inputs are taken as typed (also with no type: unknown); Loop/Scan body inputs may
    // have been given the outer value's dtype already.
    for (const v of g.inputs) this.#noteKind(v, this.kind(v), g);
    for (const v of g.initializers.values()) {
      if (v.type === undefined) this.#set(v, { dtype: v.constValue?.dtype, kind: 'tensor' });
      this.#noteKind(v, this.kind(v), g);
    }
    for (const v of g.sparseInitializers.values()) {
      this.#set(v, { dtype: v.sparseValue?.values.dtype, kind: 'sparse_tensor' });
      this.#noteKind(v, this.kind(v), g);
    }
    const order = this.order(g);
    const constants: Node[] = [];
    this.#constants.set(g, constants);
    for (let k = 0; k < order.length; k++) {
      const n = order[k]!;
      if (n.opType === 'Constant' && n.domain === '') constants.push(n);
      this.#node(n, g);
    }
  }

  #node(n: Node, g: Graph): void {
    if (n.hasSubgraphs()) {
      this.withSubgraphs.push(n);
      if (n.domain === '' && (n.opType === 'Loop' || n.opType === 'Scan')) this.#typeBodyInputs(n);
      for (const sg of n.subgraphs()) this.#graph(sg);
    }
    const outs = n.outputs;
    for (let i = 0; i < outs.length; i++) {
      const o = outs[i]!;
      if (o.name === '') continue;
      // Typed (the usual case after infer-types): nothing to derive or record.
      const t = o.type;
      if (t !== undefined && (t.kind === 'tensor' ? t.dtype : elementDType(t)) !== undefined) {
        if (t.kind !== 'tensor') this.#noteKind(o, t.kind, g);
        continue;
      }
      const derived = this.#derive(n, i);
      const info: Info = { dtype: derived.dtype, kind: t?.kind ?? derived.kind };
      this.#set(o, info);
      this.#noteKind(o, info.kind, g);
    }
  }

  /** Body inputs without a type take the dtype of the outer value they receive. */
  #typeBodyInputs(n: Node): void {
    const body = n.getGraph('body');
    if (body === undefined) return;
    const opset = this.#model.opset('') ?? 1;
    let pairs: [Value, Value | undefined][] = [];
    if (n.opType === 'Loop') {
      pairs = body.inputs.slice(2).map((b, k) => [b, n.inputs[2 + k]]);
    } else {
      const off = opset < 9 ? 1 : 0;
      pairs = body.inputs.map((b, k) => [b, n.inputs[off + k]]);
    }
    for (const [b, outer] of pairs) {
      if (b.type !== undefined && elementDType(b.type) !== undefined) continue;
      if (outer !== undefined) this.#set(b, { dtype: this.dtype(outer), kind: this.kind(outer) });
    }
  }

  #derive(n: Node, o: number): Info {
    if (n.domain === '') {
      switch (n.opType) {
        case 'Cast': {
          const to = n.attributes.get('to');
          const dtype = to?.type === 'INT' ? Number(to.value) as DataType
            : to?.type === 'STRING' ? parseDataType(typeof to.value === 'string' ? to.value : new TextDecoder().decode(to.value)) : undefined;
          return { dtype, kind: 'tensor' };
        }
        case 'CastLike': return { dtype: this.dtype(n.inputs[1]), kind: 'tensor' };
        case 'Constant': return constantInfo(n);
        case 'ConstantOfShape': return { dtype: n.getTensor('value')?.dtype ?? DataType.FLOAT, kind: 'tensor' };
        case 'If': {
          const b = n.getGraph('then_branch')?.outputs[o];
          return { dtype: this.dtype(b), kind: this.kind(b) };
        }
        case 'Loop': {
          const b = n.getGraph('body')?.outputs[1 + o];
          const nCarried = Math.max(0, n.inputs.length - 2);
          return { dtype: this.dtype(b), kind: o < nCarried ? this.kind(b) : 'tensor' };
        }
        case 'Scan': {
          const b = n.getGraph('body')?.outputs[o];
          return { dtype: this.dtype(b), kind: 'tensor' };
        }
        default: break;
      }
      // Own properties only: an op named `toString` must not find Object.prototype's (found by fuzzing).
      const da = Object.hasOwn(DTYPE_ATTR, n.opType) ? DTYPE_ATTR[n.opType] : undefined;
      if (da !== undefined) {
        const a = n.getInt(da[0]);
        const dtype = a !== undefined ? (a as DataType) : da[1] === 'input' ? this.dtype(n.inputs[0]) : da[1];
        return { dtype, kind: n.opType === 'SequenceEmpty' ? 'sequence' : 'tensor' };
      }
    }
    const schema = getOpSchema(n.domain, n.opType, this.#model.opset(n.domain) ?? 1);
    if (schema === undefined) return NONE;
    const param = outputTypeParam(schema, o);
    const formal = outputParam(schema, o);
    if (param === undefined) {
      return formal === undefined ? NONE : infoOfType(parseTypeString(formal.typeStr));
    }
    const allowed = schema.typeConstraints.get(param) ?? [];
    const all = (prefix: string): boolean => allowed.length > 0 && allowed.every((s) => s.startsWith(prefix));
    const kind: ValueKind | undefined = all('seq(') ? 'sequence' : all('optional(') ? 'optional' : all('tensor(') ? 'tensor' : undefined;
    for (let i = 0; i < n.inputs.length; i++) {
      const p = schema.inputs[Math.min(i, schema.inputs.length - 1)];
      if (p === undefined || p.typeStr !== param || !p.homogeneous) continue;
      const d = this.dtype(n.inputs[i]);
      if (d !== undefined) return { dtype: d, kind: kind ?? this.kind(n.inputs[i]) };
    }
    if (n.domain === '' && ELEMENT_OF_FIRST_INPUT.has(n.opType)) return { dtype: this.dtype(n.inputs[0]), kind };
    // A parameter allowing a single type (Shape's T1 = tensor(int64)) fixes the output.
    if (allowed.length === 1) return infoOfType(parseTypeString(allowed[0]!));
    return { dtype: undefined, kind };
  }
}

/**
 * The dtype of a Constant's value. ONNX requires exactly one attribute; onnxruntime reads the
 * first one whatever its name. A Constant with none, several, or a misnamed one is ambiguous:
 * its dtype is unknown here, so no type group it feeds is converted (found by fuzzing).
 */
function constantInfo(n: Node): Info {
  if (n.attributes.size !== 1) return NONE;
  const t = n.getTensor('value');
  if (t !== undefined) return { dtype: t.dtype, kind: 'tensor' };
  if (n.attributes.has('sparse_value')) {
    const a = n.attributes.get('sparse_value');
    return { dtype: a?.type === 'SPARSE_TENSOR' ? a.value.values.dtype : undefined, kind: 'tensor' };
  }
  if (n.attributes.has('value_float') || n.attributes.has('value_floats')) return { dtype: DataType.FLOAT, kind: 'tensor' };
  if (n.attributes.has('value_int') || n.attributes.has('value_ints')) return { dtype: DataType.INT64, kind: 'tensor' };
  if (n.attributes.has('value_string') || n.attributes.has('value_strings')) return { dtype: DataType.STRING, kind: 'tensor' };
  return NONE;
}

/** Every graph of the model (main first, then subgraphs in node order). */
export function allGraphs(model: Model): Graph[] {
  return [...walkGraphs(model)];
}

/**
 * Deep copies of models and graphs: new Graph, Node and Value objects with the same names and
 * fresh use lists; immutable parts (Tensor, SparseTensor, ValueType, non-graph Attr values,
 * `extras`) are shared.
 */
import { attrGraphs, type Attr } from './attr.js';
import { Graph } from './graph.js';
import { FunctionDef, Model } from './model.js';
import { Node } from './node.js';
import { Value } from './value.js';

/** Options of {@link cloneGraph}. */
export interface CloneGraphOptions {
  /**
   * Values to substitute: a use of a key in the cloned tree becomes a use of its entry. The map
   * is also filled with every value the clone creates (original → copy).
   */
  readonly valueMap?: Map<Value, Value>;
}

function copyValue(v: Value): Value {
  const c = new Value(v.name, v.type, v.constValue);
  c.sparseValue = v.sparseValue;
  c.docString = v.docString;
  if (v.metadataProps !== undefined) c.metadataProps = new Map(v.metadataProps);
  return c;
}

class Cloner {
  /** Graphs of the original tree whose values are shared rather than copied (ancestors of a cloned subgraph). */
  readonly #shared: ReadonlySet<Graph>;

  constructor(readonly map: Map<Value, Value>, shared: ReadonlySet<Graph>) {
    this.#shared = shared;
  }

  /** The copy of a value used in the tree: mapped, shared (defined in an enclosing graph outside the clone), or a detached copy. */
  use(v: Value): Value {
    const m = this.map.get(v);
    if (m !== undefined) return m;
    const g = v.graph();
    if (g !== undefined && this.#shared.has(g)) return v;
    const c = copyValue(v);
    this.map.set(v, c);
    return c;
  }

  graph(g: Graph): Graph {
    const out = new Graph(g.name);
    out.docString = g.docString;
    for (const [k, v] of g.metadataProps) out.metadataProps.set(k, v);
    out.valueInfoExtras.push(...g.valueInfoExtras);
    out.extras = g.extras;
    const define = (v: Value): Value => {
      let c = this.map.get(v);
      if (c === undefined) {
        c = copyValue(v);
        this.map.set(v, c);
      }
      return c;
    };
    for (const v of g.inputs) out.addInput(define(v));
    for (const v of g.initializers.values()) out.addInitializer(define(v));
    for (const v of g.sparseInitializers.values()) out.addSparseInitializer(define(v));
    // Define every node output first, so that subgraphs may capture values of later nodes.
    const nodes = [...g];
    const outputs = nodes.map((n) => n.outputs.map((o) => (o.name === '' ? copyValue(o) : define(o))));
    nodes.forEach((n, i) => {
      const c = new Node({
        opType: n.opType, domain: n.domain, name: n.name, overload: n.overload,
        inputs: n.inputs.map((v) => (v === undefined ? undefined : this.use(v))),
        outputs: outputs[i]!,
        attributes: [...n.attributes].map(([k, a]): [string, Attr] => [k, this.attr(a)]),
        ...(n.hasMetadata() ? { metadataProps: n.metadataProps } : {}),
      });
      c.docString = n.docString;
      c.extras = n.extras;
      out.append(c);
    });
    for (const v of g.outputs) out.addOutput(this.use(v));
    return out;
  }

  attr(a: Attr): Attr {
    // Graphs are cloned even under a reference (`@name`), whose placeholder graph needs its own parent.
    if (attrGraphs(a).length === 0) return a;
    if (a.type === 'GRAPH') return { ...a, value: this.graph(a.value) };
    if (a.type === 'GRAPHS') return { ...a, value: a.value.map((g) => this.graph(g)) };
    return a;
  }

  function(f: FunctionDef): FunctionDef {
    const c = new FunctionDef(f.domain, f.name, this.graph(f.graph));
    c.overload = f.overload;
    c.attributeNames = [...f.attributeNames];
    for (const [k, a] of f.attributeDefaults) c.attributeDefaults.set(k, this.attr(a));
    for (const [k, v] of f.opsetImports) c.opsetImports.set(k, v);
    c.docString = f.docString;
    for (const [k, v] of f.metadataProps) c.metadataProps.set(k, v);
    c.extras = f.extras;
    return c;
  }
}

/**
 * A deep copy of a graph tree. When `graph` is a subgraph, values it captures from enclosing
 * graphs are shared (the copy's nodes become further uses of them), so the copy can be placed
 * in the same scope; any other value defined outside the tree gets a detached copy.
 */
export function cloneGraph(graph: Graph, options: CloneGraphOptions = {}): Graph {
  const shared = new Set<Graph>();
  for (let p = graph.parentGraph; p !== undefined; p = p.parentGraph) shared.add(p);
  return new Cloner(options.valueMap ?? new Map(), shared).graph(graph);
}

/** A deep copy of a model: graph tree, functions, metadata and `extras` (shared, being read-only). */
export function cloneModel(model: Model): Model {
  const cl = new Cloner(new Map(), new Set());
  const m = new Model(cl.graph(model.graph), { irVersion: model.irVersion, opsetImports: model.opsetImports });
  m.producerName = model.producerName;
  m.producerVersion = model.producerVersion;
  m.domain = model.domain;
  m.modelVersion = model.modelVersion;
  m.docString = model.docString;
  for (const [k, v] of model.metadataProps) m.metadataProps.set(k, v);
  for (const f of model.functions) m.functions.push(new Cloner(new Map(), new Set()).function(f));
  m.trainingInfo = [...model.trainingInfo];
  m.extras = model.extras;
  return m;
}

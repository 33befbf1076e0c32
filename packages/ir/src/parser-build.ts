/**
 * Builds IR from the syntax tree: one Value per defined name, node inputs resolved through
 * lexical scopes (a subgraph sees its own names first, then those of enclosing graphs; a use
 * of an outer name is a capture and is recorded in the outer value's use list).
 */
import { fromBigInt, type Attr } from './attr.js';
import { Graph } from './graph.js';
import { SyntaxFailure, type Token } from './lexer.js';
import { FunctionDef, Model } from './model.js';
import { Node } from './node.js';
import type { AttrSyntax } from './parser-attr.js';
import type { DeclSyntax, FunctionSyntax, GraphSyntax, HeaderValue, ModelSyntax, NameRef } from './parser-syntax.js';
import type { Annotation } from './parser-values.js';
import { Value } from './value.js';

/** Options of `parseModel` and `parseGraph`. */
export interface ParseOptions {
  /**
   * Accept names that no enclosing graph defines: each becomes a value without definition
   * (which the verifier reports as `dangling-input`). Default false: such a name is an error.
   */
  readonly allowUndefinedValues?: boolean;
}

interface Def {
  readonly value: Value;
  readonly tok: Token;
}

class Scope {
  readonly defs = new Map<string, Def>();
  constructor(readonly parent: Scope | undefined, readonly graphName: string) {}

  lookup(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s !== undefined; s = s.parent) {
      const d = s.defs.get(name);
      if (d !== undefined) return d.value;
    }
    return undefined;
  }
}

function fail(message: string, tok: Token): never {
  throw new SyntaxFailure(message, tok.line, tok.column, tok.offset);
}

export class Builder {
  /** Values made for undefined names (with `allowUndefinedValues`), one per name and tree. */
  readonly #free = new Map<string, Value>();

  constructor(readonly options: ParseOptions) {}

  model(s: ModelSyntax): Model {
    const h = s.header;
    const opsets = (h.get('opset_import') as [string, bigint][] | undefined) ?? [];
    const irVersion = h.get('ir_version') as bigint | undefined;
    const graph = this.graph(s.graph, undefined);
    const m = new Model(graph, { irVersion: irVersion === undefined ? undefined : Number(irVersion), opsetImports: opsets.map(([d, v]) => [d, Number(v)]) });
    m.producerName = str(h, 'producer_name') ?? '';
    m.producerVersion = str(h, 'producer_version') ?? '';
    m.domain = str(h, 'domain') ?? '';
    const mv = h.get('model_version') as bigint | undefined;
    if (mv !== undefined) m.modelVersion = fromBigInt(mv);
    m.docString = str(h, 'doc_string');
    for (const [k, v] of (h.get('metadata_props') as [string, string][] | undefined) ?? []) m.metadataProps.set(k, v);
    for (const f of s.functions) {
      this.#free.clear(); // each function body is its own tree
      m.functions.push(this.function(f));
    }
    return m;
  }

  function(s: FunctionSyntax): FunctionDef {
    const h = s.header;
    const f = new FunctionDef(str(h, 'domain') ?? '', s.body.name, this.graph(s.body, undefined));
    f.overload = str(h, 'overload') ?? '';
    f.docString = str(h, 'doc_string');
    for (const [k, v] of (h.get('metadata_props') as [string, string][] | undefined) ?? []) f.metadataProps.set(k, v);
    for (const [d, v] of (h.get('opset_import') as [string, bigint][] | undefined) ?? []) f.opsetImports.set(d === 'ai.onnx' ? '' : d, Number(v));
    f.attributeNames = [...s.attrNames];
    for (const a of s.attrDefaults) f.attributeDefaults.set(a.name, this.attr(a, undefined));
    return f;
  }

  graph(s: GraphSyntax, parent: Scope | undefined): Graph {
    const g = new Graph(s.name);
    applyGraphAnnotation(g, s.ann);
    const scope = new Scope(parent, s.name);
    const define = (name: string, value: Value, tok: Token): void => {
      const prev = scope.defs.get(name);
      if (prev !== undefined) fail(`Value '${name}' is defined twice in graph '${s.name}' (first at line ${prev.tok.line}, column ${prev.tok.column})`, tok);
      scope.defs.set(name, { value, tok });
    };
    for (const d of s.inputs) {
      const v = declValue(d);
      g.addInput(v);
      define(d.name, v, d.tok);
      if (d.tensor !== undefined || d.sparse !== undefined) addInitializer(g, v, d);
    }
    const infos: DeclSyntax[] = [];
    for (const d of s.items) {
      if (d.tensor === undefined && d.sparse === undefined) {
        infos.push(d);
        continue;
      }
      const existing = scope.defs.get(d.name)?.value;
      if (existing !== undefined && existing.isGraphInput() && !existing.isInitializer() && existing.sparseValue === undefined) {
        addInitializer(g, existing, d); // an input with a default value, written as in ONNX IR < 4
        continue;
      }
      const v = declValue(d);
      define(d.name, v, d.tok);
      addInitializer(g, v, d);
    }
    const outputsOf = s.nodes.map((n) => n.outputs.map((o) => {
      const v = new Value(o.name);
      if (o.name !== '') define(o.name, v, o.tok);
      return v;
    }));
    for (const d of infos) {
      const v = scope.defs.get(d.name)?.value;
      if (v === undefined) {
        g.valueInfoExtras.push({
          name: d.name, type: d.type,
          ...(d.ann?.docString === undefined ? {} : { docString: d.ann.docString }),
          ...(d.ann?.metadataProps === undefined ? {} : { metadataProps: d.ann.metadataProps }),
        });
        continue;
      }
      if (d.type !== undefined) v.type = d.type;
      applyValueAnnotation(v, d.ann);
    }
    s.nodes.forEach((n, i) => {
      const attributes: [string, Attr][] = n.attrs.map((a) => [a.name, this.attr(a, scope)]);
      const inputs = n.inputs.map((r) => (r === undefined ? undefined : this.resolve(r, scope)));
      const node = new Node({
        opType: n.opType, domain: n.domain, name: n.name, overload: n.overload, inputs, outputs: outputsOf[i]!, attributes,
        ...(n.ann?.docString === undefined ? {} : { docString: n.ann.docString }),
        ...(n.ann?.metadataProps === undefined ? {} : { metadataProps: n.ann.metadataProps }),
      });
      g.append(node);
    });
    for (const d of s.outputs) {
      const v = this.resolve(d, scope);
      const local = scope.defs.get(d.name)?.value === v;
      if (d.type !== undefined && (local || v.type === undefined)) v.type = d.type;
      applyValueAnnotation(v, d.ann);
      g.addOutput(v);
    }
    return g;
  }

  attr(a: AttrSyntax, scope: Scope | undefined): Attr {
    if ('value' in a) return a.value;
    const graphs = a.graphs.map((gs) => this.graph(gs, scope));
    return a.list ? { type: 'GRAPHS', value: graphs } : { type: 'GRAPH', value: graphs[0]! };
  }

  resolve(r: NameRef, scope: Scope): Value {
    const v = scope.lookup(r.name);
    if (v !== undefined) return v;
    if (this.options.allowUndefinedValues !== true) {
      fail(`Value '${r.name}' is not defined in graph '${scope.graphName}' or an enclosing graph (set allowUndefinedValues to accept it)`, r.tok);
    }
    let free = this.#free.get(r.name);
    if (free === undefined) {
      free = new Value(r.name);
      this.#free.set(r.name, free);
    }
    return free;
  }
}

function str(h: ReadonlyMap<string, HeaderValue>, key: string): string | undefined {
  return h.get(key) as string | undefined;
}

function declValue(d: DeclSyntax): Value {
  const v = new Value(d.name, d.type);
  applyValueAnnotation(v, d.ann);
  return v;
}

function addInitializer(g: Graph, v: Value, d: DeclSyntax): void {
  if (d.sparse !== undefined) {
    v.sparseValue = d.sparse;
    if (v.type === undefined) v.type = d.type;
    g.addSparseInitializer(v);
    return;
  }
  v.constValue = d.tensor;
  if (g.initializers.has(v.name)) fail(`Initializer '${v.name}' is defined twice`, d.tok);
  g.addInitializer(v);
}

function applyValueAnnotation(v: Value, ann: Annotation | undefined): void {
  if (ann === undefined) return;
  if (ann.docString !== undefined) v.docString = ann.docString;
  if (ann.metadataProps !== undefined) {
    v.metadataProps ??= new Map();
    for (const [k, x] of ann.metadataProps) v.metadataProps.set(k, x);
  }
}

function applyGraphAnnotation(g: Graph, ann: Annotation | undefined): void {
  if (ann === undefined) return;
  if (ann.docString !== undefined) g.docString = ann.docString;
  for (const [k, x] of ann.metadataProps ?? []) g.metadataProps.set(k, x);
}

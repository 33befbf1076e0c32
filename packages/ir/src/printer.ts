/**
 * Printer of ONNX textual syntax (onnx/onnx `docs/Syntax.md`). The output is deterministic
 * (same model, same bytes) and `parseModel` reads it back: `print(parse(print(m))) === print(m)`.
 *
 * ```
 * <ir_version: 8, opset_import: ["" : 17, "com.microsoft" : 1], producer_name: "mixprec">
 * main (float[N,128] X, float[128,10] W) => (float[N,10] Y)
 * <float[10] B = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, float[N,10] T>
 * {
 *   [mm] T = MatMul (X, W)
 *   #@ metadata_props: ["mixprec.accumulation": "float"]
 *   Y = Add (T, B)
 * }
 * ```
 *
 * Conventions: every value prints once with its type where it is declared (graph inputs,
 * outputs, initializers; node outputs with a known type in the `<…>` list, as ONNX
 * `value_info`); attributes print without `: type` unless the value does not show its type;
 * FLOAT/FLOATS attributes always have a `.`, exponent or `inf`/`nan`; floats use the shortest
 * decimal that reads back to the same float32 (float64 for DOUBLE); int64 values are exact.
 * Nodes with graph attributes put one attribute per line after the inputs.
 *
 * mixprec extensions (a superset: standard ONNX tools read the rest, and skip `#@` lines as
 * comments):
 * - `#@ key: value, …` on its own line annotates what follows it: a node, a graph (before its
 *   name), or a value in an input, output or `<…>` list. Keys: `doc_string: "…"`,
 *   `metadata_props: ["k": "v", …]` (node `metadata_props` carry `mixprec.accumulation`), and for
 *   initializers `tensor_doc_string`, `tensor_metadata_props` (the TensorProto's own fields).
 * - A `<…>` entry without type (`<T>`) carries an annotation for a value whose type is unknown.
 * - FLOAT16/BFLOAT16 values print as numbers with a `.` or exponent (`1.0`, `6.1035156e-5`,
 *   `inf`, `-nan`): a float literal is the numeric value, an integer literal is the 16-bit
 *   pattern as in ONNX (used for NaN payloads other than the canonical quiet NaN).
 * - 4- and 2-bit types print one value per element (signed for INT4/INT2), not packed bytes.
 * - Sparse constants: `sparse_tensor(float[4,4]) S = {values: float[3] {…}, indices: int64[3] {…}}`,
 *   in `<…>` lists and as attribute values; lists of tensors, graphs, types and sparse tensors
 *   as attribute values (`: tensors = [float[1] {1}, …]`); `: undefined = []`.
 * - Strings escape `\n`, `\t`, `\r`, other control bytes and invalid UTF-8 as `\xHH`, lone
 *   surrogates as `\u{HHHH}`. Domains that are not dotted identifiers, and operator, attribute,
 *   overload and opaque names that are not identifiers, are quoted.
 * - Function headers may have `metadata_props: [...]`; a `#@` line between a function's header
 *   and its name annotates the body graph; function inputs and `<…>` lists may hold initializers.
 * - With `elideTensorsAbove`, large tensors print as `{...}`, which the parser rejects.
 *
 * Not printed (kept in the IR, lost by a text round trip): `extras`, `trainingInfo` and
 * `TensorMeta.storage`/`extras`; attribute doc strings; doc strings and metadata of attribute and
 * sparse tensors; type denotations; `constValue` of node outputs; NaN payloads of FLOAT/DOUBLE
 * values (printed `nan`/`-nan`); the name of a function's body graph; and the declared type of
 * an initializer where it differs from its tensor's dtype/dims (the tensor's type is printed).
 */
import type { FunctionDef, Model } from './model.js';
import type { Graph } from './graph.js';
import type { Node } from './node.js';
import {
  formatAttr, formatDomain, formatSparseBody, formatTensorBody, formatType, tensorConstType, type PrintOptions,
} from './printer-values.js';
import { formatId, quoteString } from './text-syntax.js';
import type { Value } from './value.js';

export type { PrintOptions } from './printer-values.js';

const STEP = '  ';
const INLINE_LIMIT = 100;

interface Item {
  readonly ann: string | undefined;
  readonly text: string;
}

function pairs(entries: Iterable<readonly [string, string]>): string {
  return `[${[...entries].map(([k, v]) => `${quoteString(k)}: ${quoteString(v)}`).join(', ')}]`;
}

/** `#@ doc_string: "…", metadata_props: [...]`, or undefined when there is nothing to say. */
function annotation(doc: string | undefined, meta: ReadonlyMap<string, string> | undefined, tensorDoc?: string, tensorMeta?: readonly (readonly [string, string])[]): string | undefined {
  const parts: string[] = [];
  if (doc !== undefined) parts.push(`doc_string: ${quoteString(doc)}`);
  if (meta !== undefined && meta.size > 0) parts.push(`metadata_props: ${pairs(meta)}`);
  if (tensorDoc !== undefined) parts.push(`tensor_doc_string: ${quoteString(tensorDoc)}`);
  if (tensorMeta !== undefined && tensorMeta.length > 0) parts.push(`tensor_metadata_props: ${pairs(tensorMeta)}`);
  return parts.length === 0 ? undefined : `#@ ${parts.join(', ')}`;
}

function valueAnnotation(v: Value): string | undefined {
  return annotation(v.docString, v.metadataProps);
}

function list(open: string, close: string, items: readonly Item[], indent: string): string {
  const texts = items.map((i) => i.text);
  if (items.every((i) => i.ann === undefined) && texts.reduce((n, t) => n + t.length + 2, 0) <= INLINE_LIMIT && texts.every((t) => !t.includes('\n'))) {
    return `${open}${texts.join(', ')}${close}`;
  }
  const inner = indent + STEP;
  const lines = items.map((i) => `${i.ann === undefined ? '' : `${inner}${i.ann}\n`}${inner}${i.text}`);
  return `${open}\n${lines.join(',\n')}\n${indent}${close}`;
}

class Printer {
  constructor(readonly opts: PrintOptions) {}

  decl(v: Value, withAnn: boolean): Item {
    return { ann: withAnn ? valueAnnotation(v) : undefined, text: `${v.type === undefined ? '' : `${formatType(v.type)} `}${formatId(v.name)}` };
  }

  initializer(v: Value): Item {
    const t = v.constValue!;
    return {
      ann: annotation(v.docString, v.metadataProps, t.meta.docString, t.meta.metadataProps),
      text: `${tensorConstType(t)} ${formatId(v.name)} = ${formatTensorBody(t, this.opts)}`,
    };
  }

  sparseInitializer(v: Value): Item {
    const s = v.sparseValue!;
    const type = formatType({ kind: 'sparse_tensor', dtype: s.values.dtype, shape: s.dims });
    return { ann: valueAnnotation(v), text: `${type} ${formatId(v.name)} = ${formatSparseBody(s, this.opts)}` };
  }

  inputs(g: Graph): Item[] {
    return g.inputs.map((v) => {
      if (v.isInitializer() && g.initializers.get(v.name) === v) return this.initializer(v);
      if (v.sparseValue !== undefined && g.sparseInitializers.get(v.name) === v) return this.sparseInitializer(v);
      return this.decl(v, true);
    });
  }

  outputs(g: Graph): Item[] {
    const seen = new Set<Value>();
    return g.outputs.map((v) => {
      const declaredHere = !seen.has(v) && v.producer()?.graph === g;
      seen.add(v);
      return this.decl(v, declaredHere);
    });
  }

  /** Initializers, sparse initializers, typed node outputs, then `value_info` extras. */
  items(g: Graph): Item[] {
    const out: Item[] = [];
    for (const v of g.initializers.values()) if (!v.isGraphInput()) out.push(this.initializer(v));
    for (const v of g.sparseInitializers.values()) if (!v.isGraphInput()) out.push(this.sparseInitializer(v));
    const outs = new Set(g.outputs);
    for (const n of g) {
      for (const o of n.outputs) {
        if (o.name === '' || outs.has(o)) continue;
        const ann = valueAnnotation(o);
        if (o.type !== undefined || ann !== undefined) out.push(this.decl(o, true));
      }
    }
    for (const vi of g.valueInfoExtras) {
      out.push({
        ann: annotation(vi.docString, vi.metadataProps === undefined ? undefined : new Map(vi.metadataProps)),
        text: `${vi.type === undefined ? '' : `${formatType(vi.type)} `}${formatId(vi.name)}`,
      });
    }
    return out;
  }

  /** A graph, starting with its name; `top` puts `<…>` and `{` on their own lines. */
  graph(g: Graph, indent: string, top: boolean): string {
    const head = `${formatId(g.name)} ${list('(', ')', this.inputs(g), indent)} => ${list('(', ')', this.outputs(g), indent)}`;
    const items = this.items(g);
    const sep = top ? `\n${indent}` : ' ';
    const itemText = items.length === 0 ? '' : `${sep}${list('<', '>', items, indent)}`;
    const nodes = [...g].map((n) => this.node(n, indent + STEP));
    return `${head}${itemText}${sep}{\n${nodes.map((n) => `${n}\n`).join('')}${indent}}`;
  }

  /** A graph as an attribute value, its annotation (if any) on the line before it. */
  readonly attrGraph = (g: Graph, indent: string): string => {
    const ann = annotation(g.docString, g.metadataProps);
    const text = this.graph(g, indent, false);
    return ann === undefined ? text : `\n${indent}${ann}\n${indent}${text}`;
  };

  node(n: Node, indent: string): string {
    const ann = annotation(n.docString, n.metadataOrUndefined());
    const label = n.name === '' ? '' : `[${formatId(n.name)}] `;
    const outs = n.outputs.map((o) => formatId(o.name)).join(', ');
    const op = `${n.domain === '' ? '' : `${formatDomain(n.domain)}.`}${formatId(n.opType)}${n.overload === '' ? '' : `:${formatId(n.overload)}`}`;
    const ins = `(${n.inputs.map((v) => (v === undefined ? '""' : formatId(v.name))).join(', ')})`;
    const hasGraph = n.subgraphs().length > 0 || [...n.attributes.values()].some((a) => a.type === 'GRAPHS');
    let call: string;
    if (n.attributes.size === 0) {
      call = `${op} ${ins}`;
    } else if (!hasGraph) {
      const attrs = [...n.attributes].map(([k, a]) => formatAttr(k, a, this.opts, indent, this.attrGraph));
      call = `${op} <${attrs.join(', ')}> ${ins}`;
    } else {
      const inner = indent + STEP;
      const attrs = [...n.attributes].map(([k, a]) => `${inner}${formatAttr(k, a, this.opts, inner, this.attrGraph)}`);
      call = `${op} ${ins} <\n${attrs.join(',\n')}\n${indent}>`;
    }
    const line = `${indent}${label}${outs}${outs === '' ? '' : ' '}= ${call}`;
    return ann === undefined ? line : `${indent}${ann}\n${line}`;
  }

  function(f: FunctionDef): string {
    const header = [`domain: ${quoteString(f.domain)}`, `opset_import: ${opsets(f.opsetImports)}`];
    if (f.overload !== '') header.push(`overload: ${quoteString(f.overload)}`);
    if (f.docString !== undefined) header.push(`doc_string: ${quoteString(f.docString)}`);
    if (f.metadataProps.size > 0) header.push(`metadata_props: ${pairs(f.metadataProps)}`);
    const params = [
      ...f.attributeNames.map(formatId),
      ...[...f.attributeDefaults].map(([k, a]) => formatAttr(k, a, this.opts, '', this.attrGraph)),
    ];
    const g = f.graph;
    const sig = `${formatId(f.name)}${params.length === 0 ? '' : ` <${params.join(', ')}>`} ${list('(', ')', this.inputs(g), '')} => ${list('(', ')', this.outputs(g), '')}`;
    const items = this.items(g);
    const nodes = [...g].map((n) => this.node(n, STEP));
    const ann = annotation(g.docString, g.metadataProps);
    return `<${header.join(', ')}>\n${ann === undefined ? '' : `${ann}\n`}${sig}${items.length === 0 ? '' : `\n${list('<', '>', items, '')}`}\n{\n${nodes.map((n) => `${n}\n`).join('')}}`;
  }
}

function opsets(m: ReadonlyMap<string, number>): string {
  return `[${[...m].map(([d, v]) => `${quoteString(d)} : ${v}`).join(', ')}]`;
}

function modelHeader(m: Model): string {
  const h = [`ir_version: ${m.irVersion}`, `opset_import: ${opsets(m.opsetImports)}`];
  if (m.producerName !== '') h.push(`producer_name: ${quoteString(m.producerName)}`);
  if (m.producerVersion !== '') h.push(`producer_version: ${quoteString(m.producerVersion)}`);
  if (m.domain !== '') h.push(`domain: ${quoteString(m.domain)}`);
  if (m.modelVersion !== 0 && m.modelVersion !== 0n) h.push(`model_version: ${m.modelVersion.toString()}`);
  if (m.docString !== undefined) h.push(`doc_string: ${quoteString(m.docString)}`);
  if (m.metadataProps.size > 0) h.push(`metadata_props: ${pairs(m.metadataProps)}`);
  return `<${h.join(', ')}>`;
}

/** The whole model: header, main graph, then local functions (ends with a newline). */
export function printModel(model: Model, options: PrintOptions = {}): string {
  const p = new Printer(options);
  const parts = [modelHeader(model), printTopGraph(p, model.graph)];
  for (const f of model.functions) parts.push(`\n${p.function(f)}`);
  return `${parts.join('\n')}\n`;
}

function printTopGraph(p: Printer, g: Graph): string {
  const ann = annotation(g.docString, g.metadataProps);
  return `${ann === undefined ? '' : `${ann}\n`}${p.graph(g, '', true)}`;
}

/** One graph (ends with a newline); `parseGraph` reads it back. */
export function printGraph(graph: Graph, options: PrintOptions = {}): string {
  return `${printTopGraph(new Printer(options), graph)}\n`;
}

/** One node (its annotation line first, if any), without indentation or final newline. */
export function printNode(node: Node, options: PrintOptions = {}): string {
  return new Printer(options).node(node, '');
}

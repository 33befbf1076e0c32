/** Content checks of the verifier: tensor sizes, initializer types, Cast/CastLike, opsets, attributes, I/O types. */
import { dataTypeName, DataType, parseDataType } from './data-type.js';
import { formatType } from './printer-values.js';
import { storageArrayType, storageLength, type Tensor } from './tensor.js';
import { elementDType, tensorType, type ValueType } from './value-type.js';
import { checkAttributes, SchemaMemo } from './verifier-attributes.js';
import type { GraphInfo, Tree, VerifyOptions } from './verifier-context.js';
import type { Node } from './node.js';

/** Main-graph inputs and outputs without a type (`missing-io-type`). */
export function checkIoTypes(t: Tree): void {
  const root = t.graphs[0]!;
  root.graph.inputs.forEach((v, k) => {
    if (v.type === undefined) t.report('missing-io-type', `Input ${k} '${v.name}' of the main graph '${root.path}' has no type; ONNX requires types on model inputs and outputs`, { graph: root, value: v });
  });
  root.graph.outputs.forEach((v, k) => {
    if (v.type === undefined) t.report('missing-io-type', `Output ${k} '${v.name}' of the main graph '${root.path}' has no type; ONNX requires types on model inputs and outputs`, { graph: root, value: v });
  });
}

/** The tensors of a graph's initializers and sparse initializers, and the initializers' declared types. */
export function checkInitializers(t: Tree, info: GraphInfo, options: VerifyOptions): void {
  const g = info.graph;
  for (const v of g.initializers.values()) {
    const c = v.constValue;
    if (c === undefined) {
      t.report('tensor-size-mismatch', `Initializer '${v.name}' of graph '${info.path}' has no tensor (constValue); give it one or remove the initializer`, { graph: info, value: v });
      continue;
    }
    checkTensor(t, info, c, `Initializer '${v.name}'`, options, undefined, v.name);
    if (!typeFits(v.type, c)) {
      t.report('initializer-type-mismatch', `Initializer '${v.name}' of graph '${info.path}' is declared ${formatType(v.type!)} but its tensor is ${formatType(tensorType(c.dtype, c.dims))}; update the value's type`, { graph: info, value: v });
    }
  }
  for (const v of g.sparseInitializers.values()) {
    const s = v.sparseValue;
    if (s === undefined) continue;
    checkTensor(t, info, s.values, `Sparse initializer '${v.name}' (values)`, options, undefined, v.name);
    checkTensor(t, info, s.indices, `Sparse initializer '${v.name}' (indices)`, options, undefined, v.name);
  }
}

/** What the content checks of one tree share: the opset imports, the options, the schema lookups. */
export class ContentChecks {
  readonly #onnxImported: boolean;
  readonly #onnxOpset: number | undefined;
  readonly #schemas = new SchemaMemo();

  constructor(readonly t: Tree, readonly imports: ReadonlyMap<string, number>, readonly options: VerifyOptions) {
    this.#onnxImported = imports.has('');
    this.#onnxOpset = imports.get('');
  }

  /** One node: its domain imported, tensor attributes, known constants, schema attributes, Cast/CastLike. */
  node(info: GraphInfo, n: Node): void {
    const t = this.t;
    const domain = n.domain === 'ai.onnx' ? '' : n.domain;
    if (domain === '' ? !this.#onnxImported : !this.imports.has(domain)) {
      t.report('missing-opset', `Node ${t.label(n)} in graph '${info.path}' uses domain '${n.domain === '' ? 'ai.onnx' : n.domain}', which is not imported; add it to the opset imports`, { graph: info, node: n });
    }
    const attrs = n.attributes;
    if (attrs.size > 0) {
      for (const [k, a] of attrs) {
        if (a.refAttrName !== undefined) continue;
        const ts = a.type === 'TENSOR' ? [a.value] : a.type === 'TENSORS' ? a.value : a.type === 'SPARSE_TENSOR' ? [a.value.values, a.value.indices] : [];
        for (const x of ts) checkTensor(t, info, x, `Attribute '${k}' of node ${t.label(n)}`, this.options, n, undefined);
      }
    }
    const outs = n.outputs;
    for (let j = 0; j < outs.length; j++) {
      const o = outs[j]!;
      if (o.constValue !== undefined && !typeFits(o.type, o.constValue)) {
        t.report('const-value-type-mismatch', `Value '${o.name}' (output of node ${t.label(n)} in graph '${info.path}') is typed ${formatType(o.type!)} but its known constant is ${formatType(tensorType(o.constValue.dtype, o.constValue.dims))}`, { graph: info, node: n, value: o });
      }
    }
    if (domain === '') {
      checkAttributes(t, info, n, this.#onnxOpset, this.#schemas);
      if (n.opType === 'Cast') checkCast(t, info, n);
      else if (n.opType === 'CastLike') checkCastLike(t, info, n);
    }
  }
}

/** True when `type` is unknown, or a tensor type whose dtype and numeric dims match the tensor (symbolic dims pass). */
function typeFits(type: ValueType | undefined, c: Tensor): boolean {
  if (type === undefined) return true;
  if (type.kind !== 'tensor' || type.dtype !== c.dtype) return false;
  const shape = type.shape;
  return shape === undefined || (shape.length === c.dims.length && shape.every((d, i) => typeof d !== 'number' || d === c.dims[i]));
}

function checkTensor(t: Tree, info: GraphInfo, x: Tensor, what: string, options: VerifyOptions, node: Node | undefined, value: string | undefined): void {
  const where = { graph: info, ...(node === undefined ? {} : { node }), ...(value === undefined ? {} : { value }) };
  const n = storageLength(x.dtype, x.size);
  if (x.dtype === DataType.STRING) {
    const got = (x.data as readonly Uint8Array[]).length;
    if (got !== n) t.report('tensor-size-mismatch', `${what} in graph '${info.path}' has ${got} strings but ${x.toString()} needs ${n}`, where);
    return;
  }
  const bytes = n * storageArrayType(x.dtype)!.BYTES_PER_ELEMENT;
  if (x.isLazy && options.checkTensorData !== true) {
    if (x.byteLength !== bytes) t.report('tensor-size-mismatch', `${what} in graph '${info.path}' declares ${x.byteLength} bytes (${x.source!.description}) but ${x.toString()} needs ${bytes}`, where);
    return;
  }
  let got: number;
  try {
    got = x.isLazy ? x.source!.read().byteLength : x.rawBytes().byteLength;
  } catch (e) {
    t.report('tensor-read-failed', `${what} in graph '${info.path}' could not be read: ${(e as Error).message}`, where);
    return;
  }
  if (got !== bytes) t.report('tensor-size-mismatch', `${what} in graph '${info.path}' has ${got} bytes of data but ${x.toString()} needs ${bytes}`, where);
}

function checkCast(t: Tree, info: GraphInfo, n: Node): void {
  const to = n.attributes.get('to');
  if (to === undefined || to.refAttrName !== undefined) {
    if (to === undefined) t.report('cast-missing-to', `Cast node ${t.label(n)} in graph '${info.path}' has no 'to' attribute`, { graph: info, node: n });
    return;
  }
  // Cast-1 (opsets 1-5) names the type as a STRING, e.g. "FLOAT"; later versions use the enum.
  const target = to.type === 'INT' ? Number(to.value)
    : to.type === 'STRING' ? parseDataType(typeof to.value === 'string' ? to.value : new TextDecoder().decode(to.value))
      : undefined;
  if (target === undefined) {
    t.report('cast-missing-to', `Cast node ${t.label(n)} in graph '${info.path}' has a 'to' attribute (${to.type}) that names no data type`, { graph: info, node: n });
    return;
  }
  const out = n.outputs[0];
  const d = elementDType(out?.type);
  if (out !== undefined && d !== undefined && d !== target) {
    t.report('cast-to-mismatch', `Cast node ${t.label(n)} in graph '${info.path}' casts to ${dataTypeName(target)} but its output '${out.name}' is typed ${dataTypeName(d)}; make them agree`, { graph: info, node: n, value: out });
  }
}

function checkCastLike(t: Tree, info: GraphInfo, n: Node): void {
  const out = n.outputs[0];
  const like = n.inputs[1];
  const d = elementDType(out?.type);
  const want = elementDType(like?.type);
  if (out !== undefined && like !== undefined && d !== undefined && want !== undefined && d !== want) {
    t.report('cast-like-mismatch', `CastLike node ${t.label(n)} in graph '${info.path}' outputs '${out.name}' typed ${dataTypeName(d)} but its target '${like.name}' is ${dataTypeName(want)}; make them agree`, { graph: info, node: n, value: out });
  }
}

import {
  DataType, dataTypeOfTypeString, elementDType, getOpSchema, outputParam, typeParamGroups, type Dim, type Model,
  type Node, type Value,
} from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';

/**
 * Element types and shapes of values, as the integer passes need them. The declared type
 * (`Value.type`, filled by the loader's value_info or by `infer-types`) wins; when a value has
 * none, its dtype is derived from the producer's schema: a fixed output type (`Shape` →
 * int64), a `to`/`dtype`/`value` attribute (Cast, ConstantOfShape, EyeLike, Multinomial…), or
 * the dtype of an input bound to the same type parameter (Add, Concat, Gather data…).
 * Memoised per value; one instance per pass run (no module state).
 */
export class ValueTypes {
  readonly #model: Model;
  readonly #dtypes = new Map<Value, DataType | undefined>();
  readonly #visiting = new Set<Value>();

  constructor(model: Model) {
    this.#model = model;
  }

  /** The opset of the node's domain in this model (0 when not imported). */
  opset(node: Node): number {
    return this.#model.opset(node.domain) ?? (node.domain === 'ai.onnx.ml' ? 1 : 0);
  }

  /** The tensor element type of `v` (looking through sequences/optionals), when known or derivable. */
  dtype(v: Value): DataType | undefined {
    const declared = elementDType(v.type);
    if (declared !== undefined && declared !== DataType.UNDEFINED) return declared;
    if (v.constValue !== undefined) return v.constValue.dtype;
    if (this.#dtypes.has(v)) return this.#dtypes.get(v);
    if (this.#visiting.has(v)) return undefined;
    this.#visiting.add(v);
    const d = this.#derive(v);
    this.#visiting.delete(v);
    this.#dtypes.set(v, d);
    return d;
  }

  /** True when `v` is a plain tensor (not a sequence, map or optional), as far as known. */
  isTensor(v: Value): boolean {
    const k = v.type?.kind;
    return k === undefined || k === 'tensor';
  }

  /** The shape of `v`: declared, or the dims of its constant value. */
  shape(v: Value): readonly Dim[] | undefined {
    const t = v.type;
    if (t !== undefined && t.kind === 'tensor' && t.shape !== undefined) return t.shape;
    if (v.constValue !== undefined) return v.constValue.dims;
    const p = v.producer();
    if (p !== undefined && p.opType === 'Constant' && p.domain === '') {
      const c = constantValue(p);
      if (c?.kind === 'dense') return c.tensor.dims;
    }
    return undefined;
  }

  #derive(v: Value): DataType | undefined {
    const node = v.producer();
    if (node === undefined) return undefined;
    const index = v.index()!;
    if (node.domain === '') {
      const byAttr = attrDType(node, index);
      if (byAttr !== undefined) return byAttr;
    }
    const schema = getOpSchema(node.domain, node.opType, this.opset(node));
    if (schema === undefined) return undefined;
    const p = outputParam(schema, index);
    if (p === undefined) return undefined;
    const fixed = schema.typeConstraints.has(p.typeStr) ? undefined : dataTypeOfTypeString(p.typeStr);
    if (fixed !== undefined) return fixed;
    const allowed = schema.typeConstraints.get(p.typeStr);
    if (allowed !== undefined && allowed.length === 1) {
      const only = dataTypeOfTypeString(allowed[0]!);
      if (only !== undefined) return only;
    }
    for (const g of typeParamGroups(schema, node.inputs.length, node.outputs.length)) {
      if (!g.outputs.includes(index)) continue;
      for (const i of g.inputs) {
        const x = node.inputs[i];
        if (x === undefined) continue;
        const d = this.dtype(x);
        if (d !== undefined) return d;
      }
      for (const o of g.outputs) {
        const y = node.outputs[o];
        if (y === undefined || y === v || y.name === '') continue;
        const d = elementDType(y.type);
        if (d !== undefined) return d;
      }
    }
    return undefined;
  }
}

/** Output dtypes fixed by an attribute of ONNX creation/conversion ops. */
function attrDType(node: Node, index: number): DataType | undefined {
  switch (node.opType) {
    case 'Cast':
      return index === 0 ? castTo(node) : undefined;
    case 'Constant': {
      const c = constantValue(node);
      return c?.kind === 'dense' ? c.tensor.dtype : c?.kind === 'sparse' ? c.sparse.values.dtype : undefined;
    }
    case 'ConstantOfShape':
      return node.getTensor('value')?.dtype ?? DataType.FLOAT;
    case 'EyeLike': case 'RandomNormalLike': case 'RandomUniformLike': case 'Bernoulli':
      return node.getInt('dtype');
    case 'RandomNormal': case 'RandomUniform':
      return node.getInt('dtype', DataType.FLOAT);
    case 'Multinomial':
      return index === 0 ? node.getInt('dtype', DataType.INT32) : undefined;
    default:
      return undefined;
  }
}

/** The `to` of a Cast (opset-1 models spell it as a string). */
export function castTo(node: Node): DataType | undefined {
  const a = node.attributes.get('to');
  if (a === undefined) return undefined;
  if (a.type === 'INT') return Number(a.value);
  if (a.type === 'STRING') {
    const s = typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value);
    return dataTypeOfTypeString(`tensor(${s.toLowerCase()})`) ?? dataTypeByName(s);
  }
  return undefined;
}

function dataTypeByName(s: string): DataType | undefined {
  const v = (DataType as unknown as Record<string, number>)[s.toUpperCase()];
  return typeof v === 'number' ? v : undefined;
}

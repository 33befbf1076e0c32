import {
  DataType, getOpSchema, outputParam, outputTypeParam, parseTypeString, typeParamGroups, typeStringOf,
  type Node, type OpSchema, type TypeGroup, type ValueType,
} from '@mixprec/ir';
import { castTarget } from './cast-lattice.js';
import { constantValue } from './constant-value.js';

/**
 * Element types of a node's outputs (without shapes), from the versioned ONNX schema table:
 * 1. an output typed by a type parameter takes the type of the first typed input bound to the
 *    same parameter (`Add`: T; `CastLike`: the target's type; `Clip`: the input's);
 * 2. a fixed output type (`Shape` → int64) or a parameter allowing one type (`Dropout`'s mask) is that type;
 * 3. outputs whose type an attribute or a sequence/optional input decides follow the
 *    {@link SPECIAL} rules (`Cast.to`, `ConstantOfShape.value`, `dtype`, `output_datatype`, …).
 * If/Loop/Scan/SequenceMap are typed from their bodies elsewhere. Ops without a schema at the
 * model's opset (custom domains, unknown ops) get nothing: their declared types stay.
 */

const tensor = (dtype: number): ValueType => ({ kind: 'tensor', dtype });

/** A tensor type without its shape (the dtype level of a type). */
function stripShape(t: ValueType): ValueType {
  if (t.kind === 'tensor') return tensor(t.dtype);
  if (t.kind === 'sparse_tensor') return { kind: 'sparse_tensor', dtype: t.dtype };
  if ((t.kind === 'sequence' || t.kind === 'optional') && t.elem !== undefined) return { ...t, elem: stripShape(t.elem) };
  return t;
}

/** A type complete enough to type an output (no UNDEFINED element type, no missing element). */
function isKnown(t: ValueType): boolean {
  if (t.kind === 'tensor' || t.kind === 'sparse_tensor') return t.dtype !== DataType.UNDEFINED; // always spelt
  return typeStringOf(t) !== undefined;
}

/** The element type of a sequence or optional (the type itself for a tensor). */
function inner(t: ValueType | undefined): ValueType | undefined {
  if (t === undefined) return undefined;
  if (t.kind === 'sequence' || t.kind === 'optional') return t.elem === undefined ? undefined : stripShape(t.elem);
  return stripShape(t);
}

function dtypeAttr(node: Node, name: string): number | undefined {
  const v = node.getInt(name);
  return v === undefined || v === 0 ? undefined : v;
}

type Special = (node: Node, inputs: readonly (ValueType | undefined)[], opset: number) => readonly (ValueType | undefined)[] | undefined;

const fromAttrOrInput = (name: string): Special => (n, ins) => {
  const d = dtypeAttr(n, name);
  return [d !== undefined ? tensor(d) : ins[0]?.kind === 'tensor' ? tensor(ins[0].dtype) : undefined];
};

const fromAttr = (name: string, fallback: number): Special => (n) => [tensor(dtypeAttr(n, name) ?? fallback)];

/** Rules for outputs whose type no input binds (ONNX domain). */
const SPECIAL: ReadonlyMap<string, Special> = new Map<string, Special>([
  ['Cast', (n) => {
    const to = castTarget(n);
    return [to === undefined ? undefined : tensor(to)];
  }],
  ['Constant', (n) => {
    const cv = constantValue(n);
    if (cv === undefined) return undefined;
    return [cv.kind === 'dense' ? tensor(cv.tensor.dtype) : { kind: 'sparse_tensor', dtype: cv.sparse.values.dtype }];
  }],
  ['ConstantOfShape', (n) => [tensor(n.getTensor('value')?.dtype ?? DataType.FLOAT)]],
  ['EyeLike', fromAttrOrInput('dtype')], ['RandomNormalLike', fromAttrOrInput('dtype')],
  ['RandomUniformLike', fromAttrOrInput('dtype')], ['Bernoulli', fromAttrOrInput('dtype')],
  ['RandomNormal', fromAttr('dtype', DataType.FLOAT)], ['RandomUniform', fromAttr('dtype', DataType.FLOAT)],
  ['Multinomial', fromAttr('dtype', DataType.INT32)],
  ['HannWindow', fromAttr('output_datatype', DataType.FLOAT)], ['HammingWindow', fromAttr('output_datatype', DataType.FLOAT)],
  ['BlackmanWindow', fromAttr('output_datatype', DataType.FLOAT)], ['MelWeightMatrix', fromAttr('output_datatype', DataType.FLOAT)],
  ['BitCast', (n) => {
    const to = dtypeAttr(n, 'to');
    return [to === undefined ? undefined : tensor(to)];
  }],
  ['DequantizeLinear', (n, ins, opset) => {
    if (opset < 19) return [tensor(DataType.FLOAT)];
    const d = opset >= 23 ? dtypeAttr(n, 'output_dtype') : undefined;
    return [d !== undefined ? tensor(d) : ins[1]?.kind === 'tensor' ? tensor(ins[1].dtype) : undefined];
  }],
  ['QuantizeLinear', (n, ins, opset) => {
    const zp = ins[2];
    if (n.inputs[2] !== undefined) return [zp?.kind === 'tensor' ? tensor(zp.dtype) : undefined];
    const d = opset >= 21 ? dtypeAttr(n, 'output_dtype') : undefined;
    return [tensor(d ?? DataType.UINT8)];
  }],
  ['LayerNormalization', (n, ins) => {
    const x = ins[0]?.kind === 'tensor' ? tensor(ins[0].dtype) : undefined;
    const stash = tensor(n.getInt('stash_type', DataType.FLOAT));
    return n.outputs.map((_, i) => (i === 0 ? x : stash));
  }],
  ['SequenceEmpty', (n) => [{ kind: 'sequence', elem: tensor(dtypeAttr(n, 'dtype') ?? DataType.FLOAT) }]],
  ['SequenceConstruct', (_n, ins) => {
    const e = inner(ins[0]);
    return [e === undefined ? undefined : { kind: 'sequence', elem: e }];
  }],
  ['SplitToSequence', (_n, ins) => {
    const e = inner(ins[0]);
    return [e === undefined ? undefined : { kind: 'sequence', elem: e }];
  }],
  ['SequenceAt', (_n, ins) => [ins[0]?.kind === 'sequence' ? inner(ins[0]) : undefined]],
  ['ConcatFromSequence', (_n, ins) => [ins[0]?.kind === 'sequence' ? inner(ins[0]) : undefined]],
  ['Optional', (n, ins) => {
    const a = n.attributes.get('type');
    const e = a?.type === 'TYPE_PROTO' ? a.value : ins[0] === undefined ? undefined : stripShape(ins[0]);
    return [e === undefined ? undefined : { kind: 'optional', elem: e }];
  }],
  ['OptionalGetElement', (_n, ins) => [inner(ins[0])]],
]);

/** Whether {@link inferOutputTypes} has something to say about this op (a schema or a special rule). */
export function hasTypeRule(node: Node, opset: number | undefined): boolean {
  if (opset === undefined) return false;
  return (node.domain === '' && SPECIAL.has(node.opType)) || getOpSchema(node.domain, node.opType, opset) !== undefined;
}

/** The type groups of a schema for a node's arity ({@link typeParamGroups}, or a cache of it). */
export type TypeGroupsOf = (schema: OpSchema, inputCount: number, outputCount: number) => readonly TypeGroup[];

/**
 * How one output of a schema (at one arity) gets its type: `param` undefined → the fixed
 * `fixed` type; else the first known type among `inputs` (the inputs bound to the same
 * parameter), else `single` when the parameter allows one type only.
 */
interface OutputTyping {
  readonly param: string | undefined;
  readonly fixed: ValueType | undefined;
  readonly inputs: readonly number[];
  readonly single: ValueType | undefined;
}

/**
 * The typing of each output of a schema at one arity (types shared: value types are
 * immutable).
 */
function outputTypings(schema: OpSchema, inputCount: number, outputCount: number, groupsOf: TypeGroupsOf): OutputTyping[] {
  const groups = groupsOf(schema, inputCount, outputCount);
  const out: OutputTyping[] = [];
  for (let o = 0; o < outputCount; o++) {
    const param = outputTypeParam(schema, o);
    if (param === undefined) {
      const p = outputParam(schema, o);
      out.push({ param, fixed: p === undefined ? undefined : parseTypeString(p.typeStr), inputs: [], single: undefined });
      continue;
    }
    const group = groups.find((g) => g.param === param && g.outputs.includes(o));
    const allowed = schema.typeConstraints.get(param) ?? [];
    out.push({ param, fixed: undefined, inputs: group?.inputs ?? [], single: allowed.length === 1 ? parseTypeString(allowed[0]!) : undefined });
  }
  return out;
}

/** What typing an ai.onnx op needs, looked up once per op type and opset. */
interface OnnxOp {
  readonly schema: OpSchema | undefined;
  readonly special: Special | undefined;
}

/**
 * Memoised per schema and arity, for one inference run over many nodes (what is memoised
 * depends on nothing else; one cache per run: no state outlives it). Also the dtype-level
 * tensor types handed out ({@link stripShape} of a shaped tensor type), one per element type.
 */
export class TypeRuleCache {
  /** ai.onnx ops at `#onnxOpset`: the schema and the special rule, by op type. */
  readonly #onnx = new Map<string, OnnxOp>();
  #onnxOpset = -1;
  readonly #groups = new Map<OpSchema, Map<number, readonly TypeGroup[]>>();
  readonly #typings = new Map<OpSchema, Map<number, readonly OutputTyping[]>>();
  readonly #tensorTypes: (ValueType | undefined)[] = [];
  readonly groupsOf: TypeGroupsOf = (schema, inputCount, outputCount) => {
    let byArity = this.#groups.get(schema);
    if (byArity === undefined) this.#groups.set(schema, (byArity = new Map()));
    const key = inputCount * 65536 + outputCount;
    let groups = byArity.get(key);
    if (groups === undefined) byArity.set(key, (groups = typeParamGroups(schema, inputCount, outputCount)));
    return groups;
  };

  /** The schema and special rule of an ai.onnx op at `opset` (looked up once per op type). */
  onnxOp(opType: string, opset: number): OnnxOp {
    if (opset !== this.#onnxOpset) {
      this.#onnx.clear();
      this.#onnxOpset = opset;
    }
    let op = this.#onnx.get(opType);
    if (op === undefined) {
      op = { schema: getOpSchema('', opType, opset), special: SPECIAL.get(opType) };
      this.#onnx.set(opType, op);
    }
    return op;
  }

  typings(schema: OpSchema, inputCount: number, outputCount: number): readonly OutputTyping[] {
    let byArity = this.#typings.get(schema);
    if (byArity === undefined) this.#typings.set(schema, (byArity = new Map()));
    const key = inputCount * 65536 + outputCount;
    let t = byArity.get(key);
    if (t === undefined) byArity.set(key, (t = outputTypings(schema, inputCount, outputCount, this.groupsOf)));
    return t;
  }

  /** {@link stripShape}, sharing one object per tensor element type. */
  strip(t: ValueType): ValueType {
    if (t.kind !== 'tensor') return stripShape(t);
    const d = t.dtype;
    if (!Number.isInteger(d) || d < 0 || d > 1024) return stripShape(t);
    let c = this.#tensorTypes[d];
    if (c === undefined) {
      while (this.#tensorTypes.length <= d) this.#tensorTypes.push(undefined);
      c = this.#tensorTypes[d] = tensor(d);
    }
    return c;
  }
}

/**
 * {@link typeParamGroups} memoised per schema and arity, for one inference run over many nodes
 * (the groups depend on nothing else; one cache per run: no state outlives it).
 */
export function typeGroupCache(): TypeGroupsOf {
  return new TypeRuleCache().groupsOf;
}

/**
 * The dtype-level types of `node`'s outputs given its inputs' types (`undefined` = unknown).
 * `opset` is the model's import of the node's domain; `cache` may memoise the schema's
 * typing across nodes ({@link TypeRuleCache}). `inputs` defaults to the types the node's inputs
 * have now.
 */
export function inferOutputTypes(
  node: Node, opset: number | undefined, inputs?: readonly (ValueType | undefined)[], cache: TypeRuleCache = new TypeRuleCache(),
): (ValueType | undefined)[] {
  const nOut = node.outputs.length;
  const out: (ValueType | undefined)[] = [];
  for (let o = 0; o < nOut; o++) out.push(undefined);
  if (opset === undefined) return out;
  const ins = node.inputs;
  const onnx = node.domain === '' ? cache.onnxOp(node.opType, opset) : undefined;
  const rule = onnx?.special;
  let special: readonly (ValueType | undefined)[] | undefined;
  if (rule !== undefined) {
    const types: (ValueType | undefined)[] = [];
    for (let i = 0; i < ins.length; i++) types.push(inputs === undefined ? ins[i]?.type : inputs[i]);
    special = rule(node, types, opset);
  }
  const schema = onnx !== undefined ? onnx.schema : getOpSchema(node.domain, node.opType, opset);
  if (schema !== undefined) {
    const typings = cache.typings(schema, ins.length, nOut);
    for (let o = 0; o < nOut; o++) {
      const ty = typings[o]!;
      if (ty.param === undefined) {
        out[o] = ty.fixed;
        continue;
      }
      const bound = ty.inputs;
      for (let k = 0; k < bound.length; k++) {
        const i = bound[k]!;
        const t = inputs === undefined ? ins[i]?.type : inputs[i];
        if (ins[i] === undefined || t === undefined || !isKnown(t)) continue;
        out[o] = cache.strip(t);
        break;
      }
      if (out[o] === undefined && ty.single !== undefined) out[o] = ty.single;
    }
  }
  if (special !== undefined) {
    for (let o = 0; o < special.length; o++) {
      const t = special[o];
      if (t !== undefined && o < nOut) out[o] = t;
    }
  }
  return out;
}

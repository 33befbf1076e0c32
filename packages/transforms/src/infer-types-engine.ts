import {
  DataType, topologicalOrder, typesEqual, type Diagnostic, type Dim, type Graph, type Model, type Node, type Tensor, type Value,
  type ValueType,
} from '@mixprec/ir';
import { constantValue } from './constant-value.js';
import { inferControlFlow, isControlFlow } from './infer-types-control.js';
import { agrees, mergeTypes, type Inferred } from './infer-types-merge.js';
import { dataRules, tensorData, type DataRule } from './shape-inference-data.js';
import type { OutputShapes, ShapeContext, ShapeRule, SymData } from './shape-inference.js';
import { shapeRules } from './shape-rules/index.js';
import { inferOutputTypes, TypeRuleCache } from './type-rules.js';
import { trainingOutputTypes } from './type-rules-training.js';

/** Options of one inference run. */
export interface InferOptions {
  /** Let inferred types replace declared ones where they differ (node outputs only). */
  readonly overwrite: boolean;
  /** Infer shapes too (else element types only). */
  readonly shapes: boolean;
}

/**
 * One run of type inference over a model: walks every graph in topological order, types each
 * node's outputs from its inputs (subgraphs first for If/Loop/Scan/SequenceMap), merges with
 * the declared types and reports contradictions. Constants and propagated integer data live in
 * this object only; the model receives types, nothing else.
 */
export class TypeInferencer {
  modified = false;
  readonly #consts = new Map<Value, Tensor>();
  readonly #data = new Map<Value, SymData>();
  readonly #inputInitializersAreConstant: boolean;
  // Made once: the shape rules of every node read constants and data through them.
  readonly #constOf = (v: Value): Tensor | undefined => this.#consts.get(v);
  readonly #dataOf = (v: Value): SymData | undefined => this.#data.get(v);
  readonly #rules = new TypeRuleCache();
  readonly #onnxOps = new Map<string, EngineOp>();
  /** `opset('')`, read once: a run does not change the model's imports. */
  readonly #onnxOpset: number | undefined;

  constructor(readonly model: Model, readonly options: InferOptions, readonly report: (d: Diagnostic) => void) {
    // IR < 4 lists every initializer as an input too; ONNX still treats them as constants there.
    this.#inputInitializersAreConstant = model.irVersion < 4;
    this.#onnxOpset = this.opset('');
  }

  opset(domain: string): number | undefined {
    return this.model.opset(domain) ?? (domain === '' ? 1 : undefined);
  }

  /** Types every value of `g` and of its subgraphs. */
  inferGraph(g: Graph): void {
    for (const v of g.initializers.values()) {
      const t = v.constValue!;
      // An initializer that is also an input (IR ≥ 4) is only a default: its input type stays.
      if (v.isGraphInput() && !this.#inputInitializersAreConstant) continue;
      this.#consts.set(v, t);
      this.assign(v, { type: { kind: 'tensor', dtype: t.dtype }, shape: t.dims }, undefined, g);
    }
    let order: Node[];
    try {
      order = topologicalOrder(g);
    } catch {
      order = g.nodes();
    }
    for (let i = 0; i < order.length; i++) this.inferNode(order[i]!, g);
  }

  /** Per ai.onnx op type: whether it is control flow, its shape and data rules. */
  #onnxOp(opType: string): EngineOp {
    let op = this.#onnxOps.get(opType);
    if (op === undefined) {
      op = { controlFlow: isControlFlow(opType), shapeRule: shapeRules.get(opType), dataRule: dataRules.get(opType) };
      this.#onnxOps.set(opType, op);
    }
    return op;
  }

  inferNode(n: Node, g: Graph): void {
    const onnx = n.domain === '' ? this.#onnxOp(n.opType) : undefined;
    if (onnx !== undefined && n.opType === 'Constant') {
      const cv = constantValue(n);
      if (cv?.kind === 'dense' && n.outputs[0] !== undefined) this.#consts.set(n.outputs[0], cv.tensor);
    }
    const opset = onnx !== undefined ? this.#onnxOpset : this.opset(n.domain);
    const outs = n.outputs;
    let inferred: readonly Inferred[] | undefined;
    if (onnx !== undefined && onnx.controlFlow && opset !== undefined) {
      inferred = inferControlFlow(n, opset, this);
      if (!this.options.shapes) inferred = inferred.map((x) => ({ type: x.type, shape: undefined }));
    } else {
      if (n.hasSubgraphs()) for (const sg of n.subgraphs()) this.inferGraph(sg);
      // Training ops live outside the ai.onnx domain.
      inferred = onnx === undefined ? trainingOutputTypes(n) : undefined;
      if (inferred === undefined) {
        // A plain node (the common case): types and shapes go to the outputs without an
        // `Inferred` object per output unless the declaration has to be merged.
        const types = inferOutputTypes(n, opset, undefined, this.#rules);
        const shapes = plainNodeShapes(n, opset, this.options.shapes, this.#constOf, this.#dataOf, onnx?.shapeRule);
        for (let i = 0; i < outs.length; i++) {
          const o = outs[i]!;
          if (o.name === '') continue;
          const t = types[i];
          const isTensor = t === undefined || t.kind === 'tensor' || t.kind === 'sparse_tensor';
          const shape = isTensor ? shapes?.[i] : undefined;
          const declared = o.type;
          if (declared !== undefined && t !== undefined && agrees(declared, t, shape)) continue;
          this.assign(o, { type: t, shape }, n, g);
        }
      }
    }
    if (inferred !== undefined) {
      for (let i = 0; i < outs.length; i++) {
        const o = outs[i]!;
        const inf = inferred[i];
        if (o.name !== '' && inf !== undefined) this.assign(o, inf, n, g);
      }
    }
    if (opset !== undefined && onnx !== undefined && this.options.shapes) {
      const rule = onnx.dataRule;
      const out = outs[0];
      if (rule !== undefined && out !== undefined && isIntTensor(out.type)) {
        const d = rule(new NodeShapeContext(n, opset, this.#constOf, this.#dataOf));
        if (d !== undefined) this.#data.set(out, d);
      }
    }
  }

  /** A constant known for `v` (initializer, Constant output). */
  constant(v: Value | undefined): Tensor | undefined {
    return v === undefined ? undefined : this.#consts.get(v);
  }

  /**
   * Gives `v` the merge of its declared type and `inferred`; reports a contradiction.
   * Graph inputs are the interface: only subgraph inputs (body parameters) are completed, and
   * overwrite never applies to them or to initializers.
   */
  assign(v: Value, inferred: Inferred, node: Node | undefined, g: Graph): void {
    // The common case, declaration and inference agreeing: nothing to merge, nothing to report.
    const declared = v.type;
    if (declared !== undefined && inferred.type !== undefined && agrees(declared, inferred.type, inferred.shape)) return;
    const producedHere = node !== undefined;
    const m = mergeTypes(v.type, inferred, this.options.overwrite && producedHere);
    if (m.conflict !== undefined) {
      const where = node === undefined ? `graph '${g.name}'` : `output of ${node.toString()} in graph '${g.name}'`;
      this.report({
        severity: 'warning', code: 'infer-types-conflict',
        message: `Value '${v.name}' (${where}) contradicts inference (${m.conflict}); ${this.options.overwrite && producedHere ? 'the inferred type replaces it' : 'the declared type is kept'}`,
        graph: g.name, ...(node === undefined ? {} : { node: node.name }), value: v.name,
      });
    }
    if (m.type !== undefined && !typesEqual(v.type, m.type)) {
      v.type = m.type;
      this.modified = true;
    }
  }
}

/** What inference needs to know of an ai.onnx op type, looked up once per run. */
interface EngineOp {
  readonly controlFlow: boolean;
  readonly shapeRule: ShapeRule | undefined;
  readonly dataRule: DataRule | undefined;
}

function isIntTensor(t: ValueType | undefined): boolean {
  if (t?.kind !== 'tensor') return false;
  const d = t.dtype;
  return d === DataType.INT64 || d === DataType.INT32 || d === DataType.INT16 || d === DataType.INT8
    || d === DataType.UINT64 || d === DataType.UINT32 || d === DataType.UINT16 || d === DataType.UINT8;
}

/**
 * What shape rules see of a node: input types, constants and propagated integer data (one
 * object per node, its methods on the prototype).
 */
class NodeShapeContext implements ShapeContext {
  readonly inputCount: number;
  readonly #ins: readonly (Value | undefined)[];

  constructor(
    readonly node: Node, readonly opset: number,
    private readonly constOf: (v: Value) => Tensor | undefined, private readonly dataOf: (v: Value) => SymData | undefined,
  ) {
    this.#ins = node.inputs;
    this.inputCount = this.#ins.length;
  }

  has(i: number): boolean {
    return this.#ins[i] !== undefined;
  }

  shape(i: number): readonly Dim[] | undefined {
    const t = this.#ins[i]?.type;
    return t?.kind === 'tensor' ? t.shape : undefined;
  }

  dtype(i: number): DataType | undefined {
    return this.#ins[i]?.dtype;
  }

  tensor(i: number): Tensor | undefined {
    const v = this.#ins[i];
    return v === undefined ? undefined : this.constOf(v);
  }

  data(i: number): SymData | undefined {
    const v = this.#ins[i];
    if (v === undefined) return undefined;
    const known = this.dataOf(v);
    if (known !== undefined) return known;
    const t = this.constOf(v);
    return t === undefined ? undefined : tensorData(t);
  }
}

/** Types (and, with `shapes`, shapes) of a node without subgraphs, from the schema and shape rules. */
function inferPlainNode(
  n: Node, opset: number | undefined, shapes: boolean, constOf: (v: Value) => Tensor | undefined,
  dataOf: (v: Value) => SymData | undefined,
): Inferred[] {
  const types = inferOutputTypes(n, opset);
  const out = plainNodeShapes(n, opset, shapes, constOf, dataOf, undefined);
  const result: Inferred[] = [];
  const nOut = n.outputs.length;
  for (let i = 0; i < nOut; i++) {
    const t = types[i];
    const isTensor = t === undefined || t.kind === 'tensor' || t.kind === 'sparse_tensor';
    result.push({ type: t, shape: isTensor ? out?.[i] : undefined });
  }
  return result;
}

/** The output shapes of a node without subgraphs from its shape rule (`knownRule`, else looked up), when `shapes`. */
function plainNodeShapes(
  n: Node, opset: number | undefined, shapes: boolean, constOf: (v: Value) => Tensor | undefined,
  dataOf: (v: Value) => SymData | undefined, knownRule: ShapeRule | undefined,
): OutputShapes | undefined {
  let out: OutputShapes | undefined;
  if (shapes && opset !== undefined && n.domain === '') {
    const rule = knownRule ?? shapeRules.get(n.opType);
    if (rule !== undefined) {
      try {
        out = rule(new NodeShapeContext(n, opset, constOf, dataOf));
      } catch {
        out = undefined; // a malformed node (bad attribute types): no shape rather than a failed pass
      }
    }
    if (n.opType === 'Constant') {
      const t = n.outputs[0] === undefined ? undefined : constOf(n.outputs[0]);
      if (t !== undefined) out = [t.dims];
    }
  }
  return out;
}

/**
 * What inference says about the outputs of `n` (a node without subgraphs) from its inputs'
 * current types and the given constants, without changing anything (fold-constants checks
 * evaluator results with it).
 */
export function inferNodeOutputs(model: Model, n: Node, constOf: (v: Value) => Tensor | undefined): Inferred[] {
  const opset = model.opset(n.domain) ?? (n.domain === '' ? 1 : undefined);
  return trainingOutputTypes(n) ?? inferPlainNode(n, opset, true, constOf, () => undefined);
}

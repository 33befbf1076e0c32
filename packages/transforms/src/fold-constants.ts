import * as t from 'io-ts';
import {
  DataType, Tensor, Value, dataTypeName, storageArrayType, tensorType, tensorToFloat64, topologicalOrder, type Graph, type Model, type Node,
} from '@mixprec/ir';
import { definePass, type ConfigKey, type PassContext, type PassFactory } from '@mixprec/passes';
import { constantValue } from './constant-value.js';
import { int64Of } from './const-eval-shape.js';
import { builtinEvaluator, chainEvaluators, type Evaluator } from './evaluator.js';
import { inferNodeOutputs } from './infer-types-engine.js';
import type { Inferred } from './infer-types-merge.js';

/** Options of `fold-constants`. */
export interface FoldConstantsOptions {
  /** Outputs larger than this (elements) fold only when not larger than the node's constant inputs. */
  readonly sizeLimit: number;
  /** Outputs over {@link SMALL_OUTPUT} elements fold only up to this many times the inputs' elements. */
  readonly maxGrowth: number;
  /** Fold inside If/Loop/Scan bodies too (results become body initializers). */
  readonly includeSubgraphs: boolean;
  /** Fold Shape/Size of values whose (declared or inferred) shape is static. */
  readonly foldShapes: boolean;
}

/** Outputs up to this many elements always fold (shape and index tensors). */
export const SMALL_OUTPUT = 4096;

/** Config key: an {@link Evaluator} tried before the built-in one (set from code, not from pipeline text). */
export const FOLD_CONSTANTS_EVALUATOR = 'fold-constants.evaluator';

const EvaluatorC = new t.Type<Evaluator | undefined, Evaluator | undefined, unknown>(
  'Evaluator',
  (u): u is Evaluator | undefined => u === undefined || (typeof u === 'object' && u !== null && typeof (u as { evaluate?: unknown }).evaluate === 'function'),
  (u, c) => (u === undefined || (typeof u === 'object' && u !== null && typeof (u as { evaluate?: unknown }).evaluate === 'function') ? t.success(u as Evaluator | undefined) : t.failure(u, c, 'expected an object with an evaluate(node, inputs, info) method')),
  t.identity,
);

/** Config keys of this pass, for `createPassRegistry({ configKeys })`. */
export const foldConstantsConfigKeys: readonly ConfigKey<Evaluator | undefined>[] = Object.freeze([
  Object.freeze({ key: FOLD_CONSTANTS_EVALUATOR, description: 'An Evaluator object tried before the built-in one by fold-constants', codec: EvaluatorC, default: undefined }),
]);

/**
 * Ops never folded, whatever the evaluator says: random ops (a fold would freeze one draw),
 * Dropout (random in training mode), and quantisation ops (quantized graphs stay as they are).
 */
const NEVER = new Set([
  'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Bernoulli', 'Multinomial', 'Dropout',
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'Constant',
]);

/** A node output's static shape, when every dim is a number. */
function staticShape(v: Value | undefined): number[] | undefined {
  const s = v?.shape;
  if (s === undefined || s.some((d) => typeof d !== 'number')) return undefined;
  return s as number[];
}

/** Shape/Size of a non-constant value with a static shape (Shape-15 start/end honoured). */
function foldShape(n: Node, opset: number): Tensor[] | undefined {
  const dims = staticShape(n.inputs[0]);
  if (dims === undefined) return undefined;
  if (n.opType === 'Size') return [Tensor.of(DataType.INT64, [], BigInt64Array.of(BigInt(dims.reduce((a, b) => a * b, 1))))];
  const r = dims.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = opset >= 15 ? clamp(n.getInt('start', 0)) : 0;
  const endAttr = opset >= 15 ? n.getInt('end') : undefined;
  const end = Math.max(start, endAttr === undefined ? r : clamp(endAttr));
  return [int64Of([end - start], dims.slice(start, end))];
}

/** Why a result cannot replace an output (a declared or inferred type it contradicts), or undefined. */
function contradiction(o: Value | Inferred, r: Tensor): string | undefined {
  const declared = o instanceof Value;
  const what = declared ? 'declared' : 'inferred';
  const t = o.type;
  const d = t !== undefined && (t.kind === 'tensor' || t.kind === 'sparse_tensor') ? t.dtype : undefined;
  if (d !== undefined && d !== DataType.UNDEFINED && d !== r.dtype) return `element type ${dataTypeName(r.dtype)} ≠ ${what} ${dataTypeName(d)}`;
  const s = o.shape;
  if (s !== undefined && (s.length !== r.dims.length || s.some((x, i) => typeof x === 'number' && x !== r.dims[i]))) {
    return `shape [${r.dims.join(',')}] ≠ ${what} [${s.map((x) => x ?? '?').join(',')}]`;
  }
  return undefined;
}

/** Number of finite inputs that a 16-bit Cast turned into ±Inf. */
function overflowCount(input: Tensor, out: Tensor): number {
  if (out.dtype !== DataType.FLOAT16 && out.dtype !== DataType.BFLOAT16) return 0;
  if (input.dtype === DataType.STRING || input.dtype === DataType.BOOL) return 0;
  const a = tensorToFloat64(input);
  const b = tensorToFloat64(out);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!) && !Number.isFinite(b[i]!)) n++;
  return n;
}

class Folder {
  modified = false;
  readonly #consts = new Map<Value, Tensor>();

  constructor(readonly model: Model, readonly ctx: PassContext, readonly opts: FoldConstantsOptions, readonly evaluator: Evaluator) {}

  /** Largest output allowed for a node whose constant inputs hold `inElements` elements. */
  limit(inElements: number): number {
    const grown = Math.min(this.opts.sizeLimit, Math.max(SMALL_OUTPUT, this.opts.maxGrowth * inElements));
    return Math.max(inElements, grown);
  }

  visit(g: Graph): void {
    // IR < 4 lists every initializer as an input; ONNX Runtime does not let those be overridden.
    const overridable = this.model.irVersion >= 4;
    for (const v of g.initializers.values()) if (!(overridable && v.isGraphInput())) this.#consts.set(v, v.constValue!);
    let order: Node[];
    try {
      order = topologicalOrder(g);
    } catch {
      order = g.nodes();
    }
    for (const n of order) this.#node(n, g);
  }

  #node(n: Node, g: Graph): void {
    if (n.domain === '' && n.opType === 'Constant') {
      const cv = constantValue(n);
      if (cv?.kind === 'dense') this.#consts.set(n.outputs[0]!, cv.tensor);
      return;
    }
    const subgraphs = n.subgraphs();
    if (subgraphs.length > 0) {
      if (this.opts.includeSubgraphs) for (const sg of subgraphs) this.visit(sg);
      return;
    }
    if (n.domain !== '' || NEVER.has(n.opType)) return;
    // A node nobody reads is dce's to remove, not ours to evaluate.
    if (!n.outputs.some((o) => o.name !== '' && (o.useCount > 0 || o.isGraphOutput()))) return;
    const opset = this.model.opset('') ?? 1;
    const inputs = n.inputs.map((v) => (v === undefined ? undefined : this.#consts.get(v)));
    // CastLike reads only the element type of its second input.
    const like = n.inputs[1]?.dtype;
    if (n.opType === 'CastLike' && inputs[1] === undefined && like !== undefined && like !== DataType.UNDEFINED && like !== DataType.STRING) {
      inputs[1] = Tensor.of(like, [0], new (storageArrayType(like)!)(0));
    }
    const allConst = n.inputs.every((v, i) => v === undefined || inputs[i] !== undefined);
    let results: readonly Tensor[] | undefined;
    let limit = this.opts.sizeLimit;
    if (!allConst) {
      if (!this.opts.foldShapes || (n.opType !== 'Shape' && n.opType !== 'Size')) return;
      results = foldShape(n, opset);
    } else {
      const inElements = inputs.reduce((s, x) => s + (x?.size ?? 0), 0);
      limit = this.limit(inElements);
      try {
        results = this.evaluator.evaluate(n, inputs, { opset, maxOutputElements: limit });
      } catch (e) {
        this.ctx.report({ severity: 'warning', code: 'fold-constants-evaluator-error', message: `The evaluator failed on ${n.toString()}: ${(e as Error).message}; the node is kept`, graph: g.name, node: n.name });
        return;
      }
    }
    if (results === undefined || results.length !== n.outputs.length) return;
    // Results must fit the declared types and, where nothing is declared, what inference says.
    const inferred = inferNodeOutputs(this.model, n, (v) => this.#consts.get(v));
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.size > limit) return;
      const inf = inferred[i];
      const why = contradiction(n.outputs[i]!, r) ?? (inf === undefined ? undefined : contradiction(inf, r));
      if (why !== undefined) {
        this.ctx.report({ severity: 'warning', code: 'fold-constants-type-mismatch', message: `Folding ${n.toString()} gives '${n.outputs[i]!.name}' ${why}; the node is kept (check the declared type, the inference or the evaluator)`, graph: g.name, node: n.name, value: n.outputs[i]!.name });
        return;
      }
    }
    if ((n.opType === 'Cast' || n.opType === 'CastLike') && inputs[0] !== undefined) {
      const lost = overflowCount(inputs[0], results[0]!);
      if (lost > 0) {
        this.ctx.report({ severity: 'warning', code: 'fold-constants-overflow', message: `${n.toString()} turns ${lost} finite value(s) into ±Inf in '${n.outputs[0]!.name}' (${dataTypeName(results[0]!.dtype)} range)`, graph: g.name, node: n.name, value: n.outputs[0]!.name });
      }
    }
    this.#replace(n, results, g);
  }

  /** Removes `n`; each used output becomes an initializer of `g` with the output's name. */
  #replace(n: Node, results: readonly Tensor[], g: Graph): void {
    const outs = [...n.outputs];
    g.remove(n);
    outs.forEach((o, i) => {
      if (o.name === '' || (o.useCount === 0 && !o.isGraphOutput())) return;
      const r = results[i]!;
      const tensor = r.meta.name === undefined && r.meta.external === undefined ? r : r.withMeta({});
      const v = new Value(o.name, tensorType(r.dtype, r.dims), tensor);
      v.docString = o.docString;
      v.metadataProps = o.metadataProps;
      o.replaceAllUsesWith(v, { replaceGraphOutputs: true });
      o.name = '';
      g.addInitializer(v);
      this.#consts.set(v, tensor);
    });
    this.modified = true;
  }
}

/**
 * `fold-constants` with `evaluator` tried before the built-in one (which still handles what it
 * returns undefined for). Register the result instead of {@link foldConstants} to use, e.g.,
 * an evaluator backed by the reference executor. The `fold-constants.evaluator` config key,
 * when set, is tried before both.
 */
export function createFoldConstants(evaluator?: Evaluator): PassFactory<FoldConstantsOptions> {
  const base = evaluator === undefined ? builtinEvaluator : chainEvaluators(evaluator, builtinEvaluator);
  return definePass<FoldConstantsOptions>({
    name: 'fold-constants',
    description: 'Evaluate constant subgraphs (and Shape/Size of static shapes) into initializers',
    optLevel: 1,
    options: t.strict({ sizeLimit: t.number, maxGrowth: t.number, includeSubgraphs: t.boolean, foldShapes: t.boolean }),
    defaults: { sizeLimit: 1 << 20, maxGrowth: 16, includeSubgraphs: true, foldShapes: true },
    optionDocs: {
      sizeLimit: 'Largest folded output (elements) unless it is no larger than the node\'s constant inputs',
      maxGrowth: `Outputs over ${SMALL_OUTPUT} elements fold only up to this many times their inputs' size`,
      includeSubgraphs: 'Fold inside If/Loop/Scan bodies too',
      foldShapes: 'Fold Shape/Size of values with a static (declared or inferred) shape',
    },
    run(model, ctx, opts) {
      const configured = ctx.config.get(FOLD_CONSTANTS_EVALUATOR) as Evaluator | undefined;
      const ev = configured === undefined ? base : chainEvaluators(configured, base);
      const f = new Folder(model, ctx, opts, ev);
      f.visit(model.graph);
      return { modified: f.modified };
    },
  });
}

/**
 * Folds constant subgraphs: a node whose inputs are all constant (initializers that are not
 * overridable graph inputs, Constant nodes, earlier folds, constants captured from an outer
 * graph) is evaluated and replaced by initializers, as TVM's FoldConstant after
 * ToMixedPrecision does: a `Cast(to=FLOAT16)` of a FLOAT weight becomes a FLOAT16 initializer.
 *
 * 1. Results become initializers of the node's graph (subgraph-local ones inside bodies), named
 *    like the output they replace; a graph output becomes an initializer listed as the output
 *    (ONNX Runtime accepts that, in bodies too). Unused outputs are dropped with the node.
 * 2. Shape/Size of a value whose shape is fully static fold too (run `infer-types` first).
 * 3. Never folded: random ops, Dropout, Quantize/DequantizeLinear, nodes with subgraphs, nodes
 *    of other domains; results larger than the limits (`size-limit`, `max-growth`); results
 *    that contradict a declared type (reported). Inputs left dead are for `dce`.
 *
 * ```
 * before: main (float16[2] X) => (float16[2] Y) <float[2] W = {1, 70000}> { w16 = Cast <to = 10> (W)  Y = Add (X, w16) }
 * after:  main (float16[2] X) => (float16[2] Y) <float[2] W = {1, 70000}, float16[2] w16 = {1.0, inf}> { Y = Add (X, w16) }
 * ```
 */
export const foldConstants: PassFactory<FoldConstantsOptions> = createFoldConstants();

import * as tf from '@tensorflow/tfjs-core';
import {
  dataTypeName, elementDType, err, ok, Tensor, type DataType, type Diagnostic, type Graph, type Model, type Result, type Value,
} from '@mixprec/ir';
import { initBackend, type BackendName } from './backend.js';
import { tensorFromValue, valueFromTensor } from './convert.js';
import { ExecError } from './errors.js';
import { runGraph, type GraphPlan, type RunEnv } from './interpreter.js';
import { activeHeapKernels, type ActiveHeap } from './heap-kernels.js';
import { KERNELS } from './kernels/index.js';
import { Resident } from './resident.js';
import {
  disposeValue, optionalValue, sequenceValue, type OptionalValue, type RValue, type SequenceValue,
} from './values.js';

/** Options of {@link runModel}. */
export interface RunOptions {
  /** Backend or ordered preference list (default: tensorflow → wasm → cpu). */
  readonly backend?: BackendName | readonly BackendName[];
  /** Also return every value computed in the main graph (for divergence localisation). */
  readonly keepIntermediates?: boolean;
  /** Seed of random ops that have no `seed` attribute (default 0). */
  readonly seed?: number;
  /** Reject feeds whose shape contradicts a fixed declared dim (default true). */
  readonly checkShapes?: boolean;
  /**
   * Called with every tensor value a node computes, in execution order, in the main graph and
   * in subgraphs (once per iteration of a Loop/Scan body): for range collection (calibration)
   * without keeping every value alive. Values inside model-local functions are not reported.
   */
  readonly onValue?: (value: Value, tensor: Tensor) => void;
}

/** A sequence of tensors (a feed or an output of a sequence-typed graph value). */
export interface SequenceData {
  readonly kind: 'sequence';
  /** Element type; needed for an empty sequence, else taken from the items. */
  readonly elemDType?: DataType;
  readonly items: readonly Tensor[];
}

/** An optional (a feed or an output of an optional-typed graph value). */
export interface OptionalData {
  readonly kind: 'optional';
  readonly value: Tensor | SequenceData | undefined;
}

/** A graph input or output value that is not a tensor. */
export type OtherOutput = SequenceData | OptionalData;

/** A feed: a tensor, a sequence or an optional. */
export type Feed = Tensor | SequenceData | OptionalData;

/** What {@link runModel} returns. */
export interface RunResult {
  /** Tensor outputs by graph output name (FLOAT16 as bits, INT64 as BigInt64Array, …). */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /** Sequence and optional outputs by name. */
  readonly otherOutputs: Readonly<Record<string, OtherOutput>>;
  /** With `keepIntermediates`: every tensor value of the main graph by name, in execution order. */
  readonly intermediates?: ReadonlyMap<string, Tensor>;
  /** The backend that ran the model. */
  readonly backend: BackendName;
  /** Notes about the run (e.g. accumulation annotations a kernel could not honour). */
  readonly notes: readonly Diagnostic[];
}

/**
 * Runs a model on tfjs kernels. Feeds are IR tensors keyed by graph input name (initializers
 * that are also inputs may be overridden). Returns `Right(RunResult)` or `Left(ExecError)`;
 * it does not throw for model or input problems.
 */
export async function runModel(
  model: Model, feeds: Readonly<Record<string, Feed>>, options: RunOptions = {},
): Promise<Result<ExecError, RunResult>> {
  let backend: BackendName;
  try {
    backend = await initBackend(options.backend);
  } catch (e) {
    return err(asExecError(e));
  }
  const r = executeModel(model, feeds, options);
  return r._tag === 'Left' ? r : ok({ ...r.right, backend });
}

/**
 * A model made ready for repeated runs (like an inference session): execution plans are
 * computed once, and initializers and `Constant` outputs are uploaded to the backend on the
 * first run and kept (with the weight layouts kernels derive from them) until
 * {@link PreparedModel.dispose}. The model must not be edited while it is prepared.
 * Runs are synchronous and need an initialised backend ({@link initBackend}).
 */
export class PreparedModel {
  readonly #plans = new WeakMap<Graph, GraphPlan>();
  readonly #resident = new Resident();
  #heap: ActiveHeap | undefined;
  #disposed = false;

  constructor(readonly model: Model) {}

  /** Runs the model on `feeds` (see {@link runModel}); never throws for model or input problems. */
  run(feeds: Readonly<Record<string, Feed>>, options: Omit<RunOptions, 'backend'> = {}): Result<ExecError, Omit<RunResult, 'backend'>> {
    if (this.#disposed) return err(new ExecError('InvalidInput', 'The prepared model was disposed; prepare it again'));
    const model = this.model;
    const g = model.graph;
    const inputs: (RValue | undefined)[] = [];
    try {
      checkFeedNames(model, feeds);
      for (const v of g.inputs) {
        const t = feeds[v.name];
        if (t === undefined) {
          if (v.isInitializer()) { inputs.push(undefined); continue; }
          throw new ExecError('InvalidInput', `Missing feed for graph input '${v.name}'${describeType(v)}; pass it in feeds`);
        }
        inputs.push(importFeed(v, t, options.checkShapes !== false));
      }
      const onValue = options.onValue;
      this.#heap = activeHeapKernels(this.#heap);
      const env: RunEnv = {
        model, kernels: KERNELS, opset: model.opset('') ?? model.opset('ai.onnx') ?? 1,
        seed: options.seed ?? 0, notes: [], plans: this.#plans, resident: this.#resident, heap: this.#heap?.kernels,
        ...(onValue === undefined ? {} : {
          observe: (val: Value, x: RValue): void => {
            if (x.kind === 'tensor') onValue(val, tensorFromValue(x));
          },
        }),
      };
      const intermediates = options.keepIntermediates === true ? new Map<string, Tensor>() : undefined;
      const record = intermediates === undefined ? undefined : (val: Value, x: RValue): void => {
        if (x.kind === 'tensor') intermediates.set(val.name, tensorFromValue(x));
      };
      const outs = runGraph(env, g, inputs, undefined, undefined, record);
      inputs.length = 0;
      const outputs: Record<string, Tensor> = {};
      const otherOutputs: Record<string, OtherOutput> = {};
      try {
        g.outputs.forEach((v, i) => {
          const x = outs[i]!;
          if (x.kind === 'tensor') outputs[v.name] = tensorFromValue(x);
          else otherOutputs[v.name] = exportOther(x);
        });
      } finally {
        for (const x of outs) disposeValue(x);
      }
      return ok({ outputs, otherOutputs, intermediates, notes: env.notes });
    } catch (e) {
      for (const x of inputs) disposeValue(x);
      return err(asExecError(e));
    }
  }

  /** Frees the tensors kept for the model (idempotent); later runs return an error. */
  dispose(): void {
    this.#disposed = true;
    this.#resident.dispose();
  }
}

/** Prepares a model for repeated runs; see {@link PreparedModel}. */
export function prepareModel(model: Model): PreparedModel {
  return new PreparedModel(model);
}

/**
 * The synchronous core of {@link runModel}, for callers that already called `initBackend`:
 * prepares the model, runs it once and frees everything the run kept.
 */
export function executeModel(
  model: Model, feeds: Readonly<Record<string, Feed>>, options: Omit<RunOptions, 'backend'> = {},
): Result<ExecError, Omit<RunResult, 'backend'>> {
  const p = new PreparedModel(model);
  try {
    return p.run(feeds, options);
  } finally {
    p.dispose();
  }
}

function asExecError(e: unknown): ExecError {
  if (e instanceof ExecError) return e;
  return new ExecError('KernelError', e instanceof Error ? e.message : String(e));
}

function describeType(v: Value): string {
  const t = v.type;
  if (t?.kind !== 'tensor') return '';
  return ` (${dataTypeName(t.dtype)}[${(t.shape ?? []).map((d) => d ?? '?').join(', ')}])`;
}

function checkFeedNames(model: Model, feeds: Readonly<Record<string, Feed>>): void {
  const names = new Set(model.graph.inputs.map((v) => v.name));
  for (const k of Object.keys(feeds)) {
    if (!names.has(k)) throw new ExecError('InvalidInput', `Feed '${k}' names no graph input; the inputs are: ${[...names].join(', ')}`);
  }
}

function exportOther(x: SequenceValue | OptionalValue): OtherOutput {
  if (x.kind === 'sequence') return { kind: 'sequence', elemDType: x.elemDType, items: x.items.map(tensorFromValue) };
  const inner = x.value;
  if (inner === undefined) return { kind: 'optional', value: undefined };
  return { kind: 'optional', value: inner.kind === 'tensor' ? tensorFromValue(inner) : (exportOther(inner) as SequenceData) };
}

/**
 * Whether a feed is a tensor: an IR Tensor, also one made by another copy of @mixprec/ir (the
 * dual-package hazard: a CommonJS and an ES module instance of the same package, as test
 * loaders produce), recognised by its fields; sequences and optionals carry a `kind`.
 */
function isTensorFeed(f: unknown): f is Tensor {
  if (f instanceof Tensor) return true;
  return typeof f === 'object' && f !== null && !('kind' in f) && 'dtype' in f && 'dims' in f && 'data' in f;
}

function importFeed(v: Value, f: Feed, shapes: boolean): RValue {
  const want = v.type?.kind;
  if (isTensorFeed(f)) {
    if (want === 'optional') return optionalValue(valueFromTensor(f, `Feed '${v.name}'`));
    checkFeed(v, f, shapes);
    return valueFromTensor(f, `Feed '${v.name}'`);
  }
  if (want !== undefined && want !== f.kind) throw new ExecError('InvalidInput', `Feed '${v.name}' is a ${f.kind} but the input is declared a ${want}`);
  if (f.kind === 'sequence') return importSequence(v, f);
  const inner = f.value;
  if (inner === undefined) return optionalValue(undefined);
  return optionalValue(isTensorFeed(inner) ? valueFromTensor(inner, `Feed '${v.name}'`) : importSequence(v, inner));
}

function importSequence(v: Value, s: SequenceData): SequenceValue {
  const items = s.items.map((t, i) => valueFromTensor(t, `Feed '${v.name}' item ${i}`));
  return sequenceValue(s.elemDType ?? items[0]?.dtype ?? elementDType(v.type), items);
}

function checkFeed(v: Value, t: Tensor, shapes: boolean): void {
  const type = v.type;
  if (type === undefined) return;
  if (type.kind !== 'tensor') throw new ExecError('InvalidInput', `Graph input '${v.name}' is a ${type.kind}; pass a ${type.kind} feed`);
  if (type.dtype !== t.dtype) {
    throw new ExecError('InvalidInput', `Feed '${v.name}' is ${dataTypeName(t.dtype)} but the input is declared ${dataTypeName(type.dtype)}; convert the feed`);
  }
  const shape = type.shape;
  if (shape === undefined || !shapes) return;
  const bad = shape.length !== t.dims.length || shape.some((d, i) => typeof d === 'number' && d !== t.dims[i]);
  if (bad) {
    throw new ExecError('InvalidInput', `Feed '${v.name}' has shape [${t.dims.join(', ')}] but the input is declared [${shape.map((d) => d ?? '?').join(', ')}]`);
  }
}

/** Number of live tfjs tensors (for leak checks in tests and tools). */
export function liveTensorCount(): number {
  return tf.memory().numTensors;
}

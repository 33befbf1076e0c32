import {
  InvariantError, elementDType, formatDiagnostics, graphValues, tensorType, verify, walkGraphs, withElementDType,
  type Model, type Value, type ValueType,
} from '@mixprec/ir';
import { createPassContext, definePass, describeCause, runPipeline, type PassContext } from '@mixprec/passes';
import { inferTypes } from '@mixprec/transforms';
import {
  DEFAULT_INTENSIVE_OPS, DEFAULT_MIN_ELEMENTS, defaultIntegerPolicy, defineIntegerPolicy, type IntegerPolicy,
  type IntegerRuntime,
} from './integer-policy.js';
import { runNarrowing, type NarrowingConfig } from './narrowing.js';
import {
  Int16Options, Int64ToInt32Options, dimBoundSpecs, parseDimBounds, parseInputRanges, rangeSpecs,
} from './options.js';
import { explainNarrowing, type Int16Report, type IntegerNarrowingReport } from './report.js';

/**
 * `int16`: INT32/INT64 → INT16 where it is proven safe and pays.
 *
 * A candidate tensor (weight, user input, creation-op or op output of the main graph) is
 * skipped when it folds to a constant, feeds an index/shape input, has no computationally
 * intensive consumer (policy), touches ops whose schema (at the model's opset) or runtime
 * lacks int16, or its range is not proven to fit int16 by value-range analysis (user inputs:
 * unless `inputRanges` proves them or `unprovenInputs: cast` assumes they fit). Otherwise the
 * producer computes in int16, consumers that admit int16 read it directly, the others read one
 * Cast back; constants are stored as int16. Outputs keep their names.
 *
 * ```
 * # before (opset 17)                         # after
 * c = Clip(x, lo, hi)    # lo/hi = ±1000     c = Clip(x, lo, hi)
 * s = Add(c, c)                              c16 = Cast<to=INT16>(c)
 * y = Mul(s, k)          # 65536 elements    s = Add(c16, c16)            (int16)
 *                                            y = Mul(s, k16)              (int16 output)
 * ```
 */
export const int16 = definePass({
  name: 'int16',
  description: 'Narrow INT32/INT64 tensors to INT16 where value-range analysis proves it safe and an intensive op uses them',
  optLevel: 2,
  options: Int16Options,
  defaults: {
    keepIoTypes: false, unprovenInputs: 'skip', inputRanges: [], dimBounds: [], runtime: 'ort-cpu',
    intensiveOps: [...DEFAULT_INTENSIVE_OPS], minElements: DEFAULT_MIN_ELEMENTS, explain: false,
  },
  optionDocs: {
    keepIoTypes: 'true: inputs/outputs keep their dtypes (a Cast after each narrowed input); or a list of names to keep',
    unprovenInputs: 'skip: inputs need a proven range; cast: inputs are assumed to fit int16 (reported)',
    inputRanges: 'proven input ranges, name=lo..hi',
    dimBounds: 'upper bounds of symbolic dims, name=max (default 2^31-1)',
    runtime: 'ort-cpu: only ops onnxruntime CPU runs in int16; onnx: whatever the schema admits',
    intensiveOps: 'ops that always count as computationally intensive',
    minElements: 'other ops count from this many elements',
    explain: 'report every candidate tensor and its rule as an info diagnostic',
  },
  run(model, ctx, o) {
    const policy = defineIntegerPolicy({ name: 'options', intensiveOps: o.intensiveOps, minElements: o.minElements, runtime: o.runtime });
    return { modified: emit(runNarrowing(model, config('int16', o, policy)), ctx, o.explain).modified };
  },
});

/**
 * `int64-to-int32`: INT64 → INT32 for shape and index computations whose values are proven to
 * lie in the int32 range (web runtimes such as WebGPU have no INT64 kernels). Positions whose
 * schema takes only int64 (Reshape/Expand shape, Tile repeats, ConstantOfShape input, Shape and
 * NonZero outputs, TopK K, …) read one Cast back; a group of values stays INT64 when narrowing
 * it would not remove more INT64 values than the casts back it needs. The report lists every
 * INT64 value left and why.
 */
export const int64ToInt32 = definePass({
  name: 'int64-to-int32',
  description: 'Narrow INT64 shape/index computations to INT32 where their range is proven',
  optLevel: 2,
  options: Int64ToInt32Options,
  defaults: { keepIoTypes: false, unprovenInputs: 'skip', inputRanges: [], dimBounds: [], runtime: 'ort-cpu', explain: false },
  optionDocs: {
    keepIoTypes: 'true: inputs/outputs keep their dtypes; or a list of names to keep',
    unprovenInputs: 'skip: inputs need a proven range; cast: inputs are assumed to fit int32 (reported)',
    inputRanges: 'proven input ranges, name=lo..hi',
    dimBounds: 'upper bounds of symbolic dims, name=max (default 2^31-1)',
    runtime: 'ort-cpu: only ops onnxruntime CPU runs in int32; onnx: whatever the schema admits',
    explain: 'report every candidate tensor (and every INT64 value left) as an info diagnostic',
  },
  run(model, ctx, o) {
    const policy = defineIntegerPolicy({ name: 'options', runtime: o.runtime });
    return { modified: emit(runNarrowing(model, config('int64-to-int32', o, policy)), ctx, o.explain).modified };
  },
});

function config(
  pass: NarrowingConfig['pass'], o: Int64ToInt32Options, policy: IntegerPolicy,
): NarrowingConfig {
  return {
    pass, policy, keepIoTypes: o.keepIoTypes, unprovenInputs: o.unprovenInputs,
    inputRanges: parseInputRanges(o.inputRanges), dimBounds: parseDimBounds(o.dimBounds),
  };
}

/** Passes the report's diagnostics to the context's sink (with `explain`, one line per candidate first). */
function emit(r: IntegerNarrowingReport, ctx: PassContext, explain: boolean): IntegerNarrowingReport {
  if (explain) for (const d of explainNarrowing(r)) ctx.report(d);
  for (const d of r.diagnostics) ctx.report(d);
  return r;
}

/** Options of {@link narrowIntegers}. */
export interface NarrowIntegersOptions {
  /** Run the `int16` pass (default true). */
  readonly int16?: boolean;
  /** Also run `int64-to-int32` (default false). */
  readonly narrowInt64?: boolean;
  /** `true`: inputs/outputs keep names and dtypes; a list: those names do (default false: they may narrow). */
  readonly keepIoTypes?: boolean | readonly string[];
  /** `cast`: inputs without a proven range are assumed to fit (the report says so). Default `skip`. */
  readonly unprovenInputs?: 'skip' | 'cast';
  /** Proven inclusive ranges of graph inputs: `{ x: [-1000, 1000] }`. */
  readonly inputRanges?: Readonly<Record<string, readonly [number | bigint, number | bigint]>>;
  /** Upper bounds of symbolic dims: `{ N: 4096 }` (default 2^31 − 1). */
  readonly dimBounds?: Readonly<Record<string, number | bigint>>;
  /** The `int16` policy (default: {@link defaultIntegerPolicy}). */
  readonly policy?: IntegerPolicy;
  /** Shortcut for the policy's runtime when no policy is given (`ort-cpu` default). */
  readonly runtime?: IntegerRuntime;
  /** Run `infer-types` first (default true): shapes make the element counts and `Shape` bounds exact. */
  readonly inferTypes?: boolean;
  /**
   * Keep the types `infer-types` added (default false: every value not narrowed gets its
   * declared type back, so the model changes only where it was narrowed — inferred shapes in
   * value_info can make a runtime pick other float kernels, which would blur bit-exactness).
   */
  readonly keepInferredTypes?: boolean;
}

/**
 * Integer narrowing as a function: runs `int16` (and `int64-to-int32` with `narrowInt64`) on
 * the model in place, checks the result with the IR verifier, and returns both reports.
 * Throws `PreconditionError` for invalid options.
 */
export function narrowIntegers(model: Model, options: NarrowIntegersOptions = {}): Int16Report {
  const policy = options.policy ?? (options.runtime === undefined ? defaultIntegerPolicy : defineIntegerPolicy({ name: 'default', runtime: options.runtime }));
  const base = {
    keepIoTypes: options.keepIoTypes ?? false,
    unprovenInputs: options.unprovenInputs ?? 'skip',
    inputRanges: parseInputRanges(rangeSpecs(options.inputRanges ?? {})),
    dimBounds: parseDimBounds(dimBoundSpecs(options.dimBounds ?? {})),
  } as const;
  const declared = options.inferTypes !== false && options.keepInferredTypes !== true ? snapshotTypes(model) : undefined;
  if (options.inferTypes !== false) infer(model);
  const inferred = declared === undefined ? undefined : snapshotTypes(model);
  let i16: IntegerNarrowingReport | undefined;
  let i32: IntegerNarrowingReport | undefined;
  if (options.int16 !== false) i16 = checked(model, runNarrowing(model, { ...base, pass: 'int16', policy }));
  if (options.narrowInt64 === true) i32 = checked(model, runNarrowing(model, { ...base, pass: 'int64-to-int32', policy }));
  if (declared !== undefined && inferred !== undefined) restoreTypes(declared, inferred);
  return {
    ...(i16 === undefined ? {} : { int16: i16 }),
    ...(i32 === undefined ? {} : { int64ToInt32: i32 }),
    modified: (i16?.modified ?? false) || (i32?.modified ?? false),
  };
}

function snapshotTypes(model: Model): Map<Value, ValueType | undefined> {
  const out = new Map<Value, ValueType | undefined>();
  for (const g of walkGraphs(model)) for (const v of graphValues(g)) out.set(v, v.type);
  return out;
}

/**
 * Gives every value its declared type back, except that a value whose element type the
 * narrowing changed keeps the new element type (on its declared shape, if any).
 */
function restoreTypes(declared: ReadonlyMap<Value, ValueType | undefined>, inferred: ReadonlyMap<Value, ValueType | undefined>): void {
  for (const [v, before] of declared) {
    const now = elementDType(v.type);
    if (now === elementDType(inferred.get(v)) || now === undefined) {
      v.type = before;
    } else {
      v.type = before === undefined ? tensorType(now) : withElementDType(before, now);
    }
  }
}

/** Runs `infer-types` (its diagnostics concern the input model, not the narrowing: dropped). */
function infer(model: Model): void {
  const ctx = createPassContext({ report: () => undefined });
  if (ctx._tag === 'Left') throw new InvariantError(ctx.left.message);
  const r = runPipeline(model, inferTypes(), ctx.right);
  if (r._tag === 'Left') throw new InvariantError(`infer-types failed before integer narrowing: ${describeCause(r.left.cause)}`);
}

function checked(model: Model, r: IntegerNarrowingReport): IntegerNarrowingReport {
  if (!r.modified) return r;
  const errors = verify(model).filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new InvariantError(`${r.pass} produced an invalid model:\n${formatDiagnostics(errors)}`);
  return r;
}

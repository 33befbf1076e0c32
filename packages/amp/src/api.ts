import {
  InvariantError, cloneModel, formatDiagnostics, verify, walkNodes, type Diagnostic, type Model, type Node,
} from '@mixprec/ir';
import {
  createPassContext, formatPassFailure, runPipeline, sequential, type Pass, type PassContext,
} from '@mixprec/passes';
import { transformPasses } from '@mixprec/transforms';
import { runAmp, runDiagnostics, type AmpRun } from './amp-pass.js';
import { weightCensus } from './census.js';
import { DeclaredTypes } from './declared-types.js';
import { nodeFlops } from './flops.js';
import { checkIoContract } from './io-contract.js';
import { AmpError, resolveAmpOptions, type AmpOptions, type ResolvedAmpOptions } from './options.js';
import { buildReport, castSnapshot, ioTypes, type AmpReport } from './report.js';
import { narrowIntegers, type NarrowIntegersOptions } from './int16/int16-pass.js';
import type { Int16Report } from './int16/report.js';

/** Options of the APIs: the conversion options plus what runs around the pass. */
export interface ConvertOptions extends AmpOptions {
  /** Run `infer-types` first (default true; the analysis also works from declared types alone). */
  readonly inferTypes?: boolean;
  /** Run `cast-cleanup` and `dce` after the pass (default true). */
  readonly cleanup?: boolean;
  /**
   * Keep the types `infer-types` added to values the conversion did not change (default false:
   * they get their declared types back, so the model changes only where it was converted).
   */
  readonly keepInferredTypes?: boolean;
  /**
   * Sizes of symbolic input dims (`{ N: 1, H: 640, W: 640 }`) for the report's FLOP count: shapes
   * are inferred on a copy with these sizes; the converted model keeps its symbolic dims.
   */
  readonly dimValues?: Readonly<Record<string, number>>;
  /** Full input shapes by input name for the FLOP count (override `dimValues`), e.g. `{ x: [1, 3, 640, 640] }`. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Where warnings go as they happen (they are also in the report). */
  readonly onDiagnostic?: (d: Diagnostic) => void;
}

/** A 16-bit conversion report: the float part, and the integer narrowing's report. */
export interface SixteenBitReport extends AmpReport {
  /** The INT32/INT64 → INT16 narrowing (see `narrowIntegers`). */
  readonly int16: Int16Report;
}

/** Options of {@link castTo16BitPrecision}: the float options, and the integer ones under `integers`. */
export interface SixteenBitOptions extends ConvertOptions {
  /** Options of the integer narrowing (`keepIoTypes` defaults to the float one's). */
  readonly integers?: NarrowIntegersOptions;
}

function transform(name: string, options: Readonly<Record<string, unknown>> = {}): Pass | undefined {
  const f = transformPasses.find((p) => p.info.name === name);
  if (f === undefined) return undefined;
  const r = f.create(options);
  if (r._tag === 'Left') throw new InvariantError(`amp: cannot create pass '${name}': ${r.left.message}`);
  return r.right;
}

function runPasses(model: Model, passes: readonly Pass[], ctx: PassContext): void {
  if (passes.length === 0) return;
  const r = runPipeline(model, sequential('amp-cleanup', passes), ctx);
  if (r._tag === 'Left') throw new InvariantError(`amp: ${formatPassFailure(r.left)}`);
}

/**
 * Per-node FLOPs of `model` with its symbolic input dims set to `dims`: shapes are inferred on
 * a clone and mapped back node by node (same walk order).
 */
function concreteFlops(
  model: Model, dims: Readonly<Record<string, number>>, shapes: Readonly<Record<string, readonly number[]>>,
): (n: Node) => number | undefined {
  const clone = cloneModel(model);
  for (const v of clone.graph.inputs) {
    const t = v.type;
    if (t?.kind !== 'tensor') continue;
    // Own properties only: an input named `constructor` must not find Object.prototype's (found by fuzzing).
    const given = Object.hasOwn(shapes, v.name) ? shapes[v.name] : undefined;
    if (given !== undefined) v.type = { ...t, shape: [...given] };
    else if (t.shape !== undefined) v.type = { ...t, shape: t.shape.map((d) => (typeof d === 'string' && Object.hasOwn(dims, d) ? dims[d]! : d)) };
  }
  const infer = transform('infer-types', { overwrite: true });
  const ctx = createPassContext({ report: () => undefined });
  if (infer !== undefined && ctx._tag === 'Right') runPasses(clone, [infer], ctx.right);
  const map = new Map<Node, number | undefined>();
  const a = [...walkNodes(model)];
  const b = [...walkNodes(clone)];
  a.forEach((n, i) => map.set(n, b[i] === undefined ? undefined : nodeFlops(b[i]!)));
  return (n) => map.get(n);
}

function resolve(options: AmpOptions): ResolvedAmpOptions {
  const r = resolveAmpOptions(options);
  if (r._tag === 'Left') throw new AmpError(r.left);
  return r.right;
}

/**
 * FP32 → FP16 (or BF16) only: `infer-types`, the `amp` pass, `cast-cleanup`, `dce`, then the IR
 * verifier and the IO contract check. Rewrites the model in place and returns the report.
 * Throws {@link AmpError} for invalid options, `InvariantError` if the result would be invalid
 * (a bug: please report it with the model).
 *
 * ```ts
 * const model = unwrap(loadModel('model.onnx'));
 * const report = castFp32ToFp16(model, { keepIoTypes: true });
 * console.log(formatReport(report));
 * saveModel(model, 'model.fp16.onnx');
 * ```
 */
export function castFp32ToFp16(model: Model, options: ConvertOptions = {}): AmpReport {
  const opts = resolve(options);
  const diagnostics: Diagnostic[] = [];
  const sink = (d: Diagnostic): void => {
    diagnostics.push(d);
    options.onDiagnostic?.(d);
  };
  const ctxR = createPassContext({ optLevel: 3, report: sink });
  if (ctxR._tag === 'Left') throw new InvariantError(ctxR.left.message);
  const ctx = ctxR.right;
  const ioBefore = ioTypes(model);
  const before = weightCensus(model);
  const restore = options.inferTypes !== false && options.keepInferredTypes !== true;
  const declared = restore ? new DeclaredTypes(model) : undefined;
  if (options.inferTypes !== false) {
    const infer = transform('infer-types');
    if (infer !== undefined) runPasses(model, [infer], ctx);
  }
  declared?.noteInferred();
  const flopsOf = options.dimValues === undefined && options.inputShapes === undefined
    ? undefined : concreteFlops(model, options.dimValues ?? {}, options.inputShapes ?? {});
  const run: AmpRun = runAmp(model, opts, flopsOf);
  for (const d of runDiagnostics(run)) sink(d);
  const paths = run.plan.graphPaths;
  const castsAfterAmp = castSnapshot(model, (g) => paths.get(g) ?? g.name);
  if (options.cleanup !== false) {
    runPasses(model, [transform('cast-cleanup'), transform('dce')].filter((p): p is Pass => p !== undefined), ctx);
  }
  declared?.restore(model);
  const bad = verify(model).filter((d) => d.severity === 'error');
  if (bad.length > 0) throw new InvariantError(`amp produced an invalid model:\n${formatDiagnostics(bad.slice(0, 10))}`);
  const ioAfter = ioTypes(model);
  const io = checkIoContract(ioBefore, ioAfter, run.plan, (n) => opts.keepAllIo || opts.keepIoNames.has(n));
  if (io.length > 0) throw new InvariantError(`amp broke the IO contract:\n${formatDiagnostics(io)}`);
  return buildReport({
    plan: run.plan, log: run.log, flops: run.flops, before, after: weightCensus(model), ioBefore, ioAfter,
    castsAfterAmp, diagnostics,
  });
}

/**
 * INT32/INT64 → INT16 where provably safe (the `int16` pass: value-range analysis, index and
 * constant-foldable tensors skipped, only where an intensive op pays for it). Rewrites the model
 * in place and returns its report.
 */
export function castInt32ToInt16(model: Model, options: NarrowIntegersOptions = {}): Int16Report {
  return narrowIntegers(model, options);
}

/**
 * FP32 → FP16/BF16 and INT32/INT64 → INT16 (the recommended entry point): runs
 * {@link castFp32ToFp16}, then {@link castInt32ToInt16} with the same IO mode unless
 * `integers.keepIoTypes` says otherwise.
 *
 * ```ts
 * const report = castTo16BitPrecision(model);            // inputs/outputs become 16-bit
 * console.log(formatReport(report));
 * ```
 */
export function castTo16BitPrecision(model: Model, options: SixteenBitOptions = {}): SixteenBitReport {
  const report = castFp32ToFp16(model, options);
  const int16 = castInt32ToInt16(model, { keepIoTypes: options.keepIoTypes ?? false, ...options.integers });
  return { ...report, int16 };
}

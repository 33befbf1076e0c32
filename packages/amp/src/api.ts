import {
  InvariantError, formatDiagnostics, verify, type Diagnostic, type Model,
} from '@mixprec/ir';
import {
  createPassContext, formatPassFailure, runPipeline, sequential, type Pass, type PassContext,
} from '@mixprec/passes';
import { transformPasses } from '@mixprec/transforms';
import { runAmp, runDiagnostics, type AmpRun } from './amp-pass.js';
import { weightCensus } from './census.js';
import { checkIoContract } from './io-contract.js';
import { AmpError, resolveAmpOptions, type AmpOptions, type ResolvedAmpOptions } from './options.js';
import { buildReport, castSnapshot, ioTypes, type AmpReport } from './report.js';

/** Options of the APIs: the conversion options plus what runs around the pass. */
export interface ConvertOptions extends AmpOptions {
  /** Run `infer-types` first (default true; the analysis also works from declared types alone). */
  readonly inferTypes?: boolean;
  /** Run `cast-cleanup` and `dce` after the pass (default true). */
  readonly cleanup?: boolean;
  /** Where warnings go as they happen (they are also in the report). */
  readonly onDiagnostic?: (d: Diagnostic) => void;
}

/** A 16-bit conversion report: the float part, and the integer part when that pass ran. */
export interface SixteenBitReport extends AmpReport {
  /** The integer narrowing (INT32/INT64 → INT16) result, or why it did not run. */
  readonly int16: { readonly ran: false; readonly reason: string } | { readonly ran: true; readonly report: unknown };
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
  if (options.inferTypes !== false) {
    const infer = transform('infer-types');
    if (infer !== undefined) runPasses(model, [infer], ctx);
  }
  const run: AmpRun = runAmp(model, opts);
  for (const d of runDiagnostics(run)) sink(d);
  const paths = run.plan.graphPaths;
  const castsAfterAmp = castSnapshot(model, (g) => paths.get(g) ?? g.name);
  if (options.cleanup !== false) {
    runPasses(model, [transform('cast-cleanup'), transform('dce')].filter((p): p is Pass => p !== undefined), ctx);
  }
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
 * INT32/INT64 → INT16 where provably safe. Its pass is built in `./int16/`; until it is
 * exported this API throws an {@link AmpError} saying so.
 */
export function castInt32ToInt16(model: Model, options: { readonly onDiagnostic?: (d: Diagnostic) => void } = {}): unknown {
  void model;
  void options;
  throw new AmpError({
    _tag: 'AmpOptionError', option: 'int16',
    message: 'castInt32ToInt16 is not available in this build: the int16 narrowing pass is not part of @mixprec/amp yet; use castFp32ToFp16 for floating point',
  });
}

/**
 * FP32 → FP16/BF16 and INT32/INT64 → INT16 (the recommended entry point). Runs
 * {@link castFp32ToFp16}, then the integer narrowing when it is available (the report says
 * whether it ran).
 */
export function castTo16BitPrecision(model: Model, options: ConvertOptions = {}): SixteenBitReport {
  const report = castFp32ToFp16(model, options);
  return { ...report, int16: { ran: false, reason: 'the int16 narrowing pass is not available in this build' } };
}

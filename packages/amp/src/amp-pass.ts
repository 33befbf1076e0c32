import { dataTypeText, type Diagnostic, type Model, type Node } from '@mixprec/ir';
import { definePass, type PassFactory } from '@mixprec/passes';
import { analyseWithDTypes } from './analysis.js';
import {
  AMP_PASS_DEFAULTS, AmpError, AmpPassOptionsC, fromPassOptions, resolveAmpOptions, type AmpPassOptions,
  type ResolvedAmpOptions,
} from './options.js';
import type { Plan } from './plan.js';
import type { PolicyRegistry } from './policy-registry.js';
import { planFlops } from './report.js';
import { applyPlanWith } from './rewrite.js';
import type { RewriteLog } from './rewrite-log.js';

/** What one run of the conversion (analysis + rewrite) produced. */
export interface AmpRun {
  readonly plan: Plan;
  readonly log: RewriteLog;
  /** FLOPs of the plan's nodes, measured before the rewrite. */
  readonly flops: { total: number; in16: number; unknownNodes: number };
  readonly modified: boolean;
}

/** The warnings and notes of a run, as diagnostics (for `ctx.report` and the report). */
export function runDiagnostics(run: AmpRun): Diagnostic[] {
  const t = dataTypeText(run.plan.target);
  const out: Diagnostic[] = [];
  for (const s of run.log.saturated) {
    out.push({ severity: 'warning', code: 'amp-saturated', graph: s.graph, value: s.name, message: `Constant '${s.name}' (graph '${s.graph}'): ${s.count} of ${s.elements} values beyond the ${t} range (mask sentinels) saturated to ±max instead of ±Inf` });
  }
  for (const s of run.log.underflowed) {
    const fix = s.replaced !== undefined && s.replaced > 0 ? `; ${s.replaced} kept as ±(smallest ${t} subnormal)` : '; they become 0';
    out.push({ severity: 'warning', code: 'amp-underflow', graph: s.graph, value: s.name, message: `Constant '${s.name}' (graph '${s.graph}'): ${s.count} of ${s.elements} nonzero values underflow in ${t}${fix}` });
  }
  for (const k of run.plan.keptForRange) {
    out.push({ severity: 'info', code: 'amp-kept-for-range', graph: k.graph, node: k.node, value: k.value, message: `Weight '${k.value}' has |v| up to ${k.absMax.toExponential(3)}, beyond ${t}: ${k.node === '' ? 'it stays float32' : `its consumer '${k.node}' stays float32`}` });
  }
  out.push(...run.plan.diagnostics);
  return out;
}

/**
 * The conversion core: analysis, then rewrite, in place. No cleanup (the pipeline runs
 * `cast-cleanup` and `dce` after it). Throws {@link AmpError} for option errors that need the
 * model (e.g. a keepIoTypes name that is not an IO name).
 */
export function runAmp(model: Model, opts: ResolvedAmpOptions, flopsOf?: (n: Node) => number | undefined): AmpRun {
  const { plan, dtypes, hints } = analyseWithDTypes(model, opts);
  const flops = planFlops(plan, flopsOf);
  const log = applyPlanWith(model, plan, dtypes, hints);
  return { plan, log, flops, modified: log.edits > 0 };
}

/**
 * The `amp` pass: FP32 → FP16/BF16 mixed precision by a policy (looked up in `policies`, by
 * default the built-in ones). Options as in the issue: `target`, `policy`, `keep-io-types`,
 * `block-ops`, `block-nodes`, `force-nodes`, `accumulation`, `weights-only`.
 *
 * 1. Analysis: every node gets a colour and the rule that decided it (quantized ops, missing
 *    schemas and inputs whose schema type excludes the target stay float32; user blocks/forces;
 *    weights beyond ±65504 keep their consumer float32; then the policy; gray follows its inputs;
 *    sequence/optional clusters convert together or not at all); control-flow bodies are typed
 *    from the outer decisions.
 * 2. Rewrite: value types, one Cast per (value, dtype) right after its definition, constants
 *    stored 16-bit (sentinels saturated, underflow reported), IO per mode with names kept,
 *    existing `Cast(to=FLOAT)` and dtype attributes of creation ops retargeted, accumulation
 *    annotations (`mixprec.accumulation`) or materialised float32 islands.
 *
 * ```
 * before: main (float[2] X) => (float[2] Y) { Y = Relu (X) }
 * after:  main (float16[2] X) => (float16[2] Y) { Y = Relu (X) }
 * ```
 */
export function createAmpPass(policies?: PolicyRegistry): PassFactory<AmpPassOptions> {
  return definePass<AmpPassOptions>({
    name: 'amp',
    description: 'Mixed precision: FP32 → FP16/BF16 by a green/gray/red policy, with schema, range and IO rules',
    optLevel: 0,
    options: AmpPassOptionsC,
    defaults: AMP_PASS_DEFAULTS,
    optionDocs: {
      target: 'float16, bfloat16, or auto (the policy\'s target)',
      policy: 'Policy name (aggressive, balanced, bf16, or one the application registered)',
      keepIoTypes: 'Keep graph input/output dtypes: true, false, or a list of names',
      blockOps: 'Op types that stay float32 (Op or domain.Op)',
      blockNodes: 'Node names (exact or /regex/) that stay float32',
      forceNodes: 'Node names (exact or /regex/) that go 16-bit whatever the policy and range rules say',
      accumulation: 'annotate (mixprec.accumulation metadata) or materialize (compute in the accumulation dtype between Casts)',
      weightsOnly: 'Store weights 16-bit, decode them in the graph, compute in float32',
      runtime: 'ort-cpu: also keep float32 what onnxruntime CPU cannot run in the target type (measured tables); onnx: schemas only',
    },
    run(model, ctx, opts) {
      const r = resolveAmpOptions(fromPassOptions(opts, policies));
      if (r._tag === 'Left') throw new AmpError(r.left);
      const run = runAmp(model, r.right);
      for (const d of runDiagnostics(run)) ctx.report(d);
      return { modified: run.modified };
    },
  });
}

/** The `amp` pass over the built-in policies. */
export const amp: PassFactory<AmpPassOptions> = createAmpPass();

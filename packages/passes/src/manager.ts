import * as E from 'fp-ts/lib/Either.js';
import { InvariantError, printModel, verify, type Diagnostic, type Model } from '@mixprec/ir';
import type { PassContext } from './context.js';
import { PassFailureError, VerifyError, describeCause, type PassFailure } from './failure.js';
import { UNMODIFIED, isComposite, type Pass, type PassResult } from './pass.js';
import { printPass, printPipeline } from './pipeline-printer.js';

/** Per-run bookkeeping, carried on the context handed to passes (never module state). */
interface RunState {
  readonly pipeline: string;
  readonly previous: string[];
}

const RUN_STATE: unique symbol = Symbol('mixprec.passes.runState');
type RunContext = PassContext & { readonly [RUN_STATE]?: RunState };

/**
 * Runs a pass (usually a whole pipeline) through the manager: gating, prerequisites,
 * instruments and verification as in {@link runPass}. A failure anywhere becomes a `Left`
 * naming the pass, the passes completed before it and the canonical pipeline text.
 */
export function runPipeline(model: Model, pass: Pass, ctx: PassContext): E.Either<PassFailure, PassResult> {
  const state: RunState = { pipeline: printPipeline(pass), previous: [] };
  const runCtx: RunContext = Object.create(ctx, { [RUN_STATE]: { value: state } });
  try {
    return E.right(execute(model, pass, runCtx, state));
  } catch (e) {
    if (e instanceof PassFailureError) return E.left(e.failure);
    throw e;
  }
}

/**
 * Runs one pass under the manager's rules, for composite passes and tests:
 * disabled → skip; required → run; else run only if `ctx.optLevel >= info.optLevel`; then the
 * `info.required` prerequisites; any `shouldRun` veto skips; `runBeforePass`; `run`; the
 * verifier when `verifyEach` (leaf passes); `runAfterPass`. A throw anywhere calls
 * `runAfterPassFailed` and throws a {@link PassFailureError}.
 */
export function runPass(model: Model, pass: Pass, ctx: PassContext): PassResult {
  const runCtx = withRunState(ctx, pass) as RunContext;
  return execute(model, pass, runCtx, runCtx[RUN_STATE]!);
}

/**
 * The context itself when it belongs to a manager run, else a derived context that starts
 * one for `pass` (so that a composite run directly shares one run among its children).
 */
export function withRunState(ctx: PassContext, pass: Pass): PassContext {
  if ((ctx as RunContext)[RUN_STATE] !== undefined) return ctx;
  const state: RunState = { pipeline: printPipeline(pass), previous: [] };
  return Object.create(ctx, { [RUN_STATE]: { value: state } }) as RunContext;
}

function execute(model: Model, pass: Pass, ctx: RunContext, state: RunState): PassResult {
  const info = pass.info;
  if (ctx.disabledPasses.has(info.name)) return UNMODIFIED;
  if (!ctx.requiredPasses.has(info.name) && ctx.optLevel < info.optLevel) return UNMODIFIED;
  const leaf = !isComposite(pass);
  let modified = false;
  for (const req of info.required ?? []) {
    const prereq = resolveRequired(req, pass, ctx, state, model);
    // Prerequisites are forced: only `disabledPasses` can stop them.
    modified = executeForced(model, prereq, ctx, state) || modified;
  }
  for (const ins of ctx.instruments) if (ins.shouldRun !== undefined && !ins.shouldRun(model, info)) return { modified };
  const irBefore = leaf && ctx.captureIrBefore === true ? safePrint(model) : undefined;
  const instruments = ctx.instruments;
  // Instruments [afterDone, beforeDone) have an open runBeforePass; only they get runAfterPassFailed.
  let beforeDone = 0;
  let afterDone = 0;
  try {
    for (; beforeDone < instruments.length; beforeDone++) instruments[beforeDone]!.runBeforePass?.(model, info);
    const r = pass.run(model, ctx);
    if (leaf && ctx.verifyEach) {
      const errors = verify(model).filter((d) => d.severity === 'error');
      if (errors.length > 0) throw new VerifyError(info.name, errors);
    }
    for (; afterDone < instruments.length; afterDone++) instruments[afterDone]!.runAfterPass?.(model, info, r);
    if (leaf) state.previous.push(printPass(pass));
    return { modified: r.modified || modified };
  } catch (e) {
    const failure = e instanceof PassFailureError ? e.failure : makeFailure(pass, e, state, irBefore);
    for (let i = afterDone; i < beforeDone; i++) {
      const ins = instruments[i]!;
      try {
        ins.runAfterPassFailed?.(model, info, failure);
      } catch (e2) {
        ctx.report({ severity: 'error', code: 'instrument-failed', message: `Instrument '${ins.name}' threw in runAfterPassFailed for pass '${info.name}': ${describeCause(e2)}` });
      }
    }
    throw e instanceof PassFailureError ? e : new PassFailureError(failure);
  }
}

function executeForced(model: Model, pass: Pass, ctx: RunContext, state: RunState): boolean {
  if (ctx.disabledPasses.has(pass.info.name)) return false;
  const forced: RunContext = Object.create(ctx, { requiredPasses: { value: new Set([...ctx.requiredPasses, pass.info.name]) } });
  return execute(model, pass, forced, state).modified;
}

function resolveRequired(name: string, by: Pass, ctx: RunContext, state: RunState, model: Model): Pass {
  const created = ctx.registry?.create(name);
  if (created !== undefined && E.isRight(created)) return created.right;
  const why = ctx.registry === undefined
    ? 'the context has no registry to resolve it'
    : E.isLeft(created!) ? created.left.message : 'unknown';
  const cause = new InvariantError(`Pass '${by.info.name}' requires '${name}', but ${why}`);
  const failure = makeFailure(by, cause, state, ctx.captureIrBefore === true ? safePrint(model) : undefined);
  throw new PassFailureError(failure);
}

function makeFailure(pass: Pass, cause: unknown, state: RunState, irBefore: string | undefined): PassFailure {
  const diagnostics: readonly Diagnostic[] | undefined = cause instanceof VerifyError ? cause.diagnostics : undefined;
  const after = state.previous.length === 0 ? 'as the first pass' : `after ${state.previous[state.previous.length - 1]!}`;
  const message = `Pass '${pass.info.name}' failed ${after}: ${describeCause(cause)} (pipeline: ${state.pipeline === '' ? '(empty)' : state.pipeline})`;
  return Object.freeze({
    _tag: 'PassFailure' as const,
    pass: pass.info.name,
    passText: printPass(pass),
    previousPasses: Object.freeze([...state.previous]),
    pipeline: state.pipeline,
    cause,
    ...(diagnostics === undefined ? {} : { diagnostics }),
    ...(irBefore === undefined ? {} : { irBefore }),
    message,
  });
}

function safePrint(model: Model): string {
  try {
    return printModel(model);
  } catch (e) {
    return `# the model could not be printed: ${describeCause(e)}`;
  }
}

import { PreconditionError, type Model } from '@mixprec/ir';
import type { PassContext } from './context.js';
import { runPass, withRunState } from './manager.js';
import type { Pass, PassInfo, PassResult } from './pass.js';
import { DEFAULT_FIXPOINT_ITERATIONS } from './pipeline-printer.js';

/**
 * Passes run one after the other, each through the manager (so each is gated, instrumented
 * and verified on its own). Prints as `a,b,c`.
 */
export function sequential(name: string, passes: readonly Pass[], description = `Runs ${passes.map((p) => p.info.name).join(', ') || 'nothing'}`): Pass {
  const body = Object.freeze([...passes]);
  const info: PassInfo = Object.freeze({ name, description, optLevel: 0, composite: true });
  const self: Pass = Object.freeze({
    info,
    text: Object.freeze({ kind: 'sequential' as const, passes: body }),
    run(model: Model, outer: PassContext): PassResult {
      const ctx = withRunState(outer, self);
      let modified = false;
      for (const p of body) modified = runPass(model, p, ctx).modified || modified;
      return { modified };
    },
  });
  return self;
}

/** Options of {@link repeat}. */
export interface RepeatOptions {
  /** Number of iterations (with `untilUnchanged`: the most iterations). */
  readonly steps: number;
  /** Stop after the first iteration in which no pass changed the model. */
  readonly untilUnchanged?: boolean;
}

/**
 * The body `steps` times (`repeat<N>(…)`), or until an iteration changes nothing
 * (`untilUnchanged`, printed `fixpoint<N>(…)`). When `untilUnchanged` and the last iteration
 * still changed the model, a `fixpoint-not-reached` warning goes to `ctx.report`.
 */
export function repeat(passes: readonly Pass[], options: RepeatOptions): Pass {
  const { steps } = options;
  const untilUnchanged = options.untilUnchanged === true;
  if (!Number.isSafeInteger(steps) || steps < 1) throw new PreconditionError(`repeat: steps must be a positive integer, got ${steps}`);
  const body = Object.freeze([...passes]);
  const names = body.map((p) => p.info.name).join(', ');
  const info: PassInfo = Object.freeze({
    name: untilUnchanged ? 'fixpoint' : 'repeat',
    description: untilUnchanged ? `Runs ${names} until nothing changes (at most ${steps} times)` : `Runs ${names} ${steps} times`,
    optLevel: 0,
    composite: true,
  });
  const self: Pass = Object.freeze({
    info,
    text: Object.freeze({ kind: 'repeat' as const, steps, untilUnchanged, passes: body }),
    run(model: Model, outer: PassContext): PassResult {
      const ctx = withRunState(outer, self);
      let any = false;
      for (let i = 0; i < steps; i++) {
        let changed = false;
        for (const p of body) changed = runPass(model, p, ctx).modified || changed;
        any = any || changed;
        if (untilUnchanged && !changed) return { modified: any };
      }
      if (untilUnchanged) {
        ctx.report({ severity: 'warning', code: 'fixpoint-not-reached', message: `fixpoint(${names}) still changed the model after ${steps} iterations; raise the cap with fixpoint<N>(…)` });
      }
      return { modified: any };
    },
  });
  return self;
}

/** The body until an iteration changes nothing, at most `maxIterations` times (`fixpoint(…)`). */
export function fixpoint(passes: readonly Pass[], options: { readonly maxIterations?: number } = {}): Pass {
  return repeat(passes, { steps: options.maxIterations ?? DEFAULT_FIXPOINT_ITERATIONS, untilUnchanged: true });
}

import type { Model } from '@mixprec/ir';
import type { PassContext } from './context.js';

/** Optimisation level: a pass runs when `ctx.optLevel >= info.optLevel` (TVM `opt_level`). */
export type OptLevel = 0 | 1 | 2 | 3;

/** What a pass is: its name (kebab-case), a one-line description, its level and its prerequisites. */
export interface PassInfo {
  readonly name: string;
  readonly description: string;
  readonly optLevel: OptLevel;
  /** Passes (registry names) run just before this one, each time it runs (TVM `required`). */
  readonly required?: readonly string[];
  /** Set on passes that only group other passes (sequential, repeat, fixpoint, aliases). */
  readonly composite?: boolean;
}

/** What running a pass reports: whether it changed the model at all. */
export interface PassResult {
  readonly modified: boolean;
}

/** A value an option can take in a textual pipeline (lists are flat). */
export type OptionValue = boolean | number | string | readonly (boolean | number | string)[];

/**
 * How a pass prints in a textual pipeline (see `printPipeline`). A pass without it prints as
 * its bare name.
 */
export type PassText =
  /** A registered pass; `options` are the explicitly set ones, in declaration order (kebab-case keys). */
  | { readonly kind: 'pass'; readonly name: string; readonly options: readonly (readonly [string, OptionValue])[] }
  /** Passes run one after the other; prints as `a,b,c`. */
  | { readonly kind: 'sequential'; readonly passes: readonly Pass[] }
  /**
   * `repeat<N>(…)`: the body N times; with `untilUnchanged` (`fixpoint(…)`), at most N times,
   * stopping after the first iteration that changes nothing.
   */
  | { readonly kind: 'repeat'; readonly steps: number; readonly untilUnchanged: boolean; readonly passes: readonly Pass[] }
  /** A named pipeline alias (e.g. `O1`), printed by name. */
  | { readonly kind: 'alias'; readonly name: string; readonly body: Pass };

/**
 * A transformation of a model, in place. Passes keep no state between runs (MLIR): options are
 * decoded once, at construction, and everything else lives in `run`.
 */
export interface Pass {
  readonly info: PassInfo;
  run(model: Model, ctx: PassContext): PassResult;
  /** Textual form; absent means the bare `info.name`. */
  readonly text?: PassText;
}

/** The result of a pass that changed nothing. */
export const UNMODIFIED: PassResult = Object.freeze({ modified: false });

/** True for passes that only group other passes (sequential, repeat, fixpoint, aliases). */
export function isComposite(pass: Pass): boolean {
  if (pass.info.composite === true) return true;
  const k = pass.text?.kind;
  return k !== undefined && k !== 'pass';
}

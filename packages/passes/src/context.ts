import * as E from 'fp-ts/lib/Either.js';
import type { Diagnostic } from '@mixprec/ir';
import type { PassInstrument } from './instrument.js';
import { formatCodecErrors } from './options.js';
import type { OptLevel } from './pass.js';
import type { ConfigKey, PassRegistry } from './registry.js';
import { candidatesHint } from './suggest.js';

/** Everything a pass run may consult: levels, enabled/disabled passes, instruments, config, the sink. */
export interface PassContext {
  /** A pass runs if `optLevel >= info.optLevel` (unless required or disabled). */
  readonly optLevel: OptLevel;
  /** Passes that run whatever their level. */
  readonly requiredPasses: ReadonlySet<string>;
  /** Passes that never run; wins over everything. */
  readonly disabledPasses: ReadonlySet<string>;
  readonly instruments: readonly PassInstrument[];
  /** Run the IR verifier after every leaf pass; a finding fails the pass. */
  readonly verifyEach: boolean;
  /** Print the model before every leaf pass so a failure carries it (`--reproducer`; costly). */
  readonly captureIrBefore?: boolean;
  /** Registered config keys only, defaults filled in (see `PassRegistry.configKeys`). */
  readonly config: ReadonlyMap<string, unknown>;
  /** Resolves `info.required` prerequisites by name. */
  readonly registry?: PassRegistry;
  /** The diagnostics sink: warnings and notes of passes go here, never to the console. */
  report(d: Diagnostic): void;
}

/** A context that also keeps what was reported (when no external sink was given). */
export interface CollectingPassContext extends PassContext {
  readonly diagnostics: readonly Diagnostic[];
}

/** Input of {@link createPassContext}; every field is optional. */
export interface PassContextOptions {
  readonly registry?: PassRegistry;
  /** Default 2 (TVM's default). */
  readonly optLevel?: OptLevel;
  readonly requiredPasses?: Iterable<string>;
  readonly disabledPasses?: Iterable<string>;
  readonly instruments?: readonly PassInstrument[];
  readonly verifyEach?: boolean;
  readonly captureIrBefore?: boolean;
  /** Config values by registered key (already typed; strings from a command line go through `parseConfigAssignment`). */
  readonly config?: Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;
  /** Where diagnostics go; by default they are collected in `diagnostics`. */
  readonly report?: (d: Diagnostic) => void;
}

/** Invalid context input: an unknown or ill-typed config key, or an unknown pass name. */
export type PassContextError =
  | { readonly _tag: 'UnknownConfigKey'; readonly key: string; readonly message: string }
  | { readonly _tag: 'InvalidConfigValue'; readonly key: string; readonly message: string }
  | { readonly _tag: 'UnknownPassName'; readonly name: string; readonly message: string };

/**
 * Builds a pass context, validating config keys and values against the registry's config keys
 * (unknown → an error listing the valid ones) and the names of required and disabled passes.
 */
export function createPassContext(options: PassContextOptions = {}): E.Either<PassContextError, CollectingPassContext> {
  const reg = options.registry;
  const names = (it: Iterable<string> | undefined, what: string): E.Either<PassContextError, Set<string>> => {
    const set = new Set(it ?? []);
    if (reg !== undefined) {
      for (const n of set) {
        if (!reg.has(n)) {
          return E.left({ _tag: 'UnknownPassName', name: n, message: `Unknown pass '${n}' in the ${what} passes${candidatesHint(n, reg.names(), 'passes')}` });
        }
      }
    }
    return E.right(set);
  };
  const required = names(options.requiredPasses, 'required');
  if (E.isLeft(required)) return required;
  const disabled = names(options.disabledPasses, 'disabled');
  if (E.isLeft(disabled)) return disabled;

  const config = new Map<string, unknown>();
  const keys: ReadonlyMap<string, ConfigKey<unknown>> = reg?.configKeys ?? new Map();
  const given = options.config instanceof Map ? options.config : new Map(Object.entries(options.config ?? {}));
  for (const [key, value] of given) {
    const spec = keys.get(key);
    if (spec === undefined) {
      return E.left({ _tag: 'UnknownConfigKey', key, message: `Unknown config key '${key}'${candidatesHint(key, keys.keys(), 'config keys')}` });
    }
    const d = spec.codec.decode(value);
    if (E.isLeft(d)) {
      const msg = formatCodecErrors(d.left, () => `config key '${key}'`)[0] ?? `invalid value for config key '${key}'`;
      return E.left({ _tag: 'InvalidConfigValue', key, message: msg });
    }
    config.set(key, d.right);
  }
  // Defaults are filled in after the given values, in registration order.
  const ordered = new Map<string, unknown>();
  for (const [key, spec] of keys) ordered.set(key, config.has(key) ? config.get(key) : spec.default);

  const collected: Diagnostic[] = [];
  const sink = options.report ?? ((d: Diagnostic) => void collected.push(d));
  const ctx: CollectingPassContext = {
    optLevel: options.optLevel ?? 2,
    requiredPasses: required.right,
    disabledPasses: disabled.right,
    instruments: [...(options.instruments ?? [])],
    verifyEach: options.verifyEach ?? false,
    captureIrBefore: options.captureIrBefore ?? false,
    config: ordered,
    registry: reg,
    report: sink,
    diagnostics: collected,
  };
  return E.right(ctx);
}

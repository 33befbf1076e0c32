import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PreconditionError, type Model } from '@mixprec/ir';
import type { PassContext } from './context.js';
import type { PassFactory, PassOptionError } from './define-pass.js';
import { runPass } from './manager.js';
import type { Pass } from './pass.js';
import { resolvePipeline } from './pipeline.js';
import { formatPipelineError, type PipelineError } from './pipeline-syntax.js';

/** A named pipeline usable as one element, e.g. `O1` → `eliminate-identity,dce,cse`. */
export interface PipelineAlias {
  /** `[A-Za-z][A-Za-z0-9_-]*`, not a pass name. */
  readonly name: string;
  readonly description: string;
  /** Pipeline text over passes and aliases registered before this one. */
  readonly pipeline: string;
}

/** A config key passes may read from `ctx.config` (registered so that typos are errors). */
export interface ConfigKey<A = unknown> {
  /** Dotted, e.g. `amp.keep-io-types` or `cast-cleanup.report-limit`. */
  readonly key: string;
  readonly description: string;
  readonly codec: t.Type<A, unknown, unknown>;
  readonly default: A;
}

/** What a registry is made of. Packages export frozen lists of these; the app combines them. */
export interface PassRegistryInit {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly passes?: readonly PassFactory<any>[];
  readonly aliases?: readonly PipelineAlias[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly configKeys?: readonly ConfigKey<any>[];
}

/**
 * An immutable set of passes, pipeline aliases and config keys, created by the application
 * (no global registry): `createPassRegistry({ passes: [...transformPasses, ...ampPasses] })`.
 */
export interface PassRegistry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly passes: ReadonlyMap<string, PassFactory<any>>;
  readonly aliases: ReadonlyMap<string, PipelineAlias>;
  readonly configKeys: ReadonlyMap<string, ConfigKey<unknown>>;
  /** A registered pass or alias. */
  has(name: string): boolean;
  /** Pass and alias names, sorted. */
  names(): string[];
  /** A pass (with options, camelCase keys) or an alias by name. */
  create(name: string, options?: Readonly<Record<string, unknown>>): E.Either<PassOptionError, Pass>;
  /** Parses pipeline text against this registry. */
  parse(text: string): E.Either<PipelineError, Pass>;
  /** A new registry with more passes, aliases and config keys (names must stay unique). */
  extend(init: PassRegistryInit): PassRegistry;
}

const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Creates a registry. Duplicate names, aliases that shadow passes and aliases whose pipeline
 * does not parse are programming errors and throw a `PreconditionError`.
 */
export function createPassRegistry(init: PassRegistryInit = {}): PassRegistry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return build(new Map<string, PassFactory<any>>(), new Map(), new Map(), init);
}

function build(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  basePasses: ReadonlyMap<string, PassFactory<any>>,
  baseAliases: ReadonlyMap<string, PipelineAlias>,
  baseKeys: ReadonlyMap<string, ConfigKey<unknown>>,
  init: PassRegistryInit,
): PassRegistry {
  const passes = new Map(basePasses);
  const aliases = new Map(baseAliases);
  const configKeys = new Map(baseKeys);
  for (const f of init.passes ?? []) {
    const name = f.info.name;
    if (passes.has(name) || aliases.has(name)) throw new PreconditionError(`Pass '${name}' is registered twice`);
    passes.set(name, f);
  }
  for (const k of init.configKeys ?? []) {
    if (configKeys.has(k.key)) throw new PreconditionError(`Config key '${k.key}' is registered twice`);
    const d = k.codec.decode(k.default);
    if (E.isLeft(d)) throw new PreconditionError(`Config key '${k.key}': its default does not match its codec`);
    configKeys.set(k.key, Object.freeze({ ...k }));
  }
  // Each alias is checked against the registry as it is before the alias, which rules out cycles.
  for (const a of init.aliases ?? []) {
    if (!ALIAS_NAME.test(a.name) || a.name === 'repeat' || a.name === 'fixpoint') {
      throw new PreconditionError(`Alias name '${a.name}' is invalid: use [A-Za-z][A-Za-z0-9_-]*, not 'repeat' or 'fixpoint'`);
    }
    if (passes.has(a.name) || aliases.has(a.name)) throw new PreconditionError(`Alias '${a.name}' clashes with a registered pass or alias`);
    const partial = freeze(passes, aliases, configKeys);
    const r = partial.parse(a.pipeline);
    if (E.isLeft(r)) throw new PreconditionError(`Alias '${a.name}': ${formatPipelineError(r.left)}`);
    aliases.set(a.name, Object.freeze({ ...a }));
  }
  return freeze(passes, aliases, configKeys);
}

function freeze(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  passes: Map<string, PassFactory<any>>,
  aliases: Map<string, PipelineAlias>,
  configKeys: Map<string, ConfigKey<unknown>>,
): PassRegistry {
  const p = new Map(passes);
  const a = new Map(aliases);
  const k = new Map(configKeys);
  const registry: PassRegistry = Object.freeze({
    passes: p,
    aliases: a,
    configKeys: k,
    has: (name: string) => p.has(name) || a.has(name),
    names: () => [...p.keys(), ...a.keys()].sort(),
    create(name: string, options: Readonly<Record<string, unknown>> = {}): E.Either<PassOptionError, Pass> {
      const f = p.get(name);
      if (f !== undefined) return f.create(options);
      const alias = a.get(name);
      if (alias === undefined) {
        return E.left({ _tag: 'PassOptionError', pass: name, message: `Unknown pass '${name}'` });
      }
      if (Object.keys(options).length > 0) {
        return E.left({ _tag: 'PassOptionError', pass: name, message: `Alias '${name}' takes no options` });
      }
      const body = registry.parse(alias.pipeline);
      if (E.isLeft(body)) return E.left({ _tag: 'PassOptionError', pass: name, message: body.left.message });
      return E.right(aliasPass(alias, body.right));
    },
    parse: (text: string) => resolvePipeline(text, registry),
    extend: (init: PassRegistryInit) => build(p, a, k, init),
  });
  return registry;
}

/** A pass that runs an alias's body and prints as the alias name. */
export function aliasPass(alias: PipelineAlias, body: Pass): Pass {
  return Object.freeze({
    info: Object.freeze({ name: alias.name, description: alias.description, optLevel: 0 as const, composite: true }),
    text: Object.freeze({ kind: 'alias' as const, name: alias.name, body }),
    run: (model: Model, ctx: PassContext) => runPass(model, body, ctx),
  });
}

import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { PreconditionError, type Model } from '@mixprec/ir';
import type { PassContext } from './context.js';
import { formatCodecErrors, isOptionValue, kebabCase, optionProps } from './options.js';
import type { OptLevel, OptionValue, Pass, PassInfo, PassResult } from './pass.js';
import { candidatesHint } from './suggest.js';

/** One option of a pass, for `--list-passes` and error messages. */
export interface PassOptionInfo {
  /** The codec key (camelCase), as passes read it. */
  readonly key: string;
  /** The pipeline spelling (kebab-case). */
  readonly flag: string;
  /** The codec's name, e.g. `boolean` or `"to-initializer" | "to-constant"`. */
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  /** @internal The property codec. */
  readonly codec: t.Mixed;
}

/** Invalid options for a pass (from code or from pipeline text). */
export interface PassOptionError {
  readonly _tag: 'PassOptionError';
  readonly pass: string;
  /** The offending option (camelCase), when one is to blame. */
  readonly option?: string;
  readonly message: string;
}

/**
 * A declared pass: call it with options to get a {@link Pass} (throws on invalid options; use
 * {@link PassFactory.create} for user input). Options not given take their defaults.
 */
export interface PassFactory<O extends object = object> {
  (options?: Partial<O>): Pass;
  readonly info: PassInfo;
  readonly defaults: Readonly<O>;
  /** Options in declaration order. */
  readonly options: readonly PassOptionInfo[];
  /** A pass from options (camelCase keys; unknown keys are an error listing the valid ones). */
  create(options?: Readonly<Record<string, unknown>>): E.Either<PassOptionError, Pass>;
}

/** What {@link definePass} takes: typescript-eslint's `createRule` shape. */
export interface PassSpec<O extends object> {
  readonly name: string;
  readonly description: string;
  readonly optLevel: OptLevel;
  /** Prerequisites run before the pass (registry names). */
  readonly required?: readonly string[];
  /** An object codec (`t.strict`/`t.exact`/`t.type`) of the options; omit for none. */
  readonly options?: t.Type<O, unknown, unknown>;
  /** Defaults for every option; required when `options` is given. */
  readonly defaults?: O;
  /** One line per option, for `--list-passes`. */
  readonly optionDocs?: { readonly [K in keyof O]?: string };
  run(model: Model, ctx: PassContext, options: Readonly<O>): PassResult;
}

const PASS_NAME = /^[a-z][a-z0-9-]*$/;
const RESERVED = new Set(['repeat', 'fixpoint']);

/**
 * Declares a pass. Options are validated once, when the pass is created: defaults are filled
 * in before decoding, unknown keys are rejected with the list of valid ones.
 *
 * ```ts
 * export const dce = definePass({
 *   name: 'dce', description: 'Remove dead nodes and unused initializers', optLevel: 1,
 *   options: t.strict({ removeInitializers: t.boolean }), defaults: { removeInitializers: true },
 *   run(model, ctx, opts) { … return { modified }; },
 * });
 * const pass = dce({ removeInitializers: false });
 * ```
 */
export function definePass<O extends object = Record<string, never>>(spec: PassSpec<O>): PassFactory<O> {
  if (!PASS_NAME.test(spec.name) || RESERVED.has(spec.name)) {
    throw new PreconditionError(`Pass name '${spec.name}' is invalid: use kebab-case [a-z][a-z0-9-]* and not 'repeat' or 'fixpoint'`);
  }
  const codec = (spec.options ?? t.strict({})) as unknown as t.Type<O, unknown, unknown>;
  const defaults = Object.freeze({ ...(spec.defaults ?? {}) }) as Readonly<O>;
  const info: PassInfo = Object.freeze({
    name: spec.name,
    description: spec.description,
    optLevel: spec.optLevel,
    ...(spec.required === undefined ? {} : { required: Object.freeze([...spec.required]) }),
  });
  const props = optionProps(codec as t.Mixed);
  const docs = (spec.optionDocs ?? {}) as Record<string, string | undefined>;
  const options: PassOptionInfo[] = [];
  for (const [key, c] of props) {
    if (!(key in defaults)) throw new PreconditionError(`Pass '${spec.name}': option '${key}' has no default; add it to defaults`);
    const dflt = (defaults as Record<string, unknown>)[key];
    options.push(Object.freeze({ key, flag: kebabCase(key), type: c.name, default: dflt, description: docs[key] ?? '', codec: c }));
  }
  const checked = codec.decode(defaults);
  if (E.isLeft(checked)) {
    throw new PreconditionError(`Pass '${spec.name}': invalid defaults: ${formatCodecErrors(checked.left, (k) => (k === '' ? 'options' : `option '${k}'`)).join('; ')}`);
  }
  const flagOf = (key: string): string => kebabCase(key);

  const create = (given: Readonly<Record<string, unknown>> = {}): E.Either<PassOptionError, Pass> => {
    const explicit: [string, OptionValue][] = [];
    for (const key of Object.keys(given)) {
      if (!props.has(key)) {
        const hint = candidatesHint(flagOf(key), options.map((o) => o.flag), `options of '${spec.name}'`);
        return E.left({ _tag: 'PassOptionError', pass: spec.name, option: key, message: `Unknown option '${flagOf(key)}' for pass '${spec.name}'${hint}` });
      }
    }
    const decoded = codec.decode({ ...defaults, ...given });
    if (E.isLeft(decoded)) {
      const msgs = formatCodecErrors(decoded.left, (k) => (k === '' ? `options of pass '${spec.name}'` : `option '${flagOf(k)}' of pass '${spec.name}'`));
      return E.left({ _tag: 'PassOptionError', pass: spec.name, message: msgs.join('; ') });
    }
    const opts = Object.freeze(decoded.right);
    for (const o of options) {
      if (!(o.key in given)) continue;
      const v = (opts as Record<string, unknown>)[o.key];
      if (!isOptionValue(v)) {
        return E.left({ _tag: 'PassOptionError', pass: spec.name, option: o.key, message: `Option '${o.flag}' of pass '${spec.name}' has a value with no pipeline spelling (use booleans, numbers, strings or lists)` });
      }
      explicit.push([o.flag, v]);
    }
    const pass: Pass = Object.freeze({
      info,
      text: Object.freeze({ kind: 'pass' as const, name: spec.name, options: Object.freeze(explicit) }),
      run: (model: Model, ctx: PassContext) => spec.run(model, ctx, opts),
    });
    return E.right(pass);
  };

  const factory = ((given?: Partial<O>) => {
    const r = create(given as Readonly<Record<string, unknown>> | undefined);
    if (E.isLeft(r)) throw new PreconditionError(r.left.message);
    return r.right;
  }) as PassFactory<O>;
  Object.defineProperties(factory, {
    info: { value: info, enumerable: true },
    defaults: { value: defaults, enumerable: true },
    options: { value: Object.freeze(options), enumerable: true },
    create: { value: create, enumerable: true },
  });
  return Object.freeze(factory);
}

import * as fs from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { DataType, PreconditionError } from '@mixprec/ir';
import { definePolicy } from './define-policy.js';
import type { Policy } from './policy.js';
import { issuesFromErrors, showValue, type PolicyFileError, type PolicyFileIssue } from './policy-codec-errors.js';
import { locateJsonError } from './policy-codec-json.js';
import { compileJsonRule } from './policy-codec-rules.js';

/*
 * The policy file format (`mixprec convert --policy FILE.json`): the JSON form of
 * `definePolicy`'s spec, plus declarative rules. Unknown keys are errors (a misspelt key
 * would otherwise silently do nothing).
 *
 * {
 *   "name": "my-npu", "extends": "balanced", "target": "float16",
 *   "green": ["Conv"], "gray": ["Add"], "red": ["Softmax"],
 *   "accumulation": { "Conv": "float32" }, "reasons": { "Softmax": "no fp16 exp unit" },
 *   "fallback": "red", "claims": ["npu.FusedGelu"],
 *   "rules": [{ "level": 20, "op": "Conv", "when": { "maxMacs": 100000 }, "color": "red" }]
 * }
 */

/** An object codec with required and optional properties that rejects keys it does not know. */
function closedObject<R extends t.Props, O extends t.Props>(name: string, required: R, optional: O)
  : t.Type<t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>, unknown, unknown> {
  const req = t.type(required);
  const opt = t.partial(optional);
  const known = [...Object.keys(required), ...Object.keys(optional)];
  type A = t.TypeOf<t.TypeC<R>> & t.TypeOf<t.PartialC<O>>;
  return new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => req.is(u) && opt.is(u) && Object.keys(u as object).every((k) => known.includes(k)),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, `expected ${name}, got ${showValue(u)}`);
      const errors: t.ValidationError[] = [];
      for (const k of Object.keys(u)) {
        if (known.includes(k)) continue;
        errors.push({
          value: (u as Record<string, unknown>)[k],
          context: [...c, { key: k, type: t.never, actual: (u as Record<string, unknown>)[k] }],
          message: `unknown key (expected one of: ${known.join(', ')})`,
        });
      }
      const r1 = req.validate(u, c);
      const r2 = opt.validate(u, c);
      if (E.isLeft(r1)) errors.push(...r1.left);
      if (E.isLeft(r2)) errors.push(...r2.left);
      if (errors.length > 0 || E.isLeft(r1) || E.isLeft(r2)) return t.failures(errors);
      return t.success({ ...(r1.right as object), ...(r2.right as object) } as A);
    },
    t.identity,
  );
}

function refine<A>(base: t.Type<A, A, unknown>, name: string, ok: (a: A) => string | undefined): t.Type<A, A, unknown> {
  return new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u) === undefined,
    (u, c) => {
      const r = base.validate(u, c);
      if (E.isLeft(r)) return t.failure(u, c, `expected ${name}, got ${showValue(u)}`);
      const problem = ok(r.right);
      return problem === undefined ? r : t.failure(u, c, problem);
    },
    t.identity,
  );
}

const NonEmptyString = refine(t.string, 'a non-empty string', (s) => (s.length > 0 ? undefined : 'expected a non-empty string, got ""'));
const FiniteNumber = refine(t.number, 'a finite number', (n) => (Number.isFinite(n) ? undefined : `expected a finite number, got ${n}`));
const Count = refine(t.number, 'a non-negative number', (n) => (Number.isFinite(n) && n >= 0 ? undefined : `expected a non-negative number, got ${showValue(n)}`));
const RegexText = refine(t.string, 'a regular expression', (s) => {
  try {
    new RegExp(s);
    return undefined;
  } catch (e) {
    return `invalid regular expression ${JSON.stringify(s)}: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
});

/** `green` | `gray` | `red`. */
export const ColorC = t.keyof({ green: null, gray: null, red: null }, '"green" | "gray" | "red"');
/** Accumulation and output dtypes as written in policy files. */
export const DTypeNameC = t.keyof({ float32: null, float16: null, bfloat16: null }, '"float32" | "float16" | "bfloat16"');
/** A policy's 16-bit target. */
export const TargetC = t.keyof({ float16: null, bfloat16: null }, '"float16" | "bfloat16"');

const OpList = t.array(NonEmptyString, 'a list of op names');
const AttrValue = t.union([t.number, t.string, t.array(t.number), t.array(t.string)], 'number | string | number[] | string[]');

/** Conditions of a rule; all given conditions must hold, and an unknown fact (shape) never matches. */
export const RuleWhenC = closedObject('a condition object', {}, {
  minMacs: Count, maxMacs: Count,
  minWeightElements: Count, maxWeightElements: Count,
  minReductionDepth: Count, maxReductionDepth: Count,
  depthwise: t.boolean,
  attr: t.record(t.string, AttrValue, 'an attribute map'),
});

/** One rule of a policy file. */
export const RuleJsonC = closedObject('a rule object', { level: FiniteNumber, color: ColorC }, {
  name: NonEmptyString,
  op: t.union([NonEmptyString, OpList], 'string | Array<string>'),
  node: RegexText,
  when: RuleWhenC,
  accumulation: DTypeNameC,
  output: DTypeNameC,
  reason: t.string,
});

/** A whole policy file. */
export const PolicyJsonC = closedObject('a policy object', { name: NonEmptyString }, {
  description: t.string,
  extends: NonEmptyString,
  target: TargetC,
  green: OpList, gray: OpList, red: OpList,
  accumulation: t.record(t.string, DTypeNameC, 'an op → dtype map'),
  reasons: t.record(t.string, t.string, 'an op → text map'),
  fallback: ColorC,
  fallbackReason: t.string,
  claims: OpList,
  rules: t.array(RuleJsonC, 'a list of rules'),
});

export type PolicyJson = t.TypeOf<typeof PolicyJsonC>;
export type RuleJson = t.TypeOf<typeof RuleJsonC>;

/** Options of {@link decodePolicyJson}. */
export interface DecodePolicyOptions {
  /** Resolves `extends` names (e.g. to the shipped policies; amp itself knows no policy packages). */
  readonly resolve: (name: string) => Policy | undefined;
  /** Names the resolver knows, for the message when `extends` names another. */
  readonly known?: readonly string[];
  /** The file name, for messages. */
  readonly file?: string;
}

/** Which list holds each op, or the first op listed twice with different colours. */
function listConflicts(p: PolicyJson): PolicyFileIssue[] {
  const seen = new Map<string, string>();
  const out: PolicyFileIssue[] = [];
  for (const color of ['green', 'gray', 'red'] as const) {
    (p[color] ?? []).forEach((op, i) => {
      const where = `${color}[${i}]`;
      const prev = seen.get(op);
      if (prev !== undefined && !prev.startsWith(`${color}[`)) {
        out.push({ path: where, message: `op ${JSON.stringify(op)} is also listed at ${prev}; an op has one colour per list level (use a rule with a higher level to override)` });
      } else if (prev === undefined) {
        seen.set(op, where);
      }
    });
  }
  return out;
}

function parseJson(text: string, file: string | undefined): E.Either<PolicyFileError, unknown> {
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (e) {
    const where = locateJsonError(text);
    if (where === undefined) return E.left({ _tag: 'PolicyFileSyntax', file, message: (e as Error).message.split('\n')[0]! });
    return E.left({ _tag: 'PolicyFileSyntax', file, message: where.message, line: where.line, column: where.column });
  }
}

const DTYPES: Readonly<Record<string, DataType>> = { float32: DataType.FLOAT, float16: DataType.FLOAT16, bfloat16: DataType.BFLOAT16 };

/**
 * Decodes a policy file (its text, or the parsed JSON value) into a {@link Policy}, built
 * with `definePolicy`: lists are level-10 rules, `rules` are compiled to callables, `extends`
 * is looked up through `options.resolve`. Errors name the place: `rules[2].color: expected
 * "green" | "gray" | "red", got "blue"`.
 */
export function decodePolicyJson(input: string | unknown, options: DecodePolicyOptions): E.Either<PolicyFileError, Policy> {
  const file = options.file;
  let raw: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseJson(input.replace(/^\uFEFF/, ''), file); // editors on Windows write a BOM
    if (E.isLeft(parsed)) return parsed;
    raw = parsed.right;
  }
  const decoded = PolicyJsonC.decode(raw);
  if (E.isLeft(decoded)) return E.left({ _tag: 'PolicyFileInvalid', file, issues: issuesFromErrors(decoded.left) });
  const p = decoded.right;
  const issues = listConflicts(p);
  let parent: Policy | undefined;
  if (p.extends !== undefined) {
    parent = options.resolve(p.extends);
    if (parent === undefined) {
      const known = options.known === undefined || options.known.length === 0 ? '' : ` (known: ${options.known.join(', ')})`;
      issues.push({ path: 'extends', message: `no policy named ${JSON.stringify(p.extends)}${known}` });
    }
  }
  if (issues.length > 0) return E.left({ _tag: 'PolicyFileInvalid', file, issues });
  try {
    return E.right(definePolicy({
      name: p.name,
      description: p.description,
      target: p.target === undefined ? undefined : p.target === 'bfloat16' ? DataType.BFLOAT16 : DataType.FLOAT16,
      extends: parent,
      green: p.green, gray: p.gray, red: p.red,
      accumulation: p.accumulation,
      reasons: p.reasons,
      fallback: p.fallback,
      fallbackReason: p.fallbackReason,
      claims: p.claims,
      rules: (p.rules ?? []).map((r, i) => compileJsonRule(r, `${p.name}:rules[${i}]`, DTYPES)),
    }));
  } catch (e) {
    if (e instanceof PreconditionError) return E.left({ _tag: 'PolicyFileInvalid', file, issues: [{ path: '', message: e.message }] });
    throw e;
  }
}

/** Reads and decodes a policy file; see {@link decodePolicyJson}. */
export function loadPolicyFile(path: string, resolve: (name: string) => Policy | undefined, known?: readonly string[]): E.Either<PolicyFileError, Policy> {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const message = err.code === 'ENOENT' ? 'no such file; check the path' : err.code === 'EISDIR' ? 'it is a directory; give a .json file' : err.message;
    return E.left({ _tag: 'PolicyFileUnreadable', file: path, message });
  }
  return decodePolicyJson(text, { resolve, known, file: path });
}

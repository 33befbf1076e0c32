import * as t from 'io-ts';
import { DataType, err, ok, type LowPrecisionFloat, type Result } from '@mixprec/ir';
import type { Policy } from './policy.js';
import { DEFAULT_POLICY, builtinPolicies, type PolicyRegistry } from './policy-registry.js';
import type { RuntimeName } from './runtime-gaps.js';

/** Target spellings. */
export type TargetName = 'float16' | 'bfloat16';

/** Observed range of one value (issue 7's calibration fills these). */
export interface CalibrationRange {
  readonly min: number;
  readonly max: number;
  readonly absMax: number;
  /**
   * The observed shape when it was the same on every sample: lets the rule bound the partial
   * sums of reductions in models whose input dims are symbolic (shape inference cannot).
   */
  readonly dims?: readonly number[];
}

/** Calibration data for the `calibration` rule. */
export interface Calibration {
  /** Observed ranges by value name. */
  readonly ranges: ReadonlyMap<string, CalibrationRange>;
  /** A value is unsafe when its |x| exceeds margin · max16 (default 0.5). */
  readonly margin?: number;
}

/** Options of the mixed-precision conversion (the `amp` pass and the APIs). */
export interface AmpOptions {
  /** `float16` (default unless the policy says otherwise) or `bfloat16`. */
  readonly target?: TargetName | LowPrecisionFloat;
  /** A policy name (looked up in `policies`) or a policy object. Default `aggressive`. */
  readonly policy?: string | Policy;
  /** Where policy names are looked up (default: the built-in policies). */
  readonly policies?: PolicyRegistry;
  /** Keep the graph inputs'/outputs' names and dtypes (true), only those named, or none (false, default). */
  readonly keepIoTypes?: boolean | readonly string[];
  /** Op types (`Softmax`, or `domain.Op`) that stay float32. */
  readonly blockOps?: readonly string[];
  /** Node names (exact, or `/regex/`) that stay float32. */
  readonly blockNodes?: readonly (string | RegExp)[];
  /** Node names (exact, or `/regex/`) that go 16-bit whatever the policy, range or calibration rules say. */
  readonly forceNodes?: readonly (string | RegExp)[];
  /** `annotate` (default): 16-bit ops carry `mixprec.accumulation`; `materialize`: they compute in the accumulation dtype between Casts. */
  readonly accumulation?: 'annotate' | 'materialize';
  /** Store weights in 16-bit and decode them to float32 in the graph; compute stays float32. */
  readonly weightsOnly?: boolean;
  readonly calibration?: Calibration;
  /** `ort-cpu` (default): also keep float32 what onnxruntime CPU cannot run in the target type (measured, see `ortCpuKernelTable`); `onnx`: schemas only. */
  readonly runtime?: RuntimeName;
}

/** A name matcher built from exact names and `/regex/flags` strings. */
export interface NameMatcher {
  readonly size: number;
  matches(name: string): boolean;
}

/** Options with defaults filled in and everything looked up. */
export interface ResolvedAmpOptions {
  readonly target: LowPrecisionFloat;
  readonly policy: Policy;
  readonly keepAllIo: boolean;
  readonly keepIoNames: ReadonlySet<string>;
  readonly blockOps: ReadonlySet<string>;
  readonly blockNodes: NameMatcher;
  readonly forceNodes: NameMatcher;
  readonly accumulation: 'annotate' | 'materialize';
  readonly weightsOnly: boolean;
  readonly calibration: Calibration | undefined;
  readonly runtime: RuntimeName;
}

/** Invalid options (a user-input error: the message names the option and what to do). */
export interface AmpOptionError {
  readonly _tag: 'AmpOptionError';
  readonly option: string;
  readonly message: string;
}

/** Thrown by the APIs on invalid options. */
export class AmpError extends Error {
  override readonly name = 'AmpError';
  constructor(readonly detail: AmpOptionError) {
    super(detail.message);
  }
}

function optionError(option: string, message: string): Result<AmpOptionError, never> {
  return err({ _tag: 'AmpOptionError', option, message });
}

/** `/re/flags` → RegExp; anything else is an exact name. */
export function nameMatcher(option: string, items: readonly (string | RegExp)[]): Result<AmpOptionError, NameMatcher> {
  const exact = new Set<string>();
  const res: RegExp[] = [];
  for (const it of items) {
    if (it instanceof RegExp) {
      res.push(it);
      continue;
    }
    const m = /^\/(.*)\/([a-z]*)$/.exec(it);
    if (m === null) {
      exact.add(it);
      continue;
    }
    try {
      res.push(new RegExp(m[1]!, m[2]!.replace('g', '')));
    } catch (e) {
      return optionError(option, `Option '${option}': '${it}' is not a valid regular expression (${(e as Error).message}); write /pattern/ or an exact node name`);
    }
  }
  return ok(Object.freeze({
    size: exact.size + res.length,
    matches: (name: string) => exact.has(name) || res.some((r) => r.test(name)),
  }));
}

/** Fills defaults, looks the policy up and checks every option. */
export function resolveAmpOptions(o: AmpOptions = {}): Result<AmpOptionError, ResolvedAmpOptions> {
  const registry = o.policies ?? builtinPolicies;
  const pol = o.policy ?? DEFAULT_POLICY;
  let policy: Policy;
  if (typeof pol === 'string') {
    const p = registry.get(pol);
    if (p === undefined) {
      return optionError('policy', `Unknown policy '${pol}'; the known policies are: ${registry.names().join(', ')} (or pass a policy object)`);
    }
    policy = p;
  } else {
    policy = pol;
  }
  let target: LowPrecisionFloat = policy.target;
  if (o.target !== undefined) {
    if (o.target === 'float16' || o.target === DataType.FLOAT16) target = DataType.FLOAT16;
    else if (o.target === 'bfloat16' || o.target === DataType.BFLOAT16) target = DataType.BFLOAT16;
    else return optionError('target', `Option 'target' must be float16 or bfloat16, got '${String(o.target)}'`);
  }
  const acc = o.accumulation ?? 'annotate';
  if (acc !== 'annotate' && acc !== 'materialize') {
    return optionError('accumulation', `Option 'accumulation' must be annotate or materialize, got '${String(acc)}'`);
  }
  const block = nameMatcher('blockNodes', o.blockNodes ?? []);
  if (block._tag === 'Left') return block;
  const force = nameMatcher('forceNodes', o.forceNodes ?? []);
  if (force._tag === 'Left') return force;
  const margin = o.calibration?.margin;
  if (margin !== undefined && !(margin > 0 && margin <= 1)) {
    return optionError('calibration', `Option 'calibration.margin' must be in (0, 1], got ${margin}`);
  }
  const runtime = o.runtime ?? 'ort-cpu';
  if (runtime !== 'ort-cpu' && runtime !== 'onnx') {
    return optionError('runtime', `Option 'runtime' must be ort-cpu or onnx, got '${String(runtime)}'`);
  }
  const keep = o.keepIoTypes ?? false;
  return ok(Object.freeze({
    target,
    policy,
    keepAllIo: keep === true,
    keepIoNames: new Set(Array.isArray(keep) ? keep : []),
    blockOps: new Set(o.blockOps ?? []),
    blockNodes: block.right,
    forceNodes: force.right,
    accumulation: acc,
    weightsOnly: o.weightsOnly ?? false,
    calibration: o.calibration,
    runtime,
  }));
}

/** The `amp` pass options as pipeline text spells them (`amp{target=bfloat16 keep-io-types=true}`). */
export const AmpPassOptionsC = t.strict({
  target: t.keyof({ auto: null, float16: null, bfloat16: null }),
  policy: t.string,
  keepIoTypes: t.union([t.boolean, t.array(t.string)]),
  blockOps: t.array(t.string),
  blockNodes: t.array(t.string),
  forceNodes: t.array(t.string),
  accumulation: t.keyof({ annotate: null, materialize: null }),
  weightsOnly: t.boolean,
  runtime: t.keyof({ 'ort-cpu': null, onnx: null }),
});

/** Decoded `amp` pass options. */
export type AmpPassOptions = t.TypeOf<typeof AmpPassOptionsC>;

/** Defaults of the `amp` pass options. */
export const AMP_PASS_DEFAULTS: AmpPassOptions = Object.freeze({
  target: 'auto', policy: DEFAULT_POLICY, keepIoTypes: false, blockOps: [], blockNodes: [], forceNodes: [],
  accumulation: 'annotate', weightsOnly: false, runtime: 'ort-cpu',
}) as AmpPassOptions;

/** Pass options → API options. */
export function fromPassOptions(p: AmpPassOptions, policies: PolicyRegistry | undefined): AmpOptions {
  return {
    ...(p.target === 'auto' ? {} : { target: p.target }),
    policy: p.policy,
    ...(policies === undefined ? {} : { policies }),
    keepIoTypes: p.keepIoTypes,
    blockOps: p.blockOps,
    blockNodes: p.blockNodes,
    forceNodes: p.forceNodes,
    accumulation: p.accumulation,
    weightsOnly: p.weightsOnly,
    runtime: p.runtime,
  };
}

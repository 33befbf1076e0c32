import type { Diagnostic } from '@mixprec/ir';
import type { IntegerRuntime } from './integer-policy.js';
import type { NarrowingRule, ValueMode } from './narrowing-plan.js';
import type { ConvertedConstant, InsertedCast } from './rewrite.js';

/** One candidate tensor (an INT32/INT64 value; INT64 only for `int64-to-int32`) and its fate. */
export interface CandidateTensor {
  /** `main`, or the subgraph's name for values inside If/Loop/Scan bodies. */
  readonly graph: string;
  readonly name: string;
  /** Graph input, weight (initializer or Constant), in-graph creation op output, or other op output. */
  readonly kind: 'input' | 'weight' | 'creation' | 'op-output';
  /** Element type before the pass (`INT32`, `INT64`). */
  readonly dtype: string;
  /** Element type after the pass (the narrow type when narrowed). */
  readonly after: string;
  readonly rule: NarrowingRule;
  readonly reason: string;
  /** The proven (or assumed) bounds: [lo, hi] as decimal strings, null for ±∞. */
  readonly range: readonly [string | null, string | null];
  /** Element count when the shape is static. */
  readonly elements?: number;
  /** How it was narrowed. */
  readonly mode?: ValueMode;
}

/** One type group of one node: narrowed (computes in the narrow type) or why not. */
export interface UnitReport {
  readonly node: string;
  readonly opType: string;
  /** The type parameter (`T`, `Tind`, …). */
  readonly param: string;
  readonly narrowed: boolean;
  /** `admitted` when the checks passed (narrowed unless its component did not pay). */
  readonly verdict: string;
  readonly reason: string;
  readonly intensive: boolean;
}

/** The report of one integer narrowing pass (stable JSON shape). */
export interface IntegerNarrowingReport {
  readonly pass: 'int16' | 'int64-to-int32';
  /** `INT16` or `INT32`. */
  readonly target: string;
  readonly policy: string;
  readonly runtime: IntegerRuntime;
  /** `default` (IO dtypes may change), `keep` (all kept), `partial` (a list of names kept). */
  readonly ioMode: 'default' | 'keep' | 'partial';
  readonly unprovenInputs: 'skip' | 'cast';
  readonly tensors: readonly CandidateTensor[];
  readonly units: readonly UnitReport[];
  readonly casts: readonly InsertedCast[];
  readonly constants: readonly ConvertedConstant[];
  /** Nodes whose `to`/`value`/`dtype` attribute followed the narrowing. */
  readonly retargeted: readonly string[];
  readonly counts: {
    readonly candidates: number;
    readonly narrowed: number;
    /** Candidates per rule (narrowed ones under `cast` / `cast-unproven-input-opt-in`). */
    readonly byRule: Readonly<Partial<Record<NarrowingRule, number>>>;
    readonly unitsNarrowed: number;
    readonly castsInserted: number;
  };
  /** Bytes of the main graph's constant tensors (initializers and Constant nodes), before and after. */
  readonly weights: { readonly bytesBefore: number; readonly bytesAfter: number; readonly saved: number };
  readonly io: {
    readonly inputs: readonly { readonly name: string; readonly before: string; readonly after: string }[];
    readonly outputs: readonly { readonly name: string; readonly before: string; readonly after: string }[];
  };
  /** Graph inputs whose range was assumed (`unprovenInputs: 'cast'`): callers must keep feeds in range. */
  readonly assumedInputs: readonly string[];
  /** Graph inputs whose range the user gave (`inputRanges`). */
  readonly userRanges: readonly string[];
  /** `int64-to-int32`: every INT64 value of the main graph left after the pass, and why. */
  readonly remainingInt64?: readonly { readonly name: string; readonly rule: string; readonly reason: string }[];
  readonly diagnostics: readonly Diagnostic[];
  readonly modified: boolean;
}

/** What {@link narrowIntegers} returns: one report per pass that ran. */
export interface Int16Report {
  readonly int16?: IntegerNarrowingReport;
  readonly int64ToInt32?: IntegerNarrowingReport;
  readonly modified: boolean;
}

/** A one-line summary for logs and diagnostics. */
export function summarizeNarrowing(r: IntegerNarrowingReport): string {
  const rules = Object.entries(r.counts.byRule).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${r.pass}: ${r.counts.narrowed}/${r.counts.candidates} tensor(s) narrowed to ${r.target} (${rules || 'no candidates'}); `
    + `${r.counts.unitsNarrowed} op group(s) now compute in ${r.target}, ${r.counts.castsInserted} Cast(s) inserted, `
    + `${r.weights.saved} weight byte(s) saved`;
}

function bound(b: string | null, inf: string): string {
  return b ?? inf;
}

/**
 * One info diagnostic per candidate tensor (`<pass>-tensor`: name, dtypes, rule, reason,
 * bounds) and, for `int64-to-int32`, per INT64 value left (`int64-remaining`).
 */
export function explainNarrowing(r: IntegerNarrowingReport): Diagnostic[] {
  const out: Diagnostic[] = r.tensors.map((t) => ({
    severity: 'info', code: `${r.pass}-tensor`, graph: t.graph, value: t.name,
    message: `'${t.name}' ${t.dtype}->${t.after} ${t.rule}: ${t.reason} (range ${bound(t.range[0], '-inf')}..${bound(t.range[1], '+inf')})`,
  }));
  for (const x of r.remainingInt64 ?? []) {
    out.push({ severity: 'info', code: 'int64-remaining', value: x.name, message: `'${x.name}' stays INT64: ${x.rule}: ${x.reason}` });
  }
  return out;
}

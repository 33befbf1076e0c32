import * as t from 'io-ts';
import { PreconditionError } from '@mixprec/ir';
import type { Interval } from './interval.js';

/*
 * Options of the integer passes. In pipelines every option has a flat spelling:
 * `int16{input-ranges=[x=-1000..1000] dim-bounds=[N=4096] unproven-inputs=cast keep-io-types=true}`.
 */

const RANGE = /^([^=]+)=(-?\d+)\.\.(-?\d+)$/;
const BOUND = /^([^=]+)=(\d+)$/;

export interface RangeSpecBrand { readonly RangeSpec: unique symbol }
export interface DimBoundBrand { readonly DimBound: unique symbol }

/** `name=lo..hi` (inclusive, lo ≤ hi): a proven range of a graph input. */
export const RangeSpec = t.brand(
  t.string, (s): s is t.Branded<string, RangeSpecBrand> => {
    const m = RANGE.exec(s);
    return m !== null && BigInt(m[2]!) <= BigInt(m[3]!);
  }, 'RangeSpec',
);

/** `name=max`: an upper bound of a symbolic dimension. */
export const DimBound = t.brand(t.string, (s): s is t.Branded<string, DimBoundBrand> => BOUND.test(s), 'DimBound');

export const KeepIoTypes = t.union([t.boolean, t.array(t.string)]);
export const UnprovenInputs = t.keyof({ skip: null, cast: null });
export const Runtime = t.keyof({ 'ort-cpu': null, onnx: null });

/** Options shared by `int16` and `int64-to-int32`. */
const common = {
  keepIoTypes: KeepIoTypes,
  unprovenInputs: UnprovenInputs,
  inputRanges: t.array(RangeSpec),
  dimBounds: t.array(DimBound),
  runtime: Runtime,
  explain: t.boolean,
};

export const Int64ToInt32Options = t.strict(common);
export type Int64ToInt32Options = t.TypeOf<typeof Int64ToInt32Options>;

export const Int16Options = t.strict({
  ...common,
  intensiveOps: t.array(t.string),
  minElements: t.number,
});
export type Int16Options = t.TypeOf<typeof Int16Options>;

/** `['x=-1000..1000']` → Map { x → [-1000, 1000] }. */
export function parseInputRanges(specs: readonly string[]): Map<string, Interval> {
  const out = new Map<string, Interval>();
  for (const s of specs) {
    const m = RANGE.exec(s);
    if (m === null) throw new PreconditionError(`input range '${s}' is not name=lo..hi (e.g. x=-1000..1000)`);
    out.set(m[1]!, { lo: BigInt(m[2]!), hi: BigInt(m[3]!) });
  }
  return out;
}

/** `['N=4096']` → Map { N → 4096n }. */
export function parseDimBounds(specs: readonly string[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const s of specs) {
    const m = BOUND.exec(s);
    if (m === null) throw new PreconditionError(`dim bound '${s}' is not name=max (e.g. N=4096)`);
    out.set(m[1]!, BigInt(m[2]!));
  }
  return out;
}

/** `{ x: [-1000, 1000] }` → `['x=-1000..1000']` (the pass spelling), checking each pair. */
export function rangeSpecs(ranges: Readonly<Record<string, readonly [number | bigint, number | bigint]>>): string[] {
  return Object.entries(ranges).map(([name, [lo, hi]]) => {
    for (const b of [lo, hi]) {
      if (typeof b === 'number' && !Number.isSafeInteger(b)) throw new PreconditionError(`inputRanges.${name}: bounds must be integers, got ${b}`);
    }
    if (BigInt(lo) > BigInt(hi)) throw new PreconditionError(`inputRanges.${name}: lower bound ${lo} is above upper bound ${hi}`);
    return `${name}=${lo}..${hi}`;
  });
}

/** `{ N: 4096 }` → `['N=4096']`. */
export function dimBoundSpecs(bounds: Readonly<Record<string, number | bigint>>): string[] {
  return Object.entries(bounds).map(([name, max]) => {
    if (typeof max === 'number' && !(Number.isSafeInteger(max) && max >= 0)) throw new PreconditionError(`dimBounds.${name}: a bound must be a non-negative integer, got ${max}`);
    return `${name}=${max}`;
  });
}

import type { FeedSet } from '@mixprec/amp';
import { randomFeedSets } from '@mixprec/amp';
import type { Model, Tensor } from '@mixprec/ir';
import { CliError } from '../errors.js';
import { parseDimValues } from '../commands/run-inputs.js';
import { adaptFeeds, loadFeedSets } from './feeds.js';

/** The sample flags shared by validate, auto and convert --calibration-data. */
export interface SampleFlags {
  readonly data?: readonly string[];
  readonly samples?: string;
  readonly seed?: string;
  readonly dim?: readonly string[];
}

/**
 * The symbolic dims of the model's inputs that random samples would set to 1 for lack of a
 * `--dim NAME=SIZE` (a CNN fed 1×1 images computes on degenerate, empty shapes).
 */
export function defaultedDims(model: Model, flags: SampleFlags): string[] {
  if ((flags.data ?? []).length > 0) return [];
  const given = parseDimValues(flags.dim);
  const out = new Set<string>();
  for (const v of model.graph.inputs) {
    if (v.isInitializer() || v.type?.kind !== 'tensor') continue;
    for (const d of v.type.shape ?? []) if (typeof d === 'string' && d !== '' && given[d] === undefined) out.add(d);
  }
  return [...out];
}

function intFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${name}: expected an integer ≥ ${min}, got '${value}'`);
  return n;
}

/**
 * The samples a command runs on: from `--data` sources (test-data folders, .npy/.npz/.pb/.json;
 * `--samples N` keeps the first N), converted to the model's input dtypes, inputs they lack
 * generated; or, without data, `--samples N` seeded random samples shaped from the model
 * (`--seed`, `--dim NAME=SIZE` for symbolic dims).
 */
export async function samplesFor(model: Model, flags: SampleFlags, defaultSamples: number): Promise<FeedSet[]> {
  const seed = intFlag('--seed', flags.seed, 0, 0);
  const dimValues = parseDimValues(flags.dim);
  const data = flags.data ?? [];
  if (data.length === 0) {
    const n = intFlag('--samples', flags.samples, defaultSamples, 1);
    return randomFeedSets(model, { samples: n, seed, dimValues });
  }
  const limit = intFlag('--samples', flags.samples, Number.MAX_SAFE_INTEGER, 1);
  const sets = loadFeedSets(model, data).slice(0, limit);
  if (sets.length === 0) throw new CliError(`--data ${data.join(' ')}: holds no samples`);
  const out: FeedSet[] = [];
  for (const [i, s] of sets.entries()) {
    const given = adaptFeeds(model, s.feeds, s.label);
    const missing = model.graph.inputs.filter((v) => !v.isInitializer() && given[v.name] === undefined);
    if (missing.length === 0) {
      out.push({ label: s.label, feeds: given });
      continue;
    }
    const filled: Record<string, Tensor> = { ...(await randomFeedSets(model, { samples: 1, seed: seed + i, dimValues, fixed: given }))[0]!.feeds };
    out.push({ label: `${s.label} (+ random ${missing.map((v) => v.name).join(', ')})`, feeds: filled });
  }
  return out;
}

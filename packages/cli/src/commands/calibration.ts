import { collectRanges, keptByCalibration, type AmpReport, type CalibrationData } from '@mixprec/amp';
import type { Model } from '@mixprec/ir';
import { samplesFor } from '../data/samples.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { progressBar } from '../progress.js';

/** The flags of `convert --calibration-data`. */
export interface CalibrationFlags {
  readonly calibrationData?: readonly string[];
  readonly calibrationMargin?: string;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

/** `--calibration-margin` (0, 1], or undefined. */
export function marginFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = Number(text);
  if (!(m > 0 && m <= 1)) throw new CliError(`--calibration-margin: expected a number in (0, 1], got '${text}'`);
  return m;
}

/**
 * Runs the FP32 model on the `--calibration-data` samples (executor, progress bar on a
 * terminal) and returns the ranges of every float value for the conversion's calibration rule.
 */
export async function calibrate(model: Model, input: string, flags: CalibrationFlags, io: CliIO): Promise<CalibrationData> {
  const margin = marginFlag(flags.calibrationMargin);
  const sets = await samplesFor(model, { data: flags.calibrationData ?? [] }, 1);
  const bar = progressBar(io, flags, 'calibrating', sets.length);
  try {
    const r = await collectRanges(model, sets, { ...(margin === undefined ? {} : { margin }), onProgress: (done) => bar.update(done) });
    if (r._tag === 'Left') throw new CliError(`${input}: --calibration-data: ${r.left}`);
    return r.right;
  } finally {
    bar.stop();
  }
}

/** The nodes calibration kept in float32, with why, as lines (none when it kept nothing). */
export function calibrationLines(report: AmpReport, max = 10): string[] {
  const kept = keptByCalibration(report);
  if (kept.length === 0) return [];
  const lines = [`kept in float32 by calibration (${kept.length}):`];
  for (const k of kept.slice(0, max)) lines.push(`  ${k.node} (${k.opType}): ${k.reason}`);
  if (kept.length > max) lines.push(`  … ${kept.length - max} more (see --report)`);
  return lines;
}

import type { Command } from 'commander';
import {
  compareModels, executorRunner, formatTolerance, localizeDivergence, parseTolerance, type FeedSet, type LocalizationReport,
  type ModelRunner, type Tolerance, type ValidationReport,
} from '@mixprec/amp';
import type { BackendName } from '@mixprec/executor-tfjs';
import type { Model } from '@mixprec/ir';
import { defaultedDims, samplesFor } from '../data/samples.js';
import { CliError, ExitCode } from '../errors.js';
import type { CliIO } from '../io.js';
import { loadOrFail } from '../model-io.js';
import { progressBar } from '../progress.js';
import { ortRunner } from '../runtime-ort.js';
import { table } from '../table.js';
import { collect } from '../flags.js';

interface ValidateFlags {
  readonly data?: string[];
  readonly samples?: string;
  readonly seed?: string;
  readonly dim?: string[];
  readonly tolerance?: string;
  readonly runtime?: string;
  readonly backend?: string;
  readonly localize?: boolean;
  readonly threshold?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** `--tolerance` text → a tolerance, or a CliError saying what to write. */
export function toleranceFlag(text: string | undefined): Tolerance | undefined {
  if (text === undefined) return undefined;
  const r = parseTolerance(text);
  if (r._tag === 'Left') throw new CliError(`--tolerance: ${r.left.message}`);
  return r.right;
}

/** Numbers for tables: 3 significant digits. */
export function num(x: number | undefined): string {
  if (x === undefined) return '-';
  if (!Number.isFinite(x) || x >= Number.MAX_VALUE) return 'inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-2 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** The per-output table and the failures of a validation, as lines. */
export function validationLines(v: ValidationReport): string[] {
  const rows = [['output', 'max abs', 'mean abs', 'max rel', 'cosine', 'top-1', 'non-finite', 'verdict']];
  for (const [name, o] of Object.entries(v.outputs)) {
    rows.push([
      name, num(o.maxAbs), num(o.meanAbs), num(o.maxRel), o.cosine.toFixed(6), o.top1 === undefined ? '-' : `${(o.top1 * 100).toFixed(1)}%`,
      o.nonFinite.introduced > 0 ? `${o.nonFinite.introduced} new` : String(o.nonFinite.got), o.passed ? 'ok' : 'FAIL',
    ]);
  }
  const lines = table(rows, '  ');
  const failed = v.samples.filter((s) => !s.passed).length;
  lines.push(v.passed ? `PASSED on ${v.samples.length} sample(s)` : `FAILED: ${failed} of ${v.samples.length} sample(s) miss the tolerance`);
  for (const f of v.failures.slice(0, 20)) lines.push(`  ${f.sample}: ${f.output}: ${f.reason}`);
  if (v.failures.length > 20) lines.push(`  … ${v.failures.length - 20} more`);
  return lines;
}

/** The localisation as lines. */
export function localizationLines(l: LocalizationReport): string[] {
  const lines = [`localisation on ${l.sample ?? 'the sample'} (executor; a value diverges beyond ${l.threshold} of its range):`];
  if (l.firstDivergent === undefined) {
    lines.push('  no value diverges beyond the threshold (a tighter --threshold looks closer)');
  } else if (l.rootCauses.length === 0) {
    lines.push('  no root cause: no node diverges while its inputs agree (rounding error spread over the graph; see the amplifiers)');
  }
  for (const c of l.rootCauses) lines.push(`  root cause  ${c.node} (${c.opType}): ${c.reason}`);
  for (const a of l.amplifiers.slice(0, 10)) lines.push(`  amplifier   ${a.node} (${a.opType}): ${a.reason}`);
  if (l.firstDivergent !== undefined) lines.push(`  first divergent value: '${l.firstDivergent.name}' from ${l.firstDivergent.node || 'the graph input'} (${num(l.firstDivergent.error)})`);
  return lines;
}

function runtimeFor(flags: ValidateFlags, ref: Model, cand: Model, refFile: string, candFile: string): { runner: ModelRunner; close: () => Promise<void> } {
  const rt = flags.runtime ?? 'executor';
  if (rt === 'executor') {
    const backend = flags.backend as BackendName | undefined;
    if (backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(backend)) throw new CliError(`--backend: expected tensorflow, wasm or cpu, got '${backend}'`);
    return { runner: executorRunner(backend === undefined ? {} : { backend }), close: async () => undefined };
  }
  if (rt === 'ort') {
    if (flags.backend !== undefined) throw new CliError('--backend applies to --runtime executor only');
    const o = ortRunner(new Map([[ref, refFile], [cand, candFile]]));
    return { runner: o.runner, close: o.close };
  }
  throw new CliError(`--runtime: expected executor or ort, got '${rt}'`);
}

/** `mixprec validate REF CAND`: compares a model with its conversion on data; exit 1 when a tolerance fails. */
export function registerValidate(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('Compare a converted model with the original on real or seeded random data; exits 1 when the tolerance fails (a CI gate)')
    .argument('<reference>', 'the original (FP32) model')
    .argument('<candidate>', 'the converted model')
    .option('--data <paths...>', 'samples: ONNX test-data folders (input_N.pb, test_data_set_N/), .npy/.npz/.pb/.json')
    .option('--samples <n>', 'random samples without --data (default 4); with --data, use the first N')
    .option('--seed <n>', 'seed of random samples (default 0)')
    .option('--dim <name=value>', 'size of a symbolic input dimension for random samples (repeatable)', collect)
    .option('--tolerance <tol>', 'max absolute error (1e-3), or atol=A,rtol=R: |got − ref| ≤ atol + rtol·|ref| per element; without it only non-finite values fail')
    .option('--runtime <name>', 'executor (default: exact FP16/BF16 emulation) or ort (onnxruntime-node, if installed)')
    .option('--backend <name>', 'executor backend: tensorflow, wasm, cpu')
    .option('--localize', 'name the nodes where the divergence starts (root causes), on the executor')
    .option('--threshold <x>', 'localisation: a value diverges beyond this fraction of its range (default 0.01)')
    .option('--json', 'print the report as JSON only')
    .option('-q, --quiet', 'print no report (a failed tolerance still says so in one line on stderr)')
    .action(async (refFile: string, candFile: string, flags: ValidateFlags) => {
      const tolerance = toleranceFlag(flags.tolerance);
      const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
      if (threshold !== undefined && !(threshold > 0)) throw new CliError(`--threshold: expected a number > 0, got '${flags.threshold}'`);
      const ref = loadOrFail(refFile);
      const cand = loadOrFail(candFile);
      const sets: FeedSet[] = await samplesFor(ref, flags, 4);
      const { runner, close } = runtimeFor(flags, ref, cand, refFile, candFile);
      const defaulted = defaultedDims(ref, flags);
      if (defaulted.length > 0 && flags.json !== true && flags.quiet !== true) io.stderr(`note: random samples set the symbolic input dims ${defaulted.join(', ')} to 1; give real sizes with --dim NAME=SIZE\n`);
      const total = sets.length * 2 + (flags.localize === true ? 2 : 0);
      const bar = progressBar(io, flags, 'validate', total);
      let report: ValidationReport;
      let loc: LocalizationReport | undefined;
      try {
        const r = await compareModels(ref, cand, sets, {
          ...(tolerance === undefined ? {} : { tolerance }), runner, onProgress: (done) => bar.update(done, undefined, 'runs'),
        });
        if (r._tag === 'Left') throw new CliError(r.left.message);
        report = r.right;
        if (flags.localize === true) {
          bar.update(sets.length * 2, undefined, 'localising');
          const at = Math.max(0, report.samples.findIndex((s) => !s.passed));
          const l = await localizeDivergence(ref, cand, sets[at]!.feeds, { sample: sets[at]!.label, ...(threshold === undefined ? {} : { threshold }) });
          if (l._tag === 'Left') throw new CliError(`--localize: ${l.left}`);
          loc = l.right;
        }
      } finally {
        bar.stop();
        await close();
      }
      if (flags.json === true) {
        io.stdout(`${JSON.stringify({ schema: 'mixprec-validate/1', reference: refFile, candidate: candFile, ...report, ...(loc === undefined ? {} : { localization: loc }) }, null, 2)}\n`);
      } else if (flags.quiet !== true) {
        const tol = tolerance === undefined ? 'no tolerance (only non-finite values fail)' : `tolerance ${formatTolerance(tolerance)}`;
        io.stdout(`${refFile} vs ${candFile} on ${report.runtime}: ${sets.length} sample(s), ${tol}, ${(report.ms / 1000).toFixed(1)} s\n`);
        io.stdout(`${validationLines(report).join('\n')}\n`);
        if (loc !== undefined) io.stdout(`${localizationLines(loc).join('\n')}\n`);
      }
      if (!report.passed) throw new CliError(`validation failed: ${report.failures.length} output(s) of ${report.samples.length} sample(s) miss the tolerance`, ExitCode.validationFailed);
    });
}

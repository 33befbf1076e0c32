import fs from 'node:fs';
import type { Command } from 'commander';
import {
  AmpError, autoMixedPrecision, formatTolerance, renderHtmlReport, type AutoOptions, type AutoReport,
} from '@mixprec/amp';
import type { BackendName } from '@mixprec/executor-tfjs';
import { defaultedDims, samplesFor } from '../data/samples.js';
import { CliError, ExitCode } from '../errors.js';
import { sortInputGraphs } from '../input-check.js';
import { checkNotOverwritingInput, planJobs } from '../inputs.js';
import type { CliIO } from '../io.js';
import { externalDataOption, formatBytes, loadOrFail, saveOrFail } from '../model-io.js';
import { collect, listFlag } from '../flags.js';
import { resolvePolicy } from '../policies.js';
import { progressBar } from '../progress.js';
import { table } from '../table.js';
import { marginFlag } from './calibration.js';
import { regexes } from './convert.js';
import { writeFileAtomic } from './report-file.js';
import { num, toleranceFlag } from './validate.js';

interface AutoFlags {
  readonly output?: string;
  readonly data?: string[];
  readonly samples?: string;
  readonly seed?: string;
  readonly dim?: string[];
  readonly tolerance?: string;
  readonly target?: string;
  readonly policy?: string;
  readonly keepIoTypes?: string | boolean;
  readonly blockOps?: string[];
  readonly blockNodes?: string[];
  readonly accumulation?: string;
  readonly calibration?: boolean;
  readonly calibrationMargin?: string;
  readonly maxRuns?: string;
  readonly min16bitWeights?: string;
  readonly unblock?: boolean;
  readonly backend?: string;
  readonly report?: string;
  readonly json?: boolean;
  readonly externalData?: string | boolean;
  readonly inPlace?: boolean;
  readonly quiet?: boolean;
}

function unitFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (!(x >= 0 && x <= 1)) throw new CliError(`${flag}: expected a number in [0, 1], got '${text}'`);
  return x;
}

function options(flags: AutoFlags): AutoOptions {
  const target = flags.target;
  if (target !== undefined && target !== 'float16' && target !== 'bfloat16') throw new CliError(`--target: expected float16 or bfloat16, got '${target}'`);
  const acc = flags.accumulation;
  if (acc !== undefined && acc !== 'annotate' && acc !== 'materialize') throw new CliError(`--accumulation: expected annotate or materialize, got '${acc}'`);
  const backend = flags.backend as BackendName | undefined;
  if (backend !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(backend)) throw new CliError(`--backend: expected tensorflow, wasm or cpu, got '${backend}'`);
  const maxRuns = flags.maxRuns === undefined ? undefined : Number(flags.maxRuns);
  if (maxRuns !== undefined && (!Number.isSafeInteger(maxRuns) || maxRuns < 2)) throw new CliError(`--max-runs: expected an integer ≥ 2, got '${flags.maxRuns}'`);
  const policy = resolvePolicy(flags.policy);
  const margin = marginFlag(flags.calibrationMargin);
  const min16 = unitFlag('--min-16bit-weights', flags.min16bitWeights);
  return {
    ...(target === undefined ? {} : { target }),
    ...(policy === undefined ? {} : { policy }),
    keepIoTypes: typeof flags.keepIoTypes === 'string' ? listFlag([flags.keepIoTypes]) : flags.keepIoTypes === true,
    blockOps: listFlag(flags.blockOps),
    blockNodes: regexes('--block-nodes', flags.blockNodes),
    ...(acc === undefined ? {} : { accumulation: acc }),
    calibration: flags.calibration !== false,
    ...(margin === undefined ? {} : { margin }),
    ...(maxRuns === undefined ? {} : { maxRuns }),
    ...(min16 === undefined ? {} : { minWeights16: min16 }),
    unblock: flags.unblock !== false,
    ...(backend === undefined ? {} : { backend }),
  };
}

/** The attempts, the blocks and the end of the search, as lines. */
export function autoLines(r: AutoReport): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const rows = [['#', 'attempt', 'change', 'float32', 'worst output', 'max abs', '×tol', '16-bit weights', 'FLOPs', 'time']];
  for (const a of r.attempts) {
    const change = [a.added.length > 0 ? `+${a.added.length}` : '', a.removed.length > 0 ? `-${a.removed.length}` : ''].join(' ').trim();
    rows.push([
      String(a.index), a.kind, change === '' ? '-' : change, String(a.blocked), a.worst.output,
      a.worst.nonFinite > 0 ? `${a.worst.nonFinite} non-finite` : num(a.worst.maxAbs), a.worst.ratio >= 1e300 ? 'inf' : num(a.worst.ratio),
      pct(a.weights16), pct(a.flops16), `${(a.ms / 1000).toFixed(1)} s`,
    ]);
  }
  const lines = table(rows, '  ');
  if (r.blocked.length > 0) {
    lines.push('kept in float32 by the search:');
    for (const b of r.blocked.slice(0, 30)) lines.push(`  ${b.node} (${b.opType}) [${b.reason}]: ${b.detail}`);
    if (r.blocked.length > 30) lines.push(`  … ${r.blocked.length - 30} more (see --json)`);
  }
  if (r.calibrationKept.length > 0) {
    lines.push('kept in float32 by calibration:');
    for (const k of r.calibrationKept.slice(0, 30)) lines.push(`  ${k.node} (${k.opType}): ${k.reason}`);
    if (r.calibrationKept.length > 30) lines.push(`  … ${r.calibrationKept.length - 30} more (see --json)`);
  }
  lines.push(`${r.passed ? 'PASSED' : 'FAILED'}: ${r.summary}`);
  lines.push(`${r.runs} executor runs, ${r.replays} node replays, ${(r.ms / 1000).toFixed(1)} s; 16-bit: ${pct(r.weights16)} of weights, ${pct(r.flops16)} of FLOPs`);
  return lines;
}

/** `mixprec auto IN -o OUT --data … --tolerance …`: the fewest float32 nodes that meet the tolerance. */
export function registerAuto(program: Command, io: CliIO): void {
  program
    .command('auto')
    .description('Convert to 16-bit keeping the fewest nodes in float32 that make the tolerance hold on the data (localisation- and calibration-guided search, every attempt run on the executor)')
    .argument('<input>', 'the FP32 ONNX model')
    .requiredOption('-o, --output <file>', 'the converted model (written only when the tolerance holds)')
    .requiredOption('--tolerance <tol>', 'max absolute error (1e-3), or atol=A,rtol=R per element')
    .option('--data <paths...>', 'samples: ONNX test-data folders (input_N.pb, test_data_set_N/), .npy/.npz/.pb/.json')
    .option('--samples <n>', 'random samples without --data (default 1); with --data, use the first N')
    .option('--seed <n>', 'seed of random samples (default 0)')
    .option('--dim <name=value>', 'size of a symbolic input dimension for random samples (repeatable)', collect)
    .option('--target <type>', 'float16 or bfloat16 (default: the policy\'s)')
    .option('--policy <name|file>', 'aggressive (default), balanced, bf16, or a policy file (.json)')
    .option('--keep-io-types [names]', 'keep the dtypes of all inputs/outputs, or of the named ones (comma list)')
    .option('--block-ops <ops>', 'op types that stay float32 (comma list, repeatable)', collect)
    .option('--block-nodes <regexes>', 'node names (regexes, whole name) that stay float32', collect)
    .option('--accumulation <mode>', 'annotate (default) or materialize')
    .option('--no-calibration', 'do not use the reference runs as calibration data')
    .option('--calibration-margin <m>', 'keep values within m·65504 in 16-bit (default 0.5)')
    .option('--max-runs <n>', 'most executor runs of whole models, reference runs included (default 30)')
    .option('--min-16bit-weights <f>', 'fail rather than keep more than 1−f of the weights in float32 (e.g. 0.9)')
    .option('--no-unblock', 'do not try to give back float32 nodes once the tolerance holds')
    .option('--backend <name>', 'executor backend: tensorflow, wasm, cpu')
    .option('--report <file>', 'write the search and the final conversion (.json, or .html: the converted graph)')
    .option('--json', 'print the search report as JSON only')
    .option('--external-data [threshold]', 'write weights of at least THRESHOLD bytes (default 1024) to OUT.data')
    .option('--in-place', 'allow the output to replace the input model')
    .option('-q, --quiet', 'print nothing on success')
    .action(async (input: string, flags: AutoFlags) => {
      const tolerance = toleranceFlag(flags.tolerance)!;
      const opts = options(flags);
      if (flags.report !== undefined && !/\.(json|html)$/i.test(flags.report)) throw new CliError(`--report: the file must end in .json or .html, got '${flags.report}'`);
      const [job] = planJobs([input], flags.output, 'auto');
      checkNotOverwritingInput(job!, flags.inPlace === true);
      const model = loadOrFail(input);
      const sorted = sortInputGraphs(model, input);
      if (sorted !== undefined && flags.json !== true && flags.quiet !== true) io.stderr(`note: ${sorted}\n`);
      const bytesBefore = fs.statSync(input).size;
      const sets = await samplesFor(model, flags, 1);
      const defaulted = defaultedDims(model, flags);
      if (defaulted.length > 0 && flags.json !== true && flags.quiet !== true) io.stderr(`note: random samples set the symbolic input dims ${defaulted.join(', ')} to 1; give real sizes with --dim NAME=SIZE\n`);
      const maxRuns = opts.maxRuns ?? 30;
      const bar = progressBar(io, flags, 'auto', maxRuns);
      let report: AutoReport;
      try {
        report = await autoMixedPrecision(model, sets, tolerance, opts, (p) => bar.update(p.runs, p.maxRuns, p.message));
      } catch (e) {
        if (e instanceof AmpError) throw new CliError(`${input}: ${e.message}`);
        if (e instanceof Error && /^(reference|converted) model/.test(e.message)) throw new CliError(`${input}: ${e.message}`);
        throw e;
      } finally {
        bar.stop();
      }
      let written: { file: string; bytes: number } | undefined;
      if (report.passed) {
        const info = saveOrFail(model, job!.output, externalDataOption(flags.externalData, input, flags.inPlace === true));
        written = { file: info.file, bytes: info.bytes + (info.dataBytes ?? 0) };
      }
      if (flags.report !== undefined) {
        if (/\.html$/i.test(flags.report)) {
          if (report.amp === undefined) throw new CliError(`--report ${flags.report}: no configuration met the tolerance, so there is no converted graph to draw; use a .json report`, ExitCode.validationFailed);
          writeFileAtomic(flags.report, renderHtmlReport({
            report: report.amp, model, source: { input, output: written!.file, bytesBefore, bytesAfter: written!.bytes },
          }), '--report');
        } else {
          writeFileAtomic(flags.report, `${JSON.stringify({ schema: 'mixprec-auto/1', input, output: written?.file ?? null, samples: sets.map((s) => s.label), ...report }, null, 2)}\n`, '--report');
        }
      }
      if (flags.json === true) {
        io.stdout(`${JSON.stringify({ schema: 'mixprec-auto/1', input, output: written?.file ?? null, samples: sets.map((s) => s.label), ...report }, null, 2)}\n`);
      } else if (flags.quiet !== true || !report.passed) {
        io.stdout(`${input}${written === undefined ? '' : ` -> ${written.file}  (${formatBytes(bytesBefore)} -> ${formatBytes(written.bytes)})`}: tolerance ${formatTolerance(tolerance)} on ${sets.length} sample(s)\n`);
        io.stdout(`${autoLines(report).join('\n')}\n`);
      }
      if (!report.passed) throw new CliError(`auto: ${report.summary}; nothing written`, ExitCode.validationFailed);
    });
}

import fs from 'node:fs';
import type { Command } from 'commander';
import {
  AmpError, castFp32ToFp16, castInt32ToInt16, formatReport, summarizeNarrowing, type AmpReport, type Int16Report,
} from '@mixprec/amp';
import { InvariantError, type Diagnostic } from '@mixprec/ir';
import { CliError, ExitCode } from '../errors.js';
import { blameInvalidInput, inputProblems, requireGraph, sortInputGraphs } from '../input-check.js';
import { checkNotOverwritingInput, planJobs } from '../inputs.js';
import type { CliIO } from '../io.js';
import { externalDataOption, formatBytes, loadOrFail, saveOrFail } from '../model-io.js';
import { collect, listFlag } from '../flags.js';
import { resolvePolicy } from '../policies.js';
import { parseDimValues } from './run-inputs.js';
import { progressBar, type ProgressBar } from '../progress.js';
import { calibrate, calibrationLines, marginFlag } from './calibration.js';
import { writeReport } from './report-file.js';

interface ConvertFlags {
  readonly output?: string;
  readonly target?: string;
  readonly policy?: string;
  readonly keepIoTypes?: string | boolean;
  readonly blockOps?: string[];
  readonly blockNodes?: string[];
  readonly forceNodes?: string[];
  readonly accumulation?: string;
  readonly weightsOnly?: boolean;
  readonly runtime?: string;
  readonly float?: boolean;
  readonly int16?: boolean;
  readonly narrowInt64?: boolean;
  readonly unprovenInputs?: string;
  readonly report?: string;
  readonly json?: boolean;
  readonly externalData?: string | boolean;
  readonly inPlace?: boolean;
  readonly quiet?: boolean;
  readonly dim?: string[];
  readonly calibrationData?: string[];
  readonly calibrationMargin?: string;
}

/** The result of converting one model. */
export interface ConvertOutcome {
  readonly input: string;
  readonly output: string;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly float?: AmpReport;
  readonly integers?: Int16Report;
  readonly warnings: readonly Diagnostic[];
}

/** `--block-nodes a,b` entries are regexes matched against the whole node name. */
export function regexes(flag: string, values: readonly string[] | undefined): RegExp[] {
  return listFlag(values).map((s) => {
    try {
      return new RegExp(`^(?:${s})$`);
    } catch (e) {
      throw new CliError(`${flag}: '${s}' is not a valid regular expression (${(e as Error).message})`);
    }
  });
}

/** `mixprec convert IN… -o OUT`: FP32 → FP16/BF16 (and, on request, integer narrowing). */
export function registerConvert(program: Command, io: CliIO): void {
  program
    .command('convert')
    .description('Convert FP32 models to 16-bit: FP16 or BF16 weights, inputs, creation ops and op outputs (and INT16/INT32 on request)')
    .argument('<inputs...>', 'ONNX model files or folders of them')
    .requiredOption('-o, --output <path>', 'output file, or folder for several inputs')
    .option('--target <type>', 'float16 or bfloat16 (default: the policy\'s)')
    .option('--policy <name|file>', 'aggressive (default), balanced, bf16, or a policy file (.json)')
    .option('--keep-io-types [names]', 'keep the dtypes of all inputs/outputs, or of the named ones (comma list)')
    .option('--block-ops <ops>', 'op types that stay float32 (comma list, repeatable)', collect)
    .option('--block-nodes <regexes>', 'node names (regexes, whole name) that stay float32', collect)
    .option('--force-nodes <regexes>', 'node names (regexes) that go 16-bit whatever policy and range rules say', collect)
    .option('--accumulation <mode>', 'annotate (default: record the accumulation dtype on the node) or materialize (compute it between Casts)')
    .option('--weights-only', 'store weights in 16-bit, compute in float32 (half the download)')
    .option('--runtime <name>', 'ort-cpu (default: keep float32 what onnxruntime\'s CPU provider has no 16-bit kernel for) or onnx (ONNX schemas only)')
    .option('--calibration-data <paths...>', 'run the FP32 model on these samples (test-data folders, .npy/.npz/.pb/.json) and keep in float32 every node whose values would leave the 16-bit range')
    .option('--calibration-margin <m>', 'with --calibration-data: keep |x| ≤ m·65504 in 16-bit (default 0.5)')
    .option('--no-float', 'skip the floating-point pass')
    .option('--int16', 'narrow INT32/INT64 tensors to INT16 where provably safe')
    .option('--narrow-int64', 'narrow INT64 shape/index computations to INT32 where proven (web runtimes)')
    .option('--unproven-inputs <mode>', 'integer inputs without a proven range: skip (default) or cast')
    .option('--dim <name=value>', 'size of a symbolic input dimension, for the FLOP count (repeatable)', collect)
    .option('--report <file>', 'write the conversion report (.json, or .html)')
    .option('--json', 'print the report as JSON only')
    .option('--external-data [threshold]', 'write weights of at least THRESHOLD bytes (default 1024) to OUT.data')
    .option('--in-place', 'allow the output to replace the input model')
    .option('-q, --quiet', 'print nothing on success')
    .action(async (inputs: string[], flags: ConvertFlags) => {
      const progress: { bar?: ProgressBar } = {};
      let outcomes: ConvertOutcome[];
      try {
        outcomes = await convertAll(inputs, flags, io, progress);
      } finally {
        progress.bar?.stop();
      }
      if (flags.json === true) {
        const payload = outcomes.map((o) => ({ input: o.input, output: o.output, bytesBefore: o.bytesBefore, bytesAfter: o.bytesAfter, float: o.float, integers: o.integers }));
        io.stdout(`${JSON.stringify(payload.length === 1 ? payload[0] : payload, null, 2)}\n`);
        return;
      }
      if (flags.quiet === true) return;
      for (const o of outcomes) {
        io.stdout(`${o.input} -> ${o.output}  (${formatBytes(o.bytesBefore)} -> ${formatBytes(o.bytesAfter)})\n`);
        if (o.float !== undefined) io.stdout(`${formatReport(o.float)}\n`);
        for (const line of o.float === undefined ? [] : calibrationLines(o.float)) io.stdout(`${line}\n`);
        for (const r of [o.integers?.int16, o.integers?.int64ToInt32]) if (r !== undefined) io.stdout(`${summarizeNarrowing(r)}\n`);
      }
    });
}

async function convertAll(inputs: readonly string[], flags: ConvertFlags, io: CliIO, progress: { bar?: ProgressBar }): Promise<ConvertOutcome[]> {
  const runFloat = flags.float !== false;
  if (!runFloat && flags.int16 !== true && flags.narrowInt64 !== true) {
    throw new CliError('convert: --no-float leaves nothing to do; add --int16 and/or --narrow-int64');
  }
  const target = flags.target;
  if (target !== undefined && target !== 'float16' && target !== 'bfloat16') throw new CliError(`--target: expected float16 or bfloat16, got '${target}'`);
  const accumulation = flags.accumulation;
  if (accumulation !== undefined && accumulation !== 'annotate' && accumulation !== 'materialize') {
    throw new CliError(`--accumulation: expected annotate or materialize, got '${accumulation}'`);
  }
  const runtime = flags.runtime;
  if (runtime !== undefined && runtime !== 'ort-cpu' && runtime !== 'onnx') throw new CliError(`--runtime: expected ort-cpu or onnx, got '${runtime}'`);
  const unproven = flags.unprovenInputs;
  if (unproven !== undefined && unproven !== 'skip' && unproven !== 'cast') throw new CliError(`--unproven-inputs: expected skip or cast, got '${unproven}'`);
  const keepIoTypes = typeof flags.keepIoTypes === 'string' ? listFlag([flags.keepIoTypes]) : flags.keepIoTypes === true;
  const policy = resolvePolicy(flags.policy);
  const blockNodes = regexes('--block-nodes', flags.blockNodes);
  const forceNodes = regexes('--force-nodes', flags.forceNodes);
  const dimValues = parseDimValues(flags.dim);
  if (flags.calibrationData !== undefined && !runFloat) throw new CliError('--calibration-data: calibration guides the float conversion, which --no-float skips');
  marginFlag(flags.calibrationMargin);
  if (flags.calibrationMargin !== undefined && flags.calibrationData === undefined) throw new CliError('--calibration-margin: give the samples with --calibration-data');
  if (flags.report !== undefined && !/\.(json|html)$/i.test(flags.report)) throw new CliError(`--report: the file must end in .json or .html, got '${flags.report}'`);
  if (flags.report !== undefined && /\.html$/i.test(flags.report) && !runFloat) {
    throw new CliError(`--report ${flags.report}: the HTML report draws the float conversion, which --no-float skipped; use a .json report`);
  }
  const jobs = planJobs(inputs, flags.output, 'convert');
  for (const job of jobs) checkNotOverwritingInput(job, flags.inPlace === true);
  const outcomes: ConvertOutcome[] = [];
  // Several models take a while: one bar over them (on a terminal; calibration draws its own).
  if (jobs.length > 1 && flags.calibrationData === undefined) progress.bar = progressBar(io, flags, 'convert', jobs.length);
  for (const job of jobs) {
    progress.bar?.update(outcomes.length, undefined, job.input);
    const model = loadOrFail(job.input);
    requireGraph(model, job.input);
    const sorted = sortInputGraphs(model, job.input);
    if (sorted !== undefined && flags.quiet !== true && flags.json !== true) io.stderr(`note: ${sorted}\n`);
    const bytesBefore = fs.statSync(job.input).size;
    const warnings: Diagnostic[] = [];
    let float: AmpReport | undefined;
    let integers: Int16Report | undefined;
    const calibration = flags.calibrationData === undefined ? undefined : await calibrate(model, job.input, flags, io);
    // A conversion failing on an input that does not verify is bad input (exit 2), not a bug.
    blameInvalidInput(job.input, () => inputProblems(loadOrFail(job.input)), () => {
      try {
        if (runFloat) {
          float = castFp32ToFp16(model, {
            ...(target === undefined ? {} : { target }),
            ...(policy === undefined ? {} : { policy }),
            keepIoTypes,
            blockOps: listFlag(flags.blockOps),
            blockNodes,
            forceNodes,
            ...(accumulation === undefined ? {} : { accumulation }),
            weightsOnly: flags.weightsOnly === true,
            ...(runtime === undefined ? {} : { runtime }),
            ...(calibration === undefined ? {} : { calibration }),
            // Only with --dim: the FLOP count then infers shapes again, on a copy.
            ...(flags.dim === undefined ? {} : { dimValues }),
            onDiagnostic: (d) => warnings.push(d),
          });
        }
        if (flags.int16 === true || flags.narrowInt64 === true) {
          integers = castInt32ToInt16(model, {
            int16: flags.int16 === true,
            narrowInt64: flags.narrowInt64 === true,
            keepIoTypes,
            ...(unproven === undefined ? {} : { unprovenInputs: unproven }),
          });
        }
      } catch (e) {
        if (e instanceof AmpError) throw new CliError(`${job.input}: ${e.message}`);
        if (e instanceof InvariantError) throw new CliError(`${job.input}: conversion failed, nothing written: ${e.message.split('\n').slice(0, 3).join(' ')}`, ExitCode.internal);
        throw e;
      }
    });
    const info = saveOrFail(model, job.output, externalDataOption(flags.externalData, job.input, flags.inPlace === true));
    const outcome: ConvertOutcome = {
      input: job.input, output: info.file, bytesBefore, bytesAfter: info.bytes + (info.dataBytes ?? 0), warnings,
      ...(float === undefined ? {} : { float }), ...(integers === undefined ? {} : { integers }),
    };
    if (flags.report !== undefined) writeReport(flags.report, jobs.length === 1 ? undefined : job.output, outcome, model);
    outcomes.push(outcome);
  }
  return outcomes;
}

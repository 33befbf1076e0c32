/**
 * The benchmark runner (`npm run bench`, or `npm run bench -- --smoke`).
 *
 *   node bench/dist/run.js [--smoke] [--runs N] [--only ID,…] [--json FILE] [--keep-outputs DIR] [--no-ort]
 *
 * For each benchmark: generate (or take from the cache) the model, then measure the I/O floor
 * (a process that reads the input files and writes half of their bytes, with fsync) and each
 * `mixprec` command as a whole process, interleaved, N runs after one warm-up run of each
 * (none in smoke mode). Reports median wall time, peak RSS (largest of the runs) and the ratio
 * to the floor of the same run; checks the last output in onnxruntime-node against the
 * original. `--smoke` (or MIXPREC_BENCH_SMOKE=1): tiny models, one run, no warm-up.
 * Prints a Markdown report on stdout (progress on stderr); `--json` writes every number.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks, cliEntry, cliScript, detectCli, type BenchDef, type CliEntry, type CliFeatures } from './benchmarks.js';
import { describeMachine, type Machine } from './machine.js';
import { ProcessFailed, measureNode, median, type Measurement } from './measure.js';
import type { ModelFiles } from './model-cache.js';
import type { ExecutorLatency } from './executor-latency.js';
import type { OrtCheck } from './ort-check.js';
import { formatReport } from './report.js';

export interface Options {
  readonly smoke: boolean;
  readonly runs: number | undefined;
  readonly only: ReadonlySet<string> | undefined;
  readonly json: string | undefined;
  readonly keepOutputs: string | undefined;
  readonly ort: boolean;
}

export interface Summary {
  readonly runs: number;
  readonly wallMs: number;
  readonly minWallMs: number;
  readonly maxRssMiB: number;
  readonly rssFrom: Measurement['rssFrom'];
  readonly userS?: number;
  readonly sysS?: number;
}

export interface MeasuredCommand {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly summary: Summary;
  /** Median wall time over the floor's median wall time. */
  readonly floorRatio: number;
  /** The output of the last run (kept only with --keep-outputs). */
  readonly output: string;
  readonly outputBytes: number;
  readonly ort?: OrtCheck;
  readonly error?: undefined;
}

/** A command that exited non-zero (its message, nothing measured). */
export interface FailedCommand {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly error: string;
}

export type CommandResult = MeasuredCommand | FailedCommand;

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  readonly model: ModelFiles;
  readonly floor: Summary;
  readonly commands: CommandResult[];
}

/** The executor benchmark's result, or why it could not run. */
export type ExecutorResult = ExecutorLatency | { readonly error: string };

export interface BenchReport {
  readonly machine: Machine;
  /** 1, 5 and 15 minute load averages when the run started and ended (other work skews times). */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly smoke: boolean;
  readonly cli: CliFeatures;
  /** What bin/mixprec.js ran when the run started and ended (another build in between makes the bundle stale). */
  readonly entryBefore: CliEntry;
  readonly entryAfter: CliEntry;
  readonly results: BenchResult[];
  /** Executor latency on PaddleOCR rec (absent when not selected with --only). */
  readonly executor?: ExecutorResult;
  /** CLI start-up (absent when not selected with --only). */
  readonly startup?: StartupResult;
}

function parseArgs(argv: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i < 0 ? undefined : argv[i + 1];
  };
  const known = new Set(['--smoke', '--runs', '--only', '--json', '--keep-outputs', '--no-ort']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!known.has(a)) throw new Error(`unknown argument '${a}'; expected ${[...known].join(', ')}`);
    if (['--runs', '--only', '--json', '--keep-outputs'].includes(a)) i++;
  }
  const runs = value('--runs');
  if (runs !== undefined && !(Number(runs) >= 1)) throw new Error(`--runs: expected a count ≥ 1, got '${runs}'`);
  return {
    smoke: argv.includes('--smoke') || process.env['MIXPREC_BENCH_SMOKE'] === '1',
    runs: runs === undefined ? undefined : Number(runs),
    only: value('--only') === undefined ? undefined : new Set(value('--only')!.split(',')),
    json: value('--json'),
    keepOutputs: value('--keep-outputs'),
    ort: !argv.includes('--no-ort'),
  };
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function summarize(ms: readonly Measurement[]): Summary {
  const cpu = (k: 'userS' | 'sysS'): number | undefined => (ms.every((m) => m[k] !== undefined) ? median(ms.map((m) => m[k]!)) : undefined);
  const userS = cpu('userS');
  const sysS = cpu('sysS');
  return {
    runs: ms.length,
    wallMs: Math.round(median(ms.map((m) => m.wallMs))),
    minWallMs: Math.round(Math.min(...ms.map((m) => m.wallMs))),
    maxRssMiB: Math.round(Math.max(...ms.map((m) => m.maxRssKiB)) / 1024),
    rssFrom: ms[0]!.rssFrom,
    ...(userS === undefined ? {} : { userS }),
    ...(sysS === undefined ? {} : { sysS }),
  };
}

/** The files a saved model consists of: `X.onnx` and `X.data` when present. */
function modelFiles(file: string): string[] {
  const data = file.replace(/\.onnx$/, '.data');
  return fs.existsSync(data) ? [file, data] : [file];
}

function removeModel(file: string): void {
  for (const f of modelFiles(file)) fs.rmSync(f, { force: true });
}

function ortCheck(model: ModelFiles, converted: string, scratch: string): OrtCheck {
  const specs = path.join(scratch, 'inputs.json');
  fs.writeFileSync(specs, JSON.stringify(model.inputs));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ort-check.js');
  const r = spawnSync(process.execPath, [script, model.file, converted, specs], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`onnxruntime-node check of ${converted} failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as OrtCheck;
}

function runBench(def: BenchDef, opts: Options, outRoot: string): BenchResult {
  log(`\n== ${def.id}: ${def.title}`);
  const t0 = performance.now();
  const model = def.model();
  log(`   model ${model.file} (${(model.bytes / 1e6).toFixed(1)} MB, ${model.nodes} nodes) ${model.cached ? 'from the cache' : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`}`);
  const dir = path.join(outRoot, def.id);
  fs.mkdirSync(dir, { recursive: true });
  const cli = cliScript();
  const floorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'io-floor.js');
  const inputs = modelFiles(model.file);
  const floorOut = path.join(dir, 'floor.bin');
  const floor = (): Measurement => {
    const m = measureNode([floorScript, floorOut, ...inputs]);
    fs.rmSync(floorOut, { force: true });
    return m;
  };
  const outputOf = (id: string): string => path.join(dir, `${id}.onnx`);
  const runCommand = (c: BenchDef['commands'][number]): Measurement => measureNode([cli, ...c.args(model.file, outputOf(c.id))]);

  // A failing command is reported (and not run again); the other commands go on.
  const failed = new Map<string, string>();
  const attempt = (c: BenchDef['commands'][number]): Measurement | undefined => {
    if (failed.has(c.id)) return undefined;
    try {
      return runCommand(c);
    } catch (e) {
      if (!(e instanceof ProcessFailed)) throw e;
      failed.set(c.id, e.message);
      log(`   ${c.id} FAILED: ${e.message}`);
      return undefined;
    }
  };
  if (!opts.smoke) {
    log('   warm-up run of each');
    floor();
    for (const c of def.commands) {
      attempt(c);
      removeModel(outputOf(c.id));
    }
  }
  const floorRuns: Measurement[] = [];
  const cmdRuns = new Map<string, Measurement[]>(def.commands.map((c) => [c.id, []]));
  for (let r = 0; r < def.runs; r++) {
    floorRuns.push(floor());
    for (const c of def.commands) {
      const last = r === def.runs - 1;
      const m = attempt(c);
      if (m === undefined) continue;
      cmdRuns.get(c.id)!.push(m);
      log(`   run ${r + 1}/${def.runs} ${c.id}: ${(m.wallMs / 1000).toFixed(3)} s, ${(m.maxRssKiB / 1024).toFixed(0)} MiB (floor ${(floorRuns[r]!.wallMs / 1000).toFixed(3)} s)`);
      if (!last) removeModel(outputOf(c.id));
    }
  }
  const floorSummary = summarize(floorRuns);
  const commands: CommandResult[] = [];
  const primary = def.commands[def.commands.length - 1]!;
  for (const c of def.commands) {
    const runs = cmdRuns.get(c.id)!;
    const command = `mixprec ${c.args('IN.onnx', 'OUT.onnx').join(' ')}`;
    if (failed.has(c.id) || runs.length === 0) {
      commands.push({ id: c.id, label: c.label, command, error: failed.get(c.id) ?? 'no run' });
      continue;
    }
    const summary = summarize(runs);
    const output = outputOf(c.id);
    const outputBytes = modelFiles(output).reduce((s, f) => s + fs.statSync(f).size, 0);
    let ort: OrtCheck | undefined;
    if (opts.ort && def.ortCheck && (c === primary || opts.smoke)) {
      log(`   onnxruntime-node: ${c.id} output against the original`);
      ort = ortCheck(model, output, dir);
    }
    commands.push({
      id: c.id, label: c.label, command, summary,
      floorRatio: summary.wallMs / floorSummary.wallMs, output, outputBytes, ...(ort === undefined ? {} : { ort }),
    });
    if (opts.keepOutputs === undefined) removeModel(output);
  }
  return { id: def.id, title: def.title, model, floor: floorSummary, commands };
}

/** Start-up cost: `mixprec --version` and a bare `node -e 0`, as whole processes. */
export interface StartupResult {
  readonly runs: number;
  readonly nodeMs: number;
  readonly cliMs: number;
  readonly cliCpuS?: number;
  readonly cliRssMiB: number;
}

function runStartup(opts: Options): StartupResult {
  log('\n== startup: mixprec --version vs node -e 0');
  const runs = opts.smoke ? 1 : (opts.runs ?? 7);
  const node: Measurement[] = [];
  const cli: Measurement[] = [];
  for (let i = 0; i < runs + (opts.smoke ? 0 : 1); i++) {
    const a = measureNode(['-e', '0']);
    const b = measureNode([cliScript(), '--version']);
    if (i === 0 && !opts.smoke) continue; // warm-up
    node.push(a);
    cli.push(b);
  }
  const s = summarize(cli);
  const r: StartupResult = {
    runs, nodeMs: summarize(node).wallMs, cliMs: s.wallMs, cliRssMiB: s.maxRssMiB,
    ...(s.userS === undefined ? {} : { cliCpuS: s.userS + (s.sysS ?? 0) }),
  };
  log(`   node ${r.nodeMs} ms, mixprec --version ${r.cliMs} ms`);
  return r;
}

/** Runs the executor latency benchmark in its own process. */
function runExecutor(opts: Options): ExecutorResult {
  log('\n== executor: PaddleOCR rec, @mixprec/executor-tfjs vs onnxruntime-node, FP16 emulation overhead');
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'executor-latency.js');
  const args = opts.smoke ? ['--runs', '1', '--width', '80'] : ['--runs', String(opts.runs ?? 10), '--width', '320'];
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const error = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    log(`   FAILED: ${error}`);
    return { error };
  }
  const x = JSON.parse(r.stdout.trim().split('\n').pop()!) as ExecutorLatency;
  log(`   onnxruntime-node ${x.ortMs.toFixed(1)} ms, executor FP32 ${x.fp32Ms.toFixed(1)} ms, FP16 ${x.fp16Ms.toFixed(1)} ms`);
  return x;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const cli = detectCli();
  const machine = describeMachine();
  const loadBefore = os.loadavg();
  const entryBefore = cliEntry();
  log(`CLI entry: ${entryBefore.entry}${entryBefore.why === undefined ? '' : ` (${entryBefore.why})`}`);
  log(`mixprec benchmarks${opts.smoke ? ' (smoke)' : ''} on ${machine.cpu}, ${machine.nproc} CPUs, ${machine.memGiB} GiB, Node ${machine.node}`);
  log(`CLI: convert ${cli.convert ? 'available' : 'not available yet (conversion rows use opt)'}; common pipeline '${cli.commonPipeline}'`);
  const defs = benchmarks(opts.smoke, cli, opts.runs).filter((d) => opts.only === undefined || opts.only.has(d.id) || [...opts.only].some((o) => d.id.startsWith(o)));
  const outRoot = opts.keepOutputs !== undefined ? path.resolve(opts.keepOutputs) : fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-bench-out-'));
  fs.mkdirSync(outRoot, { recursive: true });
  const results: BenchResult[] = [];
  try {
    for (const d of defs) results.push(runBench(d, opts, outRoot));
  } finally {
    if (opts.keepOutputs === undefined) fs.rmSync(outRoot, { recursive: true, force: true });
  }
  const startup = opts.only === undefined || opts.only.has('startup') ? runStartup(opts) : undefined;
  const executor = opts.only === undefined || opts.only.has('executor') ? runExecutor(opts) : undefined;
  const report: BenchReport = {
    machine, loadBefore, loadAfter: os.loadavg(), smoke: opts.smoke, cli, entryBefore, entryAfter: cliEntry(), results,
    ...(startup === undefined ? {} : { startup }), ...(executor === undefined ? {} : { executor }),
  };
  if (opts.json !== undefined) fs.writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(formatReport(report));
  if (results.some((b) => b.commands.some((c) => c.error !== undefined)) || (executor !== undefined && 'error' in executor)) process.exitCode = 1;
}

await main();

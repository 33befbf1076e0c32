/**
 * `npm run fuzz` — a long seeded fuzz campaign over load → verify → convert → save.
 *
 *   npm run fuzz                              10 000 cases, seed 1, one worker per CPU
 *   npm run fuzz -- --cases 50000 --seed 7    a longer run with another seed
 *   npm run fuzz -- --step cleanup            force the pipeline step (auto | cleanup | convert)
 *   npm run fuzz -- --replay 7:1234           run one case in process and print everything
 *   npm run fuzz -- --replay 7:1234 --write-case case.onnx   also write its bytes
 *   npm run fuzz -- --json report.json        write the summary as JSON
 *   npm run fuzz -- --ort                     also require: onnxruntime loads the input ⇒ it loads the output
 *
 * Prints the case count, crashes, hangs and per-outcome counts; exits 1 on any failure
 * (crash, hang, oom, contract, unstable), 2 on bad arguments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCli, cliHasConvert } from './cli-check.js';
import { ortRegression } from './ort-check.js';
import { Corpus } from './corpus.js';
import { runCase } from './harness.js';
import { createSandbox, removeSandbox } from './sandbox.js';
import { selectStep, type StepName } from './steps.js';
import { formatFailure, runFuzz, type FuzzSummary } from './supervisor.js';

interface Args {
  cases: number;
  seed: number;
  jobs: number;
  step: StepName | 'auto';
  timeoutMs: number;
  replay?: [number, number];
  writeCase?: string;
  json?: string;
  ort: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { cases: 10_000, seed: 1, jobs: Math.max(1, os.availableParallelism()), step: 'auto', timeoutMs: 10_000, ort: false };
  const int = (flag: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < 0) usage(`${flag} needs a non-negative integer, got '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const v = argv[i + 1];
    switch (flag) {
      case '--cases': a.cases = int(flag, v); i++; break;
      case '--seed': a.seed = int(flag, v); i++; break;
      case '--jobs': a.jobs = Math.max(1, int(flag, v)); i++; break;
      case '--timeout': a.timeoutMs = int(flag, v); i++; break;
      case '--step':
        if (v !== 'auto' && v !== 'cleanup' && v !== 'convert') usage(`--step must be auto, cleanup or convert, got '${v ?? ''}'`);
        a.step = v as Args['step']; i++; break;
      case '--replay': {
        const m = /^(\d+):(\d+)$/.exec(v ?? '');
        if (m === null) usage(`--replay needs SEED:INDEX, got '${v ?? ''}'`);
        a.replay = [Number(m![1]), Number(m![2])]; i++; break;
      }
      case '--write-case': a.writeCase = v; i++; break;
      case '--json': a.json = v; i++; break;
      case '--ort': a.ort = true; break;
      case '--help': case '-h': usage();
      // falls through (usage exits)
      default: usage(`unknown argument '${flag}'`);
    }
  }
  return a;
}

function usage(problem?: string): never {
  const text = 'usage: npm run fuzz -- [--cases N] [--seed S] [--jobs J] [--step auto|cleanup|convert] [--timeout MS] [--replay SEED:INDEX [--write-case FILE]] [--json FILE] [--ort]';
  if (problem !== undefined) {
    process.stderr.write(`fuzz: ${problem}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

async function replay(a: Args): Promise<number> {
  const [seed, index] = a.replay!;
  const step = await selectStep(a.step);
  const c = new Corpus().makeCase(seed, index);
  if (a.writeCase !== undefined) fs.writeFileSync(a.writeCase, c.bytes);
  const sandbox = createSandbox();
  try {
    process.stdout.write(`case ${seed}:${index}: ${c.source}${c.mutators.length > 0 ? ` + ${c.mutators.join(',')}` : ''} (${c.bytes.length} B, external data ${c.externalData}), step ${step.name}\n`);
    const r = runCase(c.bytes, sandbox, step, { externalData: c.externalData });
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    if (a.ort && r.outcome === 'valid') {
      process.stdout.write(`onnxruntime: ${(await ortRegression(sandbox.caseFile, path.join(sandbox.outDir, 'out.onnx'))) ?? 'input and output load (or the input does not)'}\n`);
    }
    const check = await checkCli(sandbox.caseFile, path.join(sandbox.outDir, 'cli'), cliHasConvert());
    process.stdout.write(`CLI: exit ${check.code}${check.failure === undefined ? ', contract kept' : `; FAILURE: ${check.failure}`}\n`);
    return (r.outcome === 'valid' || r.outcome === 'typed-error') && check.failure === undefined ? 0 : 1;
  } finally {
    removeSandbox(sandbox);
  }
}

function table(title: string, rows: Readonly<Record<string, Partial<Record<string, number>>>>): string {
  const lines = [title];
  for (const k of Object.keys(rows).sort()) {
    const cells = Object.entries(rows[k]!).sort(([x], [y]) => (x < y ? -1 : 1)).map(([o, n]) => `${o} ${n}`);
    lines.push(`  ${k.padEnd(34)} ${cells.join(', ')}`);
  }
  return lines.join('\n');
}

function report(s: FuzzSummary): string {
  const o = s.byOutcome;
  const out = [
    `fuzz: ${s.cases} cases (${s.cliChecked} also through the CLI), seed ${s.seed}, step ${s.step} (${s.stepDescription}), ${(s.ms / 1000).toFixed(1)} s, ${s.workerRestarts} worker restarts${s.fifoTested ? '' : ' (no FIFO: mkfifo missing)'}`,
    `outcomes: typed-error ${o['typed-error']}, valid ${o.valid}, crash ${o.crash}, hang ${o.hang}, oom ${o.oom}, contract ${o.contract}, unstable ${o.unstable}, ort ${o.ort}`,
    table('by seed:', s.bySource),
    table('by mutator:', s.byMutator),
    `slowest: ${s.slowest.map((r) => `${s.seed}:${r.index} ${r.ms} ms (${r.source})`).join('; ')}`,
  ];
  if (s.failures.length > 0) {
    out.push(`failures (${s.failures.length}; replay one with npm run fuzz -- --replay SEED:INDEX):`);
    for (const f of s.failures.slice(0, 50)) out.push(`  ${formatFailure(f, s.seed)}`);
  }
  out.push(`crashes ${o.crash}, hangs ${o.hang}, oom ${o.oom}, contract ${o.contract}, unstable ${o.unstable}, ort ${o.ort} — ${s.failures.length === 0 ? 'PASS' : 'FAIL'}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const a = parseArgs(process.argv.slice(2));
  if (a.replay !== undefined) return replay(a);
  let last = 0;
  const summary = await runFuzz({
    seed: a.seed, cases: a.cases, jobs: a.jobs, step: a.step, timeoutMs: a.timeoutMs, ort: a.ort,
    onCase: (r, n) => {
      if (r.outcome !== 'valid' && r.outcome !== 'typed-error') process.stderr.write(`  ${formatFailure(r, a.seed)}\n`);
      if (n - last >= 1000 || n === a.cases) {
        last = n;
        process.stderr.write(`fuzz: ${n}/${a.cases}\n`);
      }
    },
  });
  process.stdout.write(`${report(summary)}\n`);
  if (a.json !== undefined) fs.writeFileSync(a.json, `${JSON.stringify(summary, null, 2)}\n`);
  return summary.failures.length === 0 ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`fuzz: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 2;
});

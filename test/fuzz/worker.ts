/**
 * A fuzz worker process: runs cases [from, to) of a seeded run and reports each one as a JSON
 * line on stdout — `start` before a case (written synchronously, so the supervisor knows which
 * case hung or killed the process) and `done` after it.
 *
 * Usage: node --import tsx test/fuzz/worker.ts '{"seed":1,"from":0,"to":100,"step":"auto"}'
 */
import path from 'node:path';
import { checkCli, cliHasConvert } from './cli-check.js';
import { Corpus } from './corpus.js';
import { ortRegression } from './ort-check.js';
import { runCase } from './harness.js';
import type { Sandbox } from './sandbox.js';
import { selectStep, type StepName } from './steps.js';

export interface WorkerArgs {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  readonly step: StepName | 'auto';
  readonly testdataDir?: string;
  readonly includeReal?: boolean;
  /** Also run the CLI contract check on every n-th case (0: never). */
  readonly cliEvery?: number;
  /** Judge valid cases with onnxruntime-node too (see ort-check.ts). */
  readonly ort?: boolean;
  /** The folder to work in (created and removed by the supervisor, reused across restarts). */
  readonly sandbox: Sandbox;
}

/** Messages on the worker's stdout, one JSON object per line. */
export type WorkerMessage =
  | { readonly t: 'ready'; readonly step: string; readonly description: string; readonly fifo: boolean }
  | { readonly t: 'start'; readonly i: number; readonly source: string; readonly mutators: readonly string[]; readonly size: number }
  | {
    readonly t: 'done'; readonly i: number; readonly outcome: string; readonly stage: string; readonly message: string;
    readonly ms: number; readonly memory: number; readonly cli: boolean;
  };

function send(m: WorkerMessage): void {
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const step = await selectStep(args.step);
  const corpus = new Corpus({ ...(args.testdataDir === undefined ? {} : { testdataDir: args.testdataDir }), includeReal: args.includeReal !== false });
  const sandbox = args.sandbox;
  const convert = cliHasConvert();
  const every = args.cliEvery ?? 0;
  // Self-test hooks of the supervisor (test/hardening/fuzz-harness.test.ts): make one case hang
  // or kill the process, to prove the watchdog and the restart logic work.
  const hangAt = Number(process.env['MIXPREC_FUZZ_SELFTEST_HANG'] ?? -1);
  const abortAt = Number(process.env['MIXPREC_FUZZ_SELFTEST_ABORT'] ?? -1);
  send({ t: 'ready', step: step.name, description: step.description, fifo: sandbox.hasFifo });
  for (let i = args.from; i < args.to; i++) {
    const c = corpus.makeCase(args.seed, i);
    send({ t: 'start', i, source: c.source, mutators: c.mutators, size: c.bytes.length });
    if (i === hangAt) for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    if (i === abortAt) process.abort();
    let r = runCase(c.bytes, sandbox, step, { externalData: c.externalData });
    const cli = every > 0 && i % every === 0 && (r.outcome === 'valid' || r.outcome === 'typed-error');
    if (cli) {
      const t0 = performance.now();
      const check = await checkCli(sandbox.caseFile, path.join(sandbox.outDir, 'cli'), convert);
      if (check.failure !== undefined) r = { ...r, outcome: 'crash', stage: 'cli', message: check.failure };
      r = { ...r, ms: r.ms + performance.now() - t0 };
    }
    if (args.ort === true && r.outcome === 'valid' && c.bytes.length <= 4 << 20) {
      const t0 = performance.now();
      const why = await ortRegression(sandbox.caseFile, path.join(sandbox.outDir, 'out.onnx'));
      if (why !== undefined) r = { ...r, outcome: 'ort', stage: 'ort', message: why };
      r = { ...r, ms: r.ms + performance.now() - t0 };
    }
    send({ t: 'done', i, outcome: r.outcome, stage: r.stage, message: r.message, ms: Math.round(r.ms), memory: r.memory, cli });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`fuzz worker: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 70;
});

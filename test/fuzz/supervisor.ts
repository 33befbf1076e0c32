/**
 * Runs a seeded fuzz campaign in worker processes with a per-case watchdog. Cases run
 * in-process inside each worker (fast); a case that runs longer than the timeout is a `hang`
 * (the worker is killed and restarted after it), a worker that dies mid-case (V8 heap limit,
 * abort, stack overflow in native code) marks that case `oom` or `crash`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FAILURES, type Outcome } from './harness.js';
import { createSandbox, removeSandbox } from './sandbox.js';
import type { StepName } from './steps.js';
import type { WorkerArgs, WorkerMessage } from './worker.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'worker.ts');

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** First case index (default 0). */
  readonly from?: number;
  /** Worker processes in parallel (default 2). */
  readonly jobs?: number;
  readonly step?: StepName | 'auto';
  /** A case running longer than this is a hang (default 10 000 ms). */
  readonly timeoutMs?: number;
  /** V8 heap limit of a worker in MiB (default 2048): a case that needs more is `oom`. */
  readonly heapMiB?: number;
  readonly testdataDir?: string;
  readonly includeReal?: boolean;
  /** Also check the CLI contract on every n-th case (default 5; 0: never). */
  readonly cliEvery?: number;
  /** Judge valid cases with onnxruntime-node too (default false). */
  readonly ort?: boolean;
  /** Called after every case (progress). */
  readonly onCase?: (r: CaseRecord, doneCount: number) => void;
}

export interface CaseRecord {
  readonly index: number;
  readonly source: string;
  readonly mutators: readonly string[];
  readonly size: number;
  readonly outcome: Outcome;
  readonly stage: string;
  readonly message: string;
  readonly ms: number;
  readonly memory: number;
  /** Whether the CLI contract was checked on this case too. */
  readonly cli: boolean;
}

export interface FuzzSummary {
  readonly seed: number;
  readonly cases: number;
  readonly step: string;
  readonly stepDescription: string;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /** Outcomes per seed kind (`real`, `testdata`, `hostile:<generator>`) and per mutator. */
  readonly bySource: Readonly<Record<string, Partial<Record<Outcome, number>>>>;
  readonly byMutator: Readonly<Record<string, Partial<Record<Outcome, number>>>>;
  readonly failures: readonly CaseRecord[];
  readonly slowest: readonly CaseRecord[];
  readonly ms: number;
  readonly workerRestarts: number;
  readonly fifoTested: boolean;
  /** Cases whose CLI contract was checked too. */
  readonly cliChecked: number;
}

const OUTCOMES: readonly Outcome[] = ['typed-error', 'valid', 'crash', 'contract', 'unstable', 'oom', 'hang', 'ort'];

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const from = o.from ?? 0;
  const jobs = Math.max(1, Math.min(o.jobs ?? 2, o.cases));
  const records: CaseRecord[] = [];
  let step = '';
  let stepDescription = '';
  let restarts = 0;
  let fifo = false;
  const ranges: [number, number][] = [];
  for (let j = 0; j < jobs; j++) {
    const a = from + Math.floor((o.cases * j) / jobs);
    const b = from + Math.floor((o.cases * (j + 1)) / jobs);
    if (b > a) ranges.push([a, b]);
  }
  const record = (r: CaseRecord): void => {
    records.push(r);
    o.onCase?.(r, records.length);
  };
  await Promise.all(ranges.map(async ([a, b]) => {
    const sandbox = createSandbox();
    try {
      let next = a;
      while (next < b) {
        const res = await runWorker({
          seed: o.seed, from: next, to: b, step: o.step ?? 'auto', sandbox, cliEvery: o.cliEvery ?? 5, ort: o.ort === true,
          ...(o.testdataDir === undefined ? {} : { testdataDir: o.testdataDir }),
          ...(o.includeReal === undefined ? {} : { includeReal: o.includeReal }),
        }, o.timeoutMs ?? 10_000, o.heapMiB ?? 2048, record);
        step = res.step || step;
        stepDescription = res.description || stepDescription;
        fifo ||= res.fifo;
        if (res.next === next && res.lastStarted === undefined) throw new Error(`fuzz worker made no progress at case ${next}: ${res.stderr}`);
        if (res.next < b) restarts++;
        next = res.next;
      }
    } finally {
      removeSandbox(sandbox);
    }
  }));
  records.sort((x, y) => x.index - y.index);
  return summarize(o.seed, records, step, stepDescription, performance.now() - t0, restarts, fifo);
}

interface WorkerRun {
  /** First case not yet accounted for. */
  readonly next: number;
  readonly lastStarted: number | undefined;
  readonly step: string;
  readonly description: string;
  readonly fifo: boolean;
  readonly stderr: string;
}

/** Runs one worker until it finishes its range, hangs on a case, or dies. */
function runWorker(args: WorkerArgs, timeoutMs: number, heapMiB: number, record: (r: CaseRecord) => void): Promise<WorkerRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMiB}`, '--import', 'tsx', WORKER, JSON.stringify(args)], {
      cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let step = '';
    let description = '';
    let fifo = false;
    let next = args.from;
    let current: { i: number; source: string; mutators: readonly string[]; size: number; started: number } | undefined;
    let hung = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let m: WorkerMessage;
      try {
        m = JSON.parse(line) as WorkerMessage;
      } catch {
        return; // a stray line: not ours
      }
      if (m.t === 'ready') {
        step = m.step;
        description = m.description;
        fifo = m.fifo;
      } else if (m.t === 'start') {
        current = { i: m.i, source: m.source, mutators: m.mutators, size: m.size, started: performance.now() };
      } else if (current !== undefined && m.i === current.i) {
        const ms = m.ms;
        const outcome = (ms > timeoutMs ? 'hang' : m.outcome) as Outcome;
        record({ index: m.i, source: current.source, mutators: current.mutators, size: current.size, outcome, stage: m.stage, message: m.message, ms, memory: m.memory, cli: m.cli });
        next = m.i + 1;
        current = undefined;
      }
    });
    const watchdog = setInterval(() => {
      if (current !== undefined && performance.now() - current.started > timeoutMs) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 100);
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      const lastStarted = current?.i;
      if (current !== undefined) {
        const ms = Math.round(performance.now() - current.started);
        const heap = /heap out of memory|Allocation failed|allocation failed/i.test(stderr);
        const outcome: Outcome = hung ? 'hang' : heap ? 'oom' : 'crash';
        const why = hung ? `no result after ${timeoutMs} ms; worker killed` : `worker died (${signal ?? `exit code ${code}`}): ${lastLine(stderr)}`;
        record({ index: current.i, source: current.source, mutators: current.mutators, size: current.size, outcome, stage: 'unknown', message: why.slice(0, 300), ms, memory: 0, cli: false });
        next = current.i + 1;
      }
      // A worker that died between cases (at startup, say) makes no progress: runFuzz reports it.
      resolve({ next, lastStarted, step, description, fifo, stderr });
    });
  });
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter((l) => l.trim() !== '');
  const fatal = lines.find((l) => /FATAL|Error|error/.test(l));
  return fatal ?? lines[lines.length - 1] ?? '';
}

function summarize(seed: number, records: CaseRecord[], step: string, stepDescription: string, ms: number, workerRestarts: number, fifoTested: boolean): FuzzSummary {
  const byOutcome = Object.fromEntries(OUTCOMES.map((x) => [x, 0])) as Record<Outcome, number>;
  const bySource: Record<string, Partial<Record<Outcome, number>>> = {};
  const byMutator: Record<string, Partial<Record<Outcome, number>>> = {};
  const bump = (table: Record<string, Partial<Record<Outcome, number>>>, key: string, o: Outcome): void => {
    const row = (table[key] ??= {});
    row[o] = (row[o] ?? 0) + 1;
  };
  for (const r of records) {
    byOutcome[r.outcome]++;
    const kind = r.source.startsWith('hostile:') ? r.source.slice(0, r.source.indexOf('/') < 0 ? undefined : r.source.indexOf('/')) : r.source.split(':')[0]!;
    bump(bySource, r.mutators.length > 0 ? `${kind} (mutated)` : kind, r.outcome);
    for (const m of new Set(r.mutators)) bump(byMutator, m, r.outcome);
  }
  return {
    seed, cases: records.length, step, stepDescription, byOutcome, bySource, byMutator,
    failures: records.filter((r) => FAILURES.has(r.outcome)),
    slowest: [...records].sort((a, b) => b.ms - a.ms).slice(0, 5),
    ms, workerRestarts, fifoTested, cliChecked: records.filter((r) => r.cli).length,
  };
}

/** A failure as one line, with what it takes to replay it. */
export function formatFailure(r: CaseRecord, seed: number): string {
  const muts = r.mutators.length > 0 ? ` + ${r.mutators.join(',')}` : '';
  return `[${r.outcome}] case ${seed}:${r.index} (${r.source}${muts}, ${r.size} B) at ${r.stage}: ${r.message}`;
}

/**
 * Child process of the scaling check: runs the whole fuzz pipeline (load → verify → convert →
 * save → reload → verify → re-encode) on a stress model of each given size and prints, as one
 * JSON line, the work each run took as counted by {@link WorkCounter} (no clock).
 *
 * Usage: node --import tsx test/hardening/scaling-worker.ts KIND N…
 */
import { Graph, Node, Value } from '@mixprec/ir';
import { STRESS_KINDS, stressModel, type StressKind } from '../fuzz/hostile-graphs.js';
import { runCase } from '../fuzz/harness.js';
import { createSandbox, removeSandbox } from '../fuzz/sandbox.js';
import { selectStep } from '../fuzz/steps.js';
import { WorkCounter } from './work-counter.js';

/** One measured run. */
export interface ScalingRun {
  readonly n: number;
  readonly work: number;
  readonly outcome: string;
  readonly message: string;
}

const [kind, ...sizes] = process.argv.slice(2);
if (!STRESS_KINDS.includes(kind as StressKind) || sizes.length === 0 || sizes.some((s) => !/^\d+$/.test(s))) {
  process.stderr.write(`usage: scaling-worker.ts ${STRESS_KINDS.join('|')} N…\n`);
  process.exit(2);
}
const step = await selectStep('auto');
const sandbox = createSandbox('mixprec-scaling-');
try {
  // Warm-up: tables and caches built on first use are not part of any measured run.
  runCase(stressModel(kind as StressKind, 100), sandbox, step);
  // The IR's classes, and the cursor graph iteration uses (node visits).
  const cursor = Object.getPrototypeOf(new Graph('probe')[Symbol.iterator]()) as object;
  const counter = new WorkCounter([Graph.prototype, Node.prototype, Value.prototype, cursor]);
  const runs: ScalingRun[] = [];
  for (const s of sizes) {
    const n = Number(s);
    const bytes = stressModel(kind as StressKind, n);
    const { result, work } = counter.measure(() => runCase(bytes, sandbox, step));
    runs.push({ n, work, outcome: result.outcome, message: result.message });
  }
  process.stdout.write(`${JSON.stringify(runs)}\n`);
} finally {
  removeSandbox(sandbox);
}

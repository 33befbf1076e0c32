/**
 * Algorithmic-complexity attacks: the whole pipeline (load → verify → convert → save → reload)
 * must do work linear in the model's size. Quadratic steps hide at fuzzing sizes (the verifier
 * took 7 s on a 10k-node If branch inside a 10k-node graph, and minutes on one value with 100k
 * uses); the ratio of the work at n and 8n tells them apart: ~8 when linear (less with fixed
 * costs), ~10 for n·log n, ~64 when quadratic.
 *
 * The work is counted, not timed (see work-counter.ts): iterator steps, array scans weighted by
 * length, Map/Set operations and calls of the IR's Graph/Node/Value methods and getters, in a
 * child process. A count does not depend on the machine or its load. Wall-time targets (20k vs
 * 200k nodes for load+save, O1 and convert) are benchmarks: `npm run bench`.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { STRESS_KINDS, type StressKind } from '../fuzz/hostile-graphs.js';
import type { ScalingRun } from './scaling-worker.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'scaling-worker.ts');
const SMALL = 2000;
const LARGE = 8 * SMALL;

async function measure(kind: StressKind, sizes: readonly number[]): Promise<ScalingRun[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', WORKER, kind, ...sizes.map(String)], {
    cwd: path.join(HERE, '..'), maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as ScalingRun[];
}

describe('hardening: work grows linearly with the model (no quadratic step; counted, not timed)', function () {
  this.timeout(240_000);

  for (const kind of STRESS_KINDS) {
    it(`${kind}: 8× the nodes takes less than 12× the work (linear ≈ 8×, quadratic ≈ 64×)`, async () => {
      const [small, large] = await measure(kind, [SMALL, LARGE]);
      for (const r of [small!, large!]) expect(r.outcome, `${kind}-${r.n}: ${r.message}`).to.equal('valid');
      const ratio = large!.work / small!.work;
      expect(ratio, `${kind}: work ${small!.work} at ${SMALL}, ${large!.work} at ${LARGE}`).to.be.below(12);
    });
  }

  it('the count is reproducible: the same run counts the same work in another process', async () => {
    const [a, b] = await Promise.all([measure('wide', [SMALL]), measure('wide', [SMALL])]);
    expect(a[0]!.work).to.be.greaterThan(0);
    expect(a[0]!.work).to.equal(b[0]!.work);
  });
});

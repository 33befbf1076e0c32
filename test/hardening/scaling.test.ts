/**
 * Algorithmic-complexity attacks: the whole pipeline (load → verify → convert → save → reload)
 * must take time linear in the model's size. Quadratic steps hide at fuzzing sizes (the verifier
 * took 7 s on a 10k-node If branch inside a 10k-node graph, and minutes on one value with 100k
 * uses); the ratio of run times at n and 8n tells them apart on any machine: ~8 when linear
 * (less with fixed costs), ~64 when quadratic.
 */
import { expect } from 'chai';
import { STRESS_KINDS, stressModel, type StressKind } from '../fuzz/hostile-graphs.js';
import { runCase } from '../fuzz/harness.js';
import { createSandbox, removeSandbox, type Sandbox } from '../fuzz/sandbox.js';
import { selectStep, type ConversionStep } from '../fuzz/steps.js';

describe('hardening: run time grows linearly with the model (no quadratic step)', function () {
  this.timeout(240_000);
  let sandbox: Sandbox;
  let step: ConversionStep;
  before(async () => {
    sandbox = createSandbox();
    step = await selectStep('auto');
  });
  after(() => removeSandbox(sandbox));

  /** Best of `runs` wall times (ms) of the whole case. */
  function time(kind: StressKind, n: number, runs: number): number {
    const bytes = stressModel(kind, n);
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const res = runCase(bytes, sandbox, step);
      expect(res.outcome, `${kind}-${n}: ${res.message}`).to.equal('valid');
      best = Math.min(best, res.ms);
    }
    return best;
  }

  for (const kind of STRESS_KINDS) {
    it(`${kind}: 8× the nodes takes less than 24× the time (linear ≈ 8×, quadratic ≈ 64×)`, () => {
      time(kind, 500, 1); // warm up the JIT
      const small = time(kind, 2000, 3);
      const large = time(kind, 16000, 2);
      expect(large / small, `${kind}: ${small.toFixed(0)} ms at 2000, ${large.toFixed(0)} ms at 16000`).to.be.below(24);
    });
  }
});

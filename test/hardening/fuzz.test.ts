/**
 * The seeded fuzz subset of `npm test` (the long runs are `npm run fuzz`): 520 cases over the
 * real models, ONNX backend-test models and hostile generators, mutated at the wire level, each
 * through load → verify → convert → I/O contract → verify → save → reload (every fifth also
 * through the CLI). Every case must end in a typed one-line error or a valid model.
 */
import { expect } from 'chai';
import { MUTATORS } from '../fuzz/mutators.js';
import { GENERATORS } from '../fuzz/corpus.js';
import { findConversion } from '../fuzz/steps.js';
import { formatFailure, runFuzz, type FuzzSummary } from '../fuzz/supervisor.js';

const SEED = 20261122;
const CASES = 520;

describe('hardening: seeded fuzz subset (npm run fuzz runs the long campaign)', () => {
  let s: FuzzSummary;
  before(async function () {
    this.timeout(240_000);
    s = await runFuzz({ seed: SEED, cases: CASES, jobs: 2, step: 'auto', timeoutMs: 10_000, cliEvery: 5 });
  });

  it(`${CASES} cases end in a typed error or a valid model: no crash, hang, oom, contract or stability failure`, () => {
    const lines = s.failures.map((f) => formatFailure(f, SEED));
    expect(lines, `${lines.length} failures (replay: npm run fuzz -- --replay ${SEED}:INDEX)\n${lines.join('\n')}`).to.deep.equal([]);
    expect(s.cases).to.equal(CASES);
  });

  it('runs the real conversion once @mixprec/amp exports it', async () => {
    const expected = (await findConversion()) === undefined ? 'cleanup' : 'convert';
    expect(s.step).to.equal(expected);
  });

  it('reaches both outcomes, every mutator and every hostile generator, and the CLI', () => {
    expect(s.byOutcome['typed-error'], 'typed errors').to.be.greaterThan(CASES / 5);
    expect(s.byOutcome.valid, 'valid models').to.be.greaterThan(CASES / 5);
    const usedMutators = Object.keys(s.byMutator);
    for (const [name] of MUTATORS) expect(usedMutators, 'mutators applied').to.include(name);
    const kinds = Object.keys(s.bySource).join(' ');
    for (const [name] of GENERATORS) expect(kinds, 'hostile generators drawn').to.include(`hostile:${name}`);
    expect(s.cliChecked, 'cases checked through the CLI').to.be.greaterThan(50);
  });

  it('stays well under a minute and under the hang limit per case', () => {
    expect(s.ms, 'whole subset (ms)').to.be.below(120_000);
    expect(s.slowest[0]?.ms ?? 0, 'slowest case (ms)').to.be.below(10_000);
  });
});

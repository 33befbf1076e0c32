import { expect } from 'chai';
import { cloneModel, structuralHash, verify, type Model, type Tensor } from '@mixprec/ir';
import { runModel } from '@mixprec/executor-tfjs';
import { createModifiedCheckInstrument, createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { compareTensors, randomFeeds } from '@mixprec/testing';
import { transformAliases, transformPasses } from '../src/index.js';
import { randomModel } from './random-graph.js';

const registry = createPassRegistry({ passes: transformPasses, aliases: transformAliases });
const PIPELINES = [
  'dce', 'cse', 'cse{dedupe-initializers=true}', 'eliminate-identity', 'topo-sort', 'constant-to-initializer',
  'constant-to-initializer{direction=to-constant}', 'cast-cleanup', 'cleanup',
];

function run(m: Model, pipeline: string): boolean {
  const pass = registry.parse(pipeline);
  if (pass._tag === 'Left') throw new Error(pass.left.message);
  const ctx = createPassContext({ registry, verifyEach: true, instruments: [createModifiedCheckInstrument()], report: () => undefined });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const r = runPipeline(m, pass.right, ctx.right);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right.modified;
}

async function outputs(m: Model, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const r = await runModel(m, feeds, { backend: 'cpu' });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ...r.right.outputs };
}

describe('properties on random models (verify, modified/hash agreement, idempotence, same numerics)', () => {
  for (let seed = 1; seed <= 24; seed++) {
    it(`random model #${seed}`, async () => {
      const original = randomModel(seed);
      expect(verify(original).filter((d) => d.severity === 'error'), 'generator output').to.deep.equal([]);
      const feedSets = [randomFeeds(original, seed), randomFeeds(original, seed + 1000)];
      const want = await Promise.all(feedSets.map((f) => outputs(original, f)));
      for (const pipeline of PIPELINES) {
        const m = cloneModel(original);
        run(m, pipeline);
        const hash = structuralHash(m);
        expect(run(m, pipeline), `${pipeline}: second run`).to.equal(false);
        expect(structuralHash(m), `${pipeline}: second run hash`).to.equal(hash);
        for (let i = 0; i < feedSets.length; i++) {
          const got = await outputs(m, feedSets[i]!);
          for (const [name, t] of Object.entries(want[i]!)) {
            expect(compareTensors(got[name]!, t, { rtol: 0, atol: 0 }), `${pipeline}: output ${name}`).to.equal(undefined);
          }
        }
      }
    });
  }

  it('the cleanup alias shrinks random models (sanity: the generator makes work for it)', () => {
    let before = 0;
    let after = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const m = randomModel(seed);
      before += m.graph.size;
      run(m, 'cleanup');
      after += m.graph.size;
    }
    expect(after).to.be.lessThan(before * 0.8);
  });
});

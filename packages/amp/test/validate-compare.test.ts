import { expect } from 'chai';
import { cloneModel, floatTensor, type Model, type Tensor } from '@mixprec/ir';
import {
  castFp32ToFp16, compareModels, executorRunner, feedsFor, randomFeedSets, type ModelRunner,
} from '../src/index.js';
import { audioFeeds, chainModel, spectrumModel } from './validate-models.js';

function converted(m: Model, keepIoTypes = false): Model {
  const c = cloneModel(m);
  castFp32ToFp16(c, { keepIoTypes });
  return c;
}

describe('validate: compareModels', () => {
  it('passes a faithful conversion, with per-sample and per-output metrics and two runs per sample', async () => {
    const m = chainModel(3);
    const sets = await randomFeedSets(m, { samples: 3, seed: 5 });
    expect(sets.map((s) => s.label)).to.deep.equal(['random #0 (seed 5)', 'random #1 (seed 6)', 'random #2 (seed 7)']);
    const r = await compareModels(m, converted(m), sets, { tolerance: { atol: 1e-2, rtol: 0 } });
    if (r._tag === 'Left') throw new Error(r.left.message);
    const v = r.right;
    expect(v.passed).to.equal(true);
    expect(v.runs).to.equal(6);
    expect(v.samples).to.have.length(3);
    expect(v.failures).to.deep.equal([]);
    const y = v.outputs['Y']!;
    expect(y.maxAbs).to.be.greaterThan(0).and.lessThan(1e-2);
    expect(y.maxAbs).to.equal(Math.max(...v.samples.map((s) => s.outputs['Y']!.maxAbs)));
    expect(y.cosine).to.be.greaterThan(0.9999);
    expect(y.top1).to.be.a('number'); // [8, 32] is classifier-like
    expect(y.worst!.sample).to.be.oneOf(sets.map((s) => s.label));
    expect(v.runtime).to.equal('executor');
    expect(JSON.parse(JSON.stringify(v))).to.deep.equal(v); // plain data
  });

  it('prepares each model once for several samples: the same report as one run per sample, sessions disposed', async () => {
    const m = chainModel(3);
    const c = converted(m);
    const sets = await randomFeedSets(m, { samples: 3, seed: 9 });
    const base = executorRunner();
    const events: string[] = [];
    const counting: ModelRunner = {
      name: 'executor',
      run: (model, feeds) => base.run(model, feeds),
      async prepare(model) {
        const s = await base.prepare!(model);
        const which = model === m ? 'ref' : 'cand';
        events.push(`prepare ${which}`);
        return { run: (feeds) => { events.push(`run ${which}`); return s.run(feeds); }, dispose: () => { events.push(`dispose ${which}`); s.dispose(); } };
      },
    };
    const plain: ModelRunner = { name: 'executor', run: (model, feeds) => base.run(model, feeds) };
    const opts = { tolerance: { atol: 1e-2, rtol: 0 } };
    const a = await compareModels(m, c, sets, { ...opts, runner: counting });
    const b = await compareModels(m, c, sets, { ...opts, runner: plain });
    if (a._tag === 'Left' || b._tag === 'Left') throw new Error('compare failed');
    expect({ ...a.right, ms: 0 }).to.deep.equal({ ...b.right, ms: 0 });
    expect(events.filter((e) => e.startsWith('prepare'))).to.deep.equal(['prepare ref', 'prepare cand']);
    expect(events.filter((e) => e.startsWith('run'))).to.have.length(6);
    expect(events.slice(-2)).to.deep.equal(['dispose ref', 'dispose cand']);
    // A failing run still disposes both sessions.
    events.length = 0;
    const bad = await compareModels(m, c, [{ label: 'x', feeds: {} }, { label: 'y', feeds: {} }], { runner: counting });
    expect(bad._tag).to.equal('Left');
    expect(events.slice(-2)).to.deep.equal(['dispose ref', 'dispose cand']);
  });

  it('a tight tolerance fails with one line per failing sample and output', async () => {
    const m = chainModel(3);
    const r = await compareModels(m, converted(m), await randomFeedSets(m, { samples: 2 }), { tolerance: { atol: 1e-6, rtol: 0 } });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.passed).to.equal(false);
    expect(r.right.failures).to.have.length(2);
    expect(r.right.failures[0]!.reason).to.match(/^\d+ of 256 elements beyond atol 0.000001 \+ rtol 0·\|ref\| \(max \|err\| [\d.e+-]+\)$/);
  });

  it('non-finite outputs fail even without a tolerance (the FP16 power spectrum of int16 audio)', async () => {
    const m = spectrumModel();
    const r = await compareModels(m, converted(m), [{ label: 'loud', feeds: audioFeeds(4096, 1, 20000) }]);
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(r.right.passed).to.equal(false);
    expect(r.right.outputs['Y']!.nonFinite.introduced).to.be.greaterThan(1000);
    expect(r.right.failures[0]!.reason).to.match(/non-finite value\(s\) where the reference is finite/);
    // Quiet audio stays in range: the same model passes.
    const q = await compareModels(m, converted(m), [{ label: 'quiet', feeds: audioFeeds(4096, 1, 100) }]);
    if (q._tag === 'Left') throw new Error(q.left.message);
    expect(q.right.passed).to.equal(true);
  });

  it('uses the given runners (reference and candidate apart) and converts feeds to the candidate input dtypes', async () => {
    const m = chainModel(2);
    const c = converted(m);
    const seen: string[] = [];
    const spy = (name: string, inner: ModelRunner): ModelRunner => ({
      name,
      run: async (model, feeds) => {
        seen.push(`${name}:${Object.values(feeds).map((t) => t.dtype).join(',')}`);
        return inner.run(model, feeds);
      },
    });
    const r = await compareModels(m, c, await randomFeedSets(m), { runner: spy('ref', executorRunner({ backend: 'cpu' })), candidateRunner: spy('cand', executorRunner()) });
    if (r._tag === 'Left') throw new Error(r.left.message);
    expect(seen).to.deep.equal(['ref:1', 'cand:10']);
    expect(r.right.runtime).to.equal('ref (reference), cand (candidate)');
  });

  it('reports why it cannot compare: no samples, a failing run, a missing output', async () => {
    const m = chainModel(1);
    const none = await compareModels(m, m, []);
    expect(none._tag === 'Left' && none.left._tag).to.equal('NoSamples');
    const bad = await compareModels(m, m, [{ label: 'wrong', feeds: { X: floatTensor([2], [1, 2]) } }]);
    expect(bad._tag === 'Left' && bad.left._tag).to.equal('RunFailed');
    expect(bad._tag === 'Left' && bad.left.message).to.match(/^reference model on wrong: /);
    const other = cloneModel(m);
    other.graph.outputs[0]!.name = 'Z';
    const miss = await compareModels(m, other, await randomFeedSets(m));
    expect(miss._tag === 'Left' && miss.left._tag).to.equal('OutputMissing');
    expect(miss._tag === 'Left' && miss.left.message).to.match(/candidate model has no output 'Y' \(its outputs: Z\)/);
  });

  it('feedsFor rounds float feeds once to the input dtypes', () => {
    const m = chainModel(1);
    const c = converted(m);
    const x: Tensor = floatTensor([8, 32], new Float32Array(256).fill(1 / 3));
    const f = feedsFor(c, { X: x });
    expect(f['X']!.dtype).to.equal(c.graph.inputs[0]!.dtype);
    expect(feedsFor(m, { X: x })['X']).to.equal(x);
  });
});

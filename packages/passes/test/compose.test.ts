import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { definePass, fixpoint, repeat, runPipeline, sequential } from '../src/index.js';
import { ctxOf, smallModel } from './helpers.js';

/** Changes the model the first `n` times it runs in one pipeline run (counts in the model). */
function countdown(n: number) {
  return definePass({
    name: 'countdown', description: 'x', optLevel: 0,
    run(model) {
      const left = Number(model.metadataProps.get('left') ?? String(n));
      if (left === 0) return { modified: false };
      model.metadataProps.set('left', String(left - 1));
      return { modified: true };
    },
  })();
}

describe('sequential, repeat, fixpoint', () => {
  it('repeat<N> runs the body exactly N times', () => {
    const m = smallModel();
    const r = runPipeline(m, repeat([countdown(10)], { steps: 3 }), ctxOf());
    expect(r).to.deep.equal(E.right({ modified: true }));
    expect(m.metadataProps.get('left')).to.equal('7');
  });

  it('fixpoint stops after the first unchanged iteration', () => {
    const m = smallModel();
    let runs = 0;
    const counting = definePass({ name: 'count-runs', description: 'x', optLevel: 0, run: () => { runs++; return { modified: false }; } })();
    const ctx = ctxOf();
    const r = runPipeline(m, fixpoint([countdown(4), counting]), ctx);
    expect(r).to.deep.equal(E.right({ modified: true }));
    expect(m.metadataProps.get('left')).to.equal('0');
    expect(runs).to.equal(5);
    expect(ctx.diagnostics).to.deep.equal([]);
  });

  it('fixpoint warns when the cap is reached', () => {
    const ctx = ctxOf();
    runPipeline(smallModel(), fixpoint([countdown(100)], { maxIterations: 3 }), ctx);
    expect(ctx.diagnostics.map((d) => d.code)).to.deep.equal(['fixpoint-not-reached']);
    expect(ctx.diagnostics[0]!.message).to.match(/after 3 iterations; raise the cap with fixpoint<N>/);
  });

  it('sequential reports unmodified when no child changed anything', () => {
    const noop = definePass({ name: 'n', description: 'x', optLevel: 0, run: () => ({ modified: false }) });
    expect(runPipeline(smallModel(), sequential('s', [noop(), noop()]), ctxOf())).to.deep.equal(E.right({ modified: false }));
    expect(sequential('s', []).info).to.deep.equal({ name: 's', description: 'Runs nothing', optLevel: 0, composite: true });
  });

  it('rejects a non-positive step count', () => {
    expect(() => repeat([], { steps: 0 })).to.throw(/positive integer/);
  });
});

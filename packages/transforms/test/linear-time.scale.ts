import { expect } from 'chai';
import { DataType, GraphBuilder, attr, cloneModel, floatTensor, type Model, type Value } from '@mixprec/ir';
import { createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { transformAliases, transformPasses } from '../src/index.js';

const registry = createPassRegistry({ passes: transformPasses, aliases: transformAliases });

/**
 * A long chain with work for every pass on every step: a duplicate Relu, an Identity, an fp16
 * round trip plus an exact fp16→fp32→fp64 chain, a Constant, and a dead node. 9 nodes per step.
 */
function chain(steps: number): Model {
  const b = new GraphBuilder();
  const t = (dt: DataType) => ({ kind: 'tensor' as const, dtype: dt, shape: [4] });
  let v: Value = b.input('X', DataType.FLOAT, [4]);
  for (let i = 0; i < steps; i++) {
    const r1 = b.op1('Relu', [v], { type: t(DataType.FLOAT) });
    const r2 = b.op1('Relu', [v], { type: t(DataType.FLOAT) });
    const id = b.op1('Identity', [r2], { type: t(DataType.FLOAT) });
    const h = b.op1('Cast', [id], { attrs: { to: attr.int(DataType.FLOAT16) }, type: t(DataType.FLOAT16) });
    const f = b.op1('Cast', [h], { attrs: { to: attr.int(DataType.FLOAT) }, type: t(DataType.FLOAT) });
    const d = b.op1('Cast', [f], { attrs: { to: attr.int(DataType.DOUBLE) }, type: t(DataType.DOUBLE) });
    b.op1('Neg', [d], { type: t(DataType.DOUBLE) });
    const k = b.op1('Constant', [], { attrs: { value: attr.tensor(floatTensor([4], [1, 2, 3, 4])) }, type: t(DataType.FLOAT) });
    v = b.op1('Add', [r1, f], { type: t(DataType.FLOAT) });
    v = b.op1('Mul', [v, k], { type: t(DataType.FLOAT) });
  }
  b.output(v, 'Y');
  return b.model();
}

function timePipeline(m: Model, pipeline: string): number {
  const pass = registry.parse(pipeline);
  const ctx = createPassContext({ registry, report: () => undefined });
  if (pass._tag === 'Left' || ctx._tag === 'Left') throw new Error('setup');
  const t0 = performance.now();
  const r = runPipeline(m, pass.right, ctx.right);
  const ms = performance.now() - t0;
  if (r._tag === 'Left') throw new Error(r.left.message);
  return ms;
}

/** Best of three runs, each on a fresh copy (the machine is shared: single timings are noisy). */
function bestOf3(m: Model, p: string): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const c = cloneModel(m);
    if (p.includes('to-constant')) timePipeline(c, 'constant-to-initializer');
    best = Math.min(best, timePipeline(c, p));
  }
  return best;
}

// Timing-based, so not part of `npm test`: run with `npm run test:scale`.
describe('scaling: every pass is (near) linear in the graph size', function () {
  this.timeout(300000);
  const PIPELINES = ['dce', 'cse', 'eliminate-identity', 'topo-sort', 'constant-to-initializer', 'cast-cleanup', 'constant-to-initializer{direction=to-constant}'];
  let small: Model;
  let large: Model;
  before(() => {
    small = chain(1000);
    large = chain(8000);
    for (const p of PIPELINES) timePipeline(cloneModel(small), p); // JIT warm-up
  });
  for (const p of PIPELINES) {
    it(`${p}: 8× the nodes (72k) take well under 64× the time`, () => {
      const ts = bestOf3(small, p);
      const tl = bestOf3(large, p);
      // Linear is 8×; quadratic would be 64×. Allow 20× for GC and cache effects.
      expect(tl, `${p}: ${ts.toFixed(1)} ms → ${tl.toFixed(1)} ms`).to.be.lessThan(Math.max(20 * ts, 200));
    });
  }
});

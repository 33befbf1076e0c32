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

describe('scaling: every pass is (near) linear in the graph size', function () {
  this.timeout(120000);
  const PIPELINES = ['dce', 'cse', 'eliminate-identity', 'topo-sort', 'constant-to-initializer', 'cast-cleanup', 'constant-to-initializer{direction=to-constant}'];
  let small: Model;
  let large: Model;
  before(() => {
    small = chain(1000);
    large = chain(4000);
    // Warm up the JIT on every pass first, so the small run is not charged for compilation.
    for (const p of PIPELINES) timePipeline(cloneModel(small), p);
  });
  for (const p of PIPELINES) {
    it(`${p}: 4× the nodes (36k) take well under 16× the time`, () => {
      const prep = (m: Model): Model => {
        const c = cloneModel(m);
        if (p.includes('to-constant')) timePipeline(c, 'constant-to-initializer');
        return c;
      };
      const ts = Math.min(timePipeline(prep(small), p), timePipeline(prep(small), p));
      const tl = timePipeline(prep(large), p);
      expect(tl, `${p}: ${ts.toFixed(1)} ms → ${tl.toFixed(1)} ms`).to.be.lessThan(Math.max(8 * ts, 300));
    });
  }
});

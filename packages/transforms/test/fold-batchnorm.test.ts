import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import path from 'node:path';
import {
  DataType, GraphBuilder, Tensor, attr, cloneModel, floatTensor, structuralHash, tensorToFloat64, tensorType, verify, walkNodes,
  type Model, type Value,
} from '@mixprec/ir';
import { runModel } from '@mixprec/executor-tfjs';
import { createModifiedCheckInstrument, createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { REAL_MODELS, mulberry32, randomFeeds } from '@mixprec/testing';
import { float64ToFloat16Bits, foldBatchnorm, transformPasses } from '../src/index.js';
import { load, maxDiff, modelFile, ortFeeds, runOrt } from './real-models.js';

const registry = createPassRegistry({ passes: transformPasses });

function runText(m: Model, pipeline: string): boolean {
  const p = registry.parse(pipeline);
  if (E.isLeft(p)) throw new Error(p.left.message);
  const ctx = createPassContext({ registry, verifyEach: true, instruments: [createModifiedCheckInstrument()] });
  if (E.isLeft(ctx)) throw new Error(ctx.left.message);
  const r = runPipeline(m, p.right, ctx.right);
  if (E.isLeft(r)) throw new Error(String(r.left.cause));
  return r.right.modified;
}

const bnCount = (m: Model): number => [...walkNodes(m)].filter((n) => n.opType === 'BatchNormalization').length;

const rng = mulberry32(11);
const uniform = (n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => lo + (hi - lo) * rng());

/** A BN with realistic random parameters (or PaddleOCR-like ones: variance up to 1e8, mean up to 600). */
function bn(b: GraphBuilder, x: Value, c: number, huge = false): Value {
  const g = b.initializer('gamma', floatTensor([c], uniform(c, 0.5, 1.5)));
  const be = b.initializer('beta', floatTensor([c], uniform(c, -1, 1)));
  const mean = b.initializer('mean', floatTensor([c], huge ? uniform(c, -600, 300) : uniform(c, -1, 1)));
  const v = b.initializer('var', floatTensor([c], huge ? uniform(c, 1e7, 1e8) : uniform(c, 0.05, 2)));
  return b.op1('BatchNormalization', [x, g, be, mean, v], { attrs: { epsilon: attr.float(1e-5) } });
}

/** Largest |a − b| relative to the largest |a| over all outputs, on the reference executor (4 seeds). */
async function relError(a: Model, b: Model): Promise<number> {
  let worst = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const feeds = randomFeeds(a, seed);
    const ra = await runModel(a, feeds, { backend: 'cpu' });
    const rb = await runModel(b, feeds, { backend: 'cpu' });
    if (E.isLeft(ra) || E.isLeft(rb)) throw new Error('executor failed');
    for (const [k, t] of Object.entries(ra.right.outputs)) {
      const x = tensorToFloat64(t);
      const y = tensorToFloat64(rb.right.outputs[k]!);
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < x.length; i++) {
        scale = Math.max(scale, Math.abs(x[i]!));
        diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
      }
      worst = Math.max(worst, diff / scale);
    }
  }
  return worst;
}

type Build = (b: GraphBuilder, x: Value) => Value;

/**
 * Cases with general parameters. The fold reassociates float32 arithmetic
 * (`s·(conv(x, W) + B − mean) + beta` → `conv(x, s·W) + (s·(B − mean) + beta)`), so outputs
 * differ in the last bits: the tolerance is 1e-5 of the output's largest magnitude (measured:
 * 0.8–2.1e-7 here, 0.9e-7 with PaddleOCR-like statistics: variance 1e8, mean 600).
 */
const CASES: readonly [string, readonly number[], Build, number][] = [
  ['Conv with bias, pads and strides', [2, 3, 7, 7], (b, x) => bn(b, b.op1('Conv', [x, b.initializer('W', floatTensor([4, 3, 3, 3], uniform(108, -1, 1))), b.initializer('B', floatTensor([4], uniform(4, -1, 1)))], { attrs: { pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 2]) } }), 4), 1e-5],
  ['grouped Conv without bias', [1, 4, 5, 5], (b, x) => bn(b, b.op1('Conv', [x, b.initializer('W', floatTensor([6, 2, 3, 3], uniform(108, -1, 1)))], { attrs: { group: attr.int(2) } }), 6), 1e-5],
  ['ConvTranspose, group 2, then a per-channel Add', [1, 4, 3, 3], (b, x) => {
    const t = b.op1('ConvTranspose', [x, b.initializer('W', floatTensor([4, 3, 2, 2], uniform(48, -1, 1)))], { attrs: { group: attr.int(2), strides: attr.ints([2, 2]) } });
    return bn(b, b.op1('Add', [t, b.initializer('bias', floatTensor([1, 6, 1, 1], uniform(6, -1, 1)))]), 6);
  }, 1e-5],
  ['Conv then Sub of a per-channel constant', [1, 3, 4, 4], (b, x) => {
    const c = b.op1('Conv', [x, b.initializer('W', floatTensor([2, 3, 1, 1], uniform(6, -1, 1)))]);
    return bn(b, b.op1('Sub', [c, b.initializer('k', floatTensor([2, 1, 1], uniform(2, -1, 1)))]), 2);
  }, 1e-5],
  ['Gemm transB=1 with C [N] and beta 0.5', [3, 5], (b, x) => bn(b, b.op1('Gemm', [x, b.initializer('W', floatTensor([4, 5], uniform(20, -1, 1))), b.initializer('C', floatTensor([4], uniform(4, -1, 1)))], { attrs: { transB: attr.int(1), beta: attr.float(0.5) } }), 4), 1e-5],
  ['Gemm transB=0 with C [M, N] and alpha 2', [3, 5], (b, x) => bn(b, b.op1('Gemm', [x, b.initializer('W', floatTensor([5, 4], uniform(20, -1, 1))), b.initializer('C', floatTensor([3, 4], uniform(12, -1, 1)))], { attrs: { alpha: attr.float(2) } }), 4), 1e-5],
  ['Gemm with a scalar C', [3, 5], (b, x) => bn(b, b.op1('Gemm', [x, b.initializer('W', floatTensor([5, 4], uniform(20, -1, 1))), b.initializer('C', floatTensor([], [0.25]))]), 4), 1e-5],
  ['Conv with PaddleOCR-like statistics (variance 1e7–1e8)', [1, 3, 6, 6], (b, x) => bn(b, b.op1('Conv', [x, b.initializer('W', floatTensor([4, 3, 3, 3], uniform(108, -30, 30)))]), 4, true), 1e-5],
];

describe('fold-batchnorm', () => {
  for (const [name, shape, build, tol] of CASES) {
    it(`${name}: the BN is gone and outputs agree within ${tol} of their magnitude`, async () => {
      const b = new GraphBuilder();
      const x = b.input('X', DataType.FLOAT, shape);
      b.output(build(b, x), 'Y').type = tensorType(DataType.FLOAT);
      const original = b.model({ opset: 17 });
      const folded = cloneModel(original);
      expect(runText(folded, 'fold-batchnorm')).to.equal(true);
      expect(bnCount(folded)).to.equal(0);
      expect(verify(folded).filter((d) => d.severity === 'error')).to.deep.equal([]);
      expect(await relError(original, folded)).to.be.at.most(tol);
      const h = structuralHash(folded);
      expect(runText(folded, 'fold-batchnorm')).to.equal(false);
      expect(structuralHash(folded)).to.equal(h);
    });
  }

  it('standalone=true: a BN after a Relu becomes Mul + Add with the same outputs (1e-6)', async () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2, 3, 4, 4]);
    const r = b.op1('Relu', [x], { type: tensorType(DataType.FLOAT, [2, 3, 4, 4]) });
    b.output(bn(b, r, 3), 'Y').type = tensorType(DataType.FLOAT);
    const original = b.model({ opset: 17 });
    const kept = cloneModel(original);
    expect(runText(kept, 'fold-batchnorm')).to.equal(false);
    const folded = cloneModel(original);
    expect(runText(folded, 'fold-batchnorm{standalone=true}')).to.equal(true);
    expect([...walkNodes(folded)].map((n) => n.opType)).to.deep.equal(['Relu', 'Mul', 'Add']);
    expect(await relError(original, folded)).to.be.at.most(1e-6);
  });

  it('FLOAT16 weights: computed in float64, stored as FLOAT16 rounded once', () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT16, [1, 2, 3, 3]);
    const w16 = Uint16Array.from(uniform(8, -2, 2), (v) => float64ToFloat16Bits(Float64Array.of(v))[0]!);
    const w = b.initializer('W', Tensor.of(DataType.FLOAT16, [4, 2, 1, 1], w16));
    const params = [uniform(4, 0.5, 1.5), uniform(4, -1, 1), uniform(4, -1, 1), uniform(4, 0.05, 2)];
    const [g, be, mu, v] = params.map((p, i) => b.initializer(`p${i}`, Tensor.of(DataType.FLOAT16, [4], float64ToFloat16Bits(Float64Array.from(p)))));
    b.output(b.op1('BatchNormalization', [b.op1('Conv', [x, w]), g!, be!, mu!, v!]), 'Y').type = tensorType(DataType.FLOAT16);
    const m = b.model({ opset: 17 });
    runText(m, 'fold-batchnorm');
    const conv = [...walkNodes(m)][0]!;
    const newW = conv.inputs[1]!.constValue!;
    const newB = conv.inputs[2]!.constValue!;
    expect([newW.dtype, newB.dtype]).to.deep.equal([DataType.FLOAT16, DataType.FLOAT16]);
    const dec = (vals: Value): Float64Array => tensorToFloat64(vals.constValue!);
    const [G, BE, MU, V] = [g!, be!, mu!, v!].map(dec) as [Float64Array, Float64Array, Float64Array, Float64Array];
    const s = G.map((x, i) => x / Math.sqrt(V[i]! + Math.fround(1e-5)));
    const W0 = tensorToFloat64(Tensor.of(DataType.FLOAT16, [4, 2, 1, 1], w16));
    expect(Array.from(newW.data as Uint16Array)).to.deep.equal(Array.from(float64ToFloat16Bits(W0.map((x, i) => x * s[Math.floor(i / 2)]!))));
    expect(Array.from(newB.data as Uint16Array)).to.deep.equal(Array.from(float64ToFloat16Bits(s.map((x, i) => x * (0 - MU[i]!) + BE[i]!))));
  });

  describe('PaddleOCR (acceptance: fold-batchnorm,fold-constants removes every BatchNormalization)', () => {
    for (const spec of REAL_MODELS.filter((r) => r.spec.includes('ocr-models'))) {
      const file = modelFile(spec);
      const title = path.basename(spec.spec);
      if (file === undefined) {
        it.skip(`${title} (not installed)`);
        continue;
      }
      it(`${title}: no BatchNormalization left, verifier clean, onnxruntime outputs (and the detector's logits) within 1e-5`, async () => {
        const original = load(file);
        const folded = cloneModel(original);
        expect(bnCount(original)).to.be.greaterThan(0);
        runText(folded, 'fold-batchnorm,fold-constants');
        expect(bnCount(folded)).to.equal(0);
        expect(verify(folded).filter((d) => d.severity === 'error')).to.deep.equal([]);
        const feeds = ortFeeds(spec);
        const d = maxDiff(await runOrt(original, feeds), await runOrt(folded, feeds));
        // Probabilities: 1e-5 of their magnitude, at least 1e-6 absolute.
        expect(d.abs).to.be.at.most(1e-5 * Math.max(d.scale, 0.1));
        // The detector ends in a Sigmoid, which hides errors in saturated logits: compare the logits too.
        if (title.includes('det')) {
          const expose = (m: Model): Model => {
            const c = cloneModel(m);
            const sig = [...walkNodes(c)].find((n) => n.opType === 'Sigmoid')!;
            c.graph.addOutput(sig.inputs[0]!);
            return c;
          };
          const l = maxDiff(await runOrt(expose(original), feeds), await runOrt(expose(folded), feeds));
          expect(l.abs).to.be.at.most(1e-5 * l.scale);
        }
        expect(runText(folded, 'fold-batchnorm')).to.equal(false);
        // Unused as fold-batchnorm's options: the standalone form is not needed here.
        expect(foldBatchnorm.defaults.standalone).to.equal(false);
      });
    }
  });
});

import { expect } from 'chai';
import { cloneModel, floatTensor, type Model, type Tensor } from '@mixprec/ir';
import {
  UNBOUNDED, castFp32ToFp16, localizeDivergence, observedRun, valueError, type LocalizationReport, type LocalizeOptions,
} from '../src/index.js';
import { cancellationModel, chainModel, feedX, overflowModel, steepSigmoidModel } from './validate-models.js';

async function localize(m: Model, feeds: Record<string, Tensor>, options: LocalizeOptions = {}, keepIoTypes = true): Promise<LocalizationReport> {
  const c = cloneModel(m);
  castFp32ToFp16(c, { keepIoTypes });
  const r = await localizeDivergence(m, c, feeds, options);
  if (r._tag === 'Left') throw new Error(r.left);
  return r.right;
}

describe('validate: divergence localisation', () => {
  it('names the planted culprit: the node that overflows, not the nodes that carry its inf', async () => {
    const r = await localize(overflowModel(), feedX([1, 16], 1, 0, 1));
    expect(r.rootCauses.map((c) => c.node)).to.deep.equal(['planted']);
    const c = r.rootCauses[0]!;
    expect(c.kind).to.equal('root-cause');
    expect(c.opType).to.equal('Mul');
    expect(c.outputs[0]!.nonFinite).to.be.greaterThan(0);
    expect(c.outputs[0]!.error).to.equal(UNBOUNDED);
    expect(c.inputError).to.be.lessThan(1e-3); // its input (the MatMul output) still agrees
    expect(c.replayed).to.equal(true);
    expect(c.localError).to.equal(UNBOUNDED); // alone on reference inputs it overflows too
    expect(c.reason).to.match(/produces non-finite values while its inputs agree; non-finite alone too/);
    expect(r.firstDivergent!.node).to.equal('planted');
    // The symptoms downstream diverge too, but are not named.
    expect(r.values.find((v) => v.name === 'unscale_out')!.error).to.equal(UNBOUNDED);
    expect(r.values.find((v) => v.name === 'proj_out')!.error).to.be.lessThan(1e-3);
    expect(r.outputs).to.deep.equal([{ name: 'Y', error: UNBOUNDED, nonFinite: 16 }]);
    expect(r.runs).to.equal(2);
    expect(r.replays).to.equal(1);
  });

  it('tells an amplifier from a cause: a steep Sigmoid magnifies the rounding of its logits but is accurate alone', async () => {
    const r = await localize(steepSigmoidModel(), feedX([256, 16], 2));
    expect(r.outputs[0]!.error).to.be.greaterThan(1e-2);
    expect(r.rootCauses).to.deep.equal([]);
    expect(r.amplifiers.map((a) => a.node)).to.deep.equal(['sig']);
    expect(r.amplifiers[0]!.localError).to.be.lessThan(1e-3);
    expect(r.amplifiers[0]!.reason).to.match(/it amplifies the error of its inputs/);
  });

  it('a cancelling Sub after a 16-bit rounding is a root cause; replay off names it from the comparison alone', async () => {
    const feeds = feedX([1, 64], 3);
    const r = await localize(cancellationModel(), feeds);
    expect(r.rootCauses.map((c) => c.node)).to.deep.equal(['unshift']);
    expect(r.rootCauses[0]!.localError).to.be.greaterThan(0.1);
    const plain = await localize(cancellationModel(), feeds, { replay: false });
    expect(plain.rootCauses.map((c) => [c.node, c.replayed])).to.deep.equal([['unshift', false]]);
    expect(plain.replays).to.equal(0);
  });

  it('spread-out rounding error has no root cause; the threshold is what "diverges" means', async () => {
    const feeds = feedX([8, 32], 4);
    const r = await localize(chainModel(), feeds);
    expect(r.rootCauses).to.deep.equal([]);
    expect(r.firstDivergent).to.equal(undefined);
    expect(r.outputs[0]!.error).to.be.within(1e-4, 1e-2);
    const strict = await localize(chainModel(), feeds, { threshold: 1e-5, limit: 2 });
    expect(strict.rootCauses.length).to.be.within(1, 2);
    expect(strict.firstDivergent).to.not.equal(undefined);
  });

  it('replayAll gives every node its own error; with FP16 inputs the graph input is compared too', async () => {
    const r = await localize(chainModel(2), feedX([8, 32], 4), { replayAll: true }, false);
    expect(r.local!.map((l) => l.node)).to.deep.equal(['mm0', 'act0', 'mm1', 'act1']);
    for (const l of r.local!) expect(l.error).to.be.lessThan(2e-3);
    expect(r.values[0]!.name).to.equal('X');
    expect(r.values[0]!.error).to.be.greaterThan(0).and.lessThan(5e-4); // one FP16 rounding
  });

  it('a saturated mask sentinel is no divergence (float32 lowest → −65504 still masks)', () => {
    const lowest = -3.4028234663852886e38;
    const ref = floatTensor([4], [0.5, lowest, 2, lowest]);
    expect(valueError(ref, floatTensor([4], [0.5, -65504, 2, -65504])).error).to.equal(0);
    expect(valueError(ref, floatTensor([4], [0.5, -60000, 2.001, -65504])).error).to.equal(1); // a sentinel lost
    expect(valueError(ref, floatTensor([4], [0.5, -65504, 2.002, -65504])).error).to.be.closeTo(0.001, 1e-6);
  });

  it('uses given runs instead of running again', async () => {
    const m = overflowModel();
    const feeds = feedX([1, 16], 1, 0, 1);
    const first = await localize(m, feeds);
    const c = cloneModel(m);
    castFp32ToFp16(c, { keepIoTypes: true });
    const ref = await observedRun(m, feeds, undefined, { keepIntermediates: true });
    const cand = await observedRun(c, feeds, undefined, { keepIntermediates: true });
    if (ref._tag === 'Left') throw new Error(ref.left);
    if (cand._tag === 'Left') throw new Error(cand.left);
    const r = await localizeDivergence(m, c, feeds, { referenceRun: ref.right, candidateRun: cand.right });
    if (r._tag === 'Left') throw new Error(r.left);
    expect(r.right.runs).to.equal(0);
    expect(r.right.rootCauses.map((x) => x.node)).to.deep.equal(first.rootCauses.map((x) => x.node));
  });
});

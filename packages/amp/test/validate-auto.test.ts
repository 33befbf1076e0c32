import { expect } from 'chai';
import { GraphBuilder, cloneModel, printModel, tensorType, DataType, floatTensor, type Model, type Tensor } from '@mixprec/ir';
import {
  autoMixedPrecision, compareModels, type AutoOptions, type AutoProgress, type AutoReport, type Tolerance,
} from '../src/index.js';
import { cancellationModel, chainModel, feedX, overflowModel } from './validate-models.js';

async function auto(m: Model, feeds: Record<string, Tensor>, tol: Tolerance, options: AutoOptions = {}, events?: AutoProgress[]): Promise<AutoReport> {
  return autoMixedPrecision(m, [{ label: 'sample', feeds }], tol, options, events === undefined ? undefined : (p) => events.push(p));
}

/** Re-checks the converted model against the FP32 original on the same data. */
async function holds(orig: Model, conv: Model, feeds: Record<string, Tensor>, tol: Tolerance): Promise<boolean> {
  const r = await compareModels(orig, conv, [{ label: 'sample', feeds }], { tolerance: tol });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right.passed;
}

describe('validate: automatic mixed precision', () => {
  it('an overflow: localisation finds the node, then its consumer (the inf must not reach a 16-bit input)', async () => {
    const orig = overflowModel();
    const m = cloneModel(orig);
    const feeds = feedX([1, 16], 1, 0, 1);
    const tol = { atol: 1e-2, rtol: 0 };
    const events: AutoProgress[] = [];
    const r = await auto(m, feeds, tol, { calibration: false }, events);
    expect(r.passed).to.equal(true);
    expect(r.attempts.map((a) => [a.kind, a.added, a.passed])).to.deep.equal([
      ['aggressive', [], false], ['root-causes', ['planted'], false], ['root-causes', ['unscale'], true],
    ]);
    expect(r.attempts[0]!.worst.nonFinite).to.equal(16);
    expect(r.blocked.map((b) => [b.node, b.opType, b.reason])).to.deep.equal([['planted', 'Mul', 'overflow'], ['unscale', 'Div', 'overflow']]);
    expect(r.runs).to.equal(4); // reference + three attempts; no un-blocking of overflows
    expect(r.weights16).to.be.greaterThan(0.99);
    expect(r.amp!.nodes.filter((n) => !n.converted).map((n) => n.name)).to.deep.equal(['planted', 'unscale']);
    expect(await holds(orig, m, feeds, tol)).to.equal(true); // the model was rewritten in place
    expect(events.map((e) => e.phase)).to.include.members(['reference', 'attempt', 'localize', 'final']);
    expect(events.every((e) => e.maxRuns === 30 && e.runs <= 4)).to.equal(true);
  });

  it('with calibration (the default) the reference runs already show the overflow: the first attempt passes', async () => {
    const m = overflowModel();
    const r = await auto(m, feedX([1, 16], 1, 0, 1), { atol: 1e-2, rtol: 0 });
    expect(r.passed).to.equal(true);
    expect(r.attempts).to.have.length(1);
    expect(r.blocked).to.deep.equal([]);
    expect(r.calibrationKept.map((k) => k.node)).to.deep.equal(['planted', 'unscale']);
    expect(r.runs).to.equal(2);
  });

  it('a cancellation: the float32 region grows upstream until the value reaches the Sub unrounded', async () => {
    const orig = cancellationModel();
    const m = cloneModel(orig);
    const feeds = feedX([1, 64], 3);
    const tol = { atol: 1e-2, rtol: 0 };
    const r = await auto(m, feeds, tol, { calibration: false });
    expect(r.passed).to.equal(true);
    expect(r.blocked.map((b) => b.node).sort()).to.deep.equal(['keep', 'shift', 'unshift']);
    expect(r.attempts.map((a) => a.kind)).to.deep.equal(['aggressive', 'root-causes', 'root-causes', 'floor', 'accuracy', 'unblock', 'unblock']);
    expect(r.attempts.filter((a) => a.kind === 'unblock').every((a) => !a.passed)).to.equal(true); // all three are needed
    expect(r.amp!.nodes.find((n) => n.name === 'gain')!.converted).to.equal(true);
    expect(await holds(orig, m, feeds, tol)).to.equal(true);
  });

  it('spread-out error: keeps the nodes where it grows most, gives back what is not needed, deterministically', async () => {
    const feeds = feedX([8, 32], 4);
    const tol = { atol: 1.5e-3, rtol: 0 };
    const orig = chainModel();
    const a = cloneModel(orig);
    const r = await auto(a, feeds, tol, { keepIoTypes: true, calibration: false });
    expect(r.passed).to.equal(true);
    expect(r.attempts[0]!.passed).to.equal(false);
    expect(r.attempts.some((x) => x.kind === 'accuracy')).to.equal(true);
    expect(r.attempts.some((x) => x.kind === 'unblock' && x.passed)).to.equal(true);
    expect(r.blocked.length).to.be.within(1, 8);
    expect(r.blocked.every((b) => b.reason === 'accuracy')).to.equal(true);
    expect(r.runs).to.be.at.most(30);
    expect(r.weights16).to.be.greaterThan(0.5);
    expect(await holds(orig, a, feeds, tol)).to.equal(true);
    const b = cloneModel(orig);
    const again = await auto(b, feeds, tol, { keepIoTypes: true, calibration: false });
    expect(again.blocked).to.deep.equal(r.blocked);
    expect(printModel(b)).to.equal(printModel(a));
  });

  it('stops early when even all-float32 compute misses the tolerance (16-bit IO alone), leaving the model unchanged', async () => {
    const m = chainModel();
    const before = printModel(m);
    const r = await auto(m, feedX([8, 32], 4), { atol: 2e-4, rtol: 0 }, { calibration: false });
    expect(r.passed).to.equal(false);
    expect(r.attempts.map((x) => x.kind)).to.deep.equal(['aggressive', 'floor']);
    expect(r.summary).to.match(/^unreachable: even with every node in float32 Y error is [\d.]+e-4 \([\d.]+× the tolerance\).*keep the IO types/);
    expect(r.amp).to.equal(undefined);
    expect(printModel(m)).to.equal(before);
  });

  it('honours the run budget and the 16-bit weight floor', async () => {
    const feeds = feedX([8, 32], 4);
    const few = await auto(chainModel(), feeds, { atol: 1.5e-3, rtol: 0 }, { keepIoTypes: true, calibration: false, maxRuns: 4 });
    expect(few.passed).to.equal(false);
    expect(few.runs).to.be.at.most(4);
    expect(few.summary).to.match(/within 4 runs/);
    const floor = await auto(chainModel(), feeds, { atol: 1e-4, rtol: 0 }, { keepIoTypes: true, calibration: false, minWeights16: 0.9 });
    expect(floor.passed).to.equal(false);
    expect(floor.summary).to.match(/needs more than 10 % of the weights in float32 \(minWeights16 = 0\.9\)/);
    expect(floor.attempts.every((x) => x.weights16 >= 0.9 || x.kind === 'floor')).to.equal(true);
  });

  it('names unnamed nodes so that it can block them', async () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [1, 4]);
    const k = b.initializer('K', floatTensor([], [3e4]));
    const y = b.op1('Div', [b.op1('Mul', [x, k]), k]);
    y.type = tensorType(DataType.FLOAT);
    b.output(y, 'Y');
    const m = b.model();
    for (const n of m.graph) n.name = '';
    const r = await auto(m, { X: floatTensor([1, 4], [1, 2, 3, 4]) }, { atol: 1, rtol: 0 }, { calibration: false });
    const names = [...m.graph].filter((n) => n.opType !== 'Cast').map((n) => n.name);
    expect(names).to.have.length(2);
    expect(names[0]).to.match(/^Mul(_\d+)?$/);
    expect(names[1]).to.match(/^Div(_\d+)?$/);
    expect(new Set(names).size).to.equal(2);
    expect(r.passed).to.equal(true);
    expect(r.blocked.map((x) => x.node)).to.deep.equal(names);
  });
});

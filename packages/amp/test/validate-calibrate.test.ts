import { expect } from 'chai';
import { cloneModel, floatTensor, type Model } from '@mixprec/ir';
import {
  RangeRecorder, castFp32ToFp16, collectRanges, compareModels, keptByCalibration, type CalibrationData, type FeedSet,
} from '../src/index.js';
import { audioFeeds, loopFeeds, loopModel, meanModel, spectrumModel, uniform } from './validate-models.js';

async function ranges(m: Model, sets: readonly FeedSet[], margin?: number): Promise<CalibrationData> {
  const r = await collectRanges(m, sets, margin === undefined ? {} : { margin });
  if (r._tag === 'Left') throw new Error(r.left);
  return r.right;
}

describe('validate: calibration', () => {
  it('records the range of every float value over all samples: inputs, node outputs, loop bodies per iteration', async () => {
    const m = loopModel();
    const progress: number[] = [];
    const r = await collectRanges(m, [{ label: 'a', feeds: loopFeeds(3, [1, -10]) }, { label: 'b', feeds: loopFeeds(2, [0.5, 4]) }], {
      onProgress: (done) => progress.push(done),
    });
    if (r._tag === 'Left') throw new Error(r.left);
    const cal = r.right;
    expect(progress).to.deep.equal([1, 2]);
    expect(cal.samples).to.equal(2);
    expect(cal.runs).to.equal(2);
    expect(cal.ranges.get('X')).to.deep.include({ min: -10, max: 4, absMax: 10 });
    // Body: body_mul = X·i for i = 0,1,2 (sample a) and 0,1 (sample b); s_out is the running sum.
    expect(cal.ranges.get('body_mul')).to.deep.include({ min: -20, max: 4, absMax: 20, count: 5 * 2 });
    expect(cal.ranges.get('s_out')).to.deep.include({ min: -30, max: 4, absMax: 30 });
    expect(cal.ranges.get('Y')).to.deep.include({ min: -30, max: 4 });
    expect(cal.ranges.has('M')).to.equal(false); // integers are not calibrated
  });

  it('RangeRecorder: non-finite values are counted apart; the shape is kept only while it does not change', () => {
    const rec = new RangeRecorder();
    rec.add('v', floatTensor([3], [1, -Infinity, NaN]));
    rec.add('v', floatTensor([3], [2, -3, 0]));
    rec.add('w', floatTensor([2], [1, 2]));
    rec.add('w', floatTensor([3], [1, 2, 3]));
    const r = rec.ranges();
    expect(r.get('v')).to.deep.equal({ min: -3, max: 2, absMax: 3, count: 6, nonFinite: 2, sentinels: 0, dims: [3] });
    expect(r.get('w')!.dims).to.equal(undefined);
  });

  it('mask sentinels (|x| ≥ 1e30) are counted apart: they saturate harmlessly in 16-bit and keep nothing in float32', () => {
    const rec = new RangeRecorder();
    rec.add('scores', floatTensor([4], [1.5, -3.4028234663852886e38, -2, -1e30]));
    expect(rec.ranges().get('scores')).to.deep.include({ min: -2, max: 1.5, absMax: 2, sentinels: 2 });
  });

  it('the acceptance case: an FP16 power spectrum of int16-amplitude audio overflows; calibration keeps Pow/Add/Log in float32', async () => {
    const m = spectrumModel();
    const calib = [1, 2, 3].map((s) => ({ label: `cal ${s}`, feeds: audioFeeds(4096, s, 20000) }));
    const held = [{ label: 'held-out', feeds: audioFeeds(4096, 9, 20000) }];
    const tol = { atol: 0.05, rtol: 0.01 };
    const plain = cloneModel(m);
    castFp32ToFp16(plain);
    const before = await compareModels(m, plain, held, { tolerance: tol });
    if (before._tag === 'Left') throw new Error(before.left.message);
    expect(before.right.passed).to.equal(false);
    expect(before.right.outputs['Y']!.nonFinite.introduced).to.be.greaterThan(1000);

    const cal = await ranges(m, calib);
    expect(cal.ranges.get('power_out')!.absMax).to.be.greaterThan(65504);
    expect(cal.ranges.get('frames_out')!.absMax).to.be.lessThan(32752);
    const fixed = cloneModel(m);
    const report = castFp32ToFp16(fixed, { calibration: cal });
    const kept = keptByCalibration(report);
    expect(kept.map((k) => k.node)).to.deep.equal(['power', 'floor', 'log']);
    expect(kept[0]!.reason).to.match(/'power_out' reaches \|x\| = [\d.]+e\+\d > 3\.275e\+4 on calibration data/);
    expect(report.nodes.find((n) => n.name === 'frames')!.converted).to.equal(true); // the Conv stays 16-bit
    const after = await compareModels(m, fixed, held, { tolerance: tol });
    if (after._tag === 'Left') throw new Error(after.left.message);
    expect(after.right.outputs['Y']!.nonFinite.got).to.equal(0);
    expect(after.right.passed, after.right.failures.map((f) => f.reason).join('; ')).to.equal(true);
  });

  it('the margin decides what is too close to the limit', async () => {
    const m = spectrumModel();
    const feeds = [{ label: 'a', feeds: audioFeeds(4096, 1, 20000) }];
    const tight = await ranges(m, feeds, 0.01); // |x| ≤ 655: the Conv output (~2.5e3) is too close, and the audio input
    const kept = keptByCalibration(castFp32ToFp16(cloneModel(m), { calibration: tight })).map((k) => k.node);
    expect(kept).to.deep.equal(['frames', 'power', 'floor', 'log']);
  });

  it('reductions whose partial sums would overflow stay float32, even when the dims are symbolic (observed shapes)', async () => {
    const m = meanModel();
    const x = floatTensor([2, 4096], uniform(2 * 4096, 3, 90, 110)); // mean ≈ 100, partial sums ≈ 4e5
    const cal = await ranges(m, [{ label: 'a', feeds: { X: x } }]);
    expect(cal.ranges.get('X')!.dims).to.deep.equal([2, 4096]);
    const report = castFp32ToFp16(cloneModel(m), { calibration: cal });
    const kept = keptByCalibration(report);
    expect(kept).to.have.length(1);
    expect(kept[0]!.node).to.equal('mean');
    expect(kept[0]!.reason).to.match(/partial sums of 'X' may reach 4\.5\d\de\+5 > 3\.275e\+4/);
    // Short rows: the same values, no overflow risk.
    const short = await ranges(m, [{ label: 'b', feeds: { X: floatTensor([2, 64], uniform(128, 3, 90, 110)) } }]);
    expect(keptByCalibration(castFp32ToFp16(cloneModel(m), { calibration: short }))).to.deep.equal([]);
  });

  it('needs at least one sample and says which one failed', async () => {
    const none = await collectRanges(spectrumModel(), []);
    expect(none._tag === 'Left' && none.left).to.match(/at least one/);
    const bad = await collectRanges(spectrumModel(), [{ label: 'short.npy', feeds: { X: floatTensor([1, 1, 10], new Float32Array(10)) } }]);
    expect(bad._tag === 'Left' && bad.left).to.match(/^calibration sample short\.npy: /);
  });
});

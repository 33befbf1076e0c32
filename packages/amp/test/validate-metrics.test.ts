import { expect } from 'chai';
import { DataType, Tensor, float32ToFloat16Bits, floatTensor } from '@mixprec/ir';
import { compareOutput, isClassifierLike } from '../src/index.js';

const f = (dims: number[], v: number[]): Tensor => floatTensor(dims, v);

describe('validate: output metrics', () => {
  it('absolute, relative, cosine and worst element', () => {
    const m = compareOutput(f([4], [1, -2, 0.5, 0]), f([4], [1.1, -2, 0.4, 0]));
    expect(m.maxAbs).to.be.closeTo(0.1, 1e-6);
    expect(m.meanAbs).to.be.closeTo(0.05, 1e-6);
    expect(m.maxRel).to.be.closeTo(0.2, 1e-6); // 0.1 / 0.5
    expect(m.meanRel).to.be.closeTo((0.1 + 0 + 0.2) / 3, 1e-6); // the zero reference is below the floor
    const dot = 1 * 1.1 + 4 + 0.2;
    expect(m.cosine).to.be.closeTo(dot / Math.sqrt(5.25 * (1.21 + 4 + 0.16)), 1e-6);
    expect(m.worst!.index).to.be.oneOf([0, 2]);
    expect(m.refAbsMax).to.equal(2);
    expect(m.passed).to.equal(true); // no tolerance: only non-finite values fail
    expect(m.violations).to.equal(0);
  });

  it('tolerance: |got − ref| ≤ atol + rtol·|ref| per element', () => {
    const ref = f([3], [1, 10, 100]);
    const got = f([3], [1.05, 10.5, 101]);
    const a = compareOutput(ref, got, { atol: 0.1, rtol: 0 });
    expect(a.violations).to.equal(2);
    expect(a.passed).to.equal(false);
    expect(a.worstRatio).to.be.closeTo(10, 1e-4);
    const b = compareOutput(ref, got, { atol: 0, rtol: 0.05 });
    expect(b.violations).to.equal(0);
    expect(b.passed).to.equal(true);
    expect(b.worstRatio).to.be.closeTo(1, 1e-4);
    const c = compareOutput(ref, got, { atol: 0.01, rtol: 0.04 });
    expect(c.violations).to.equal(1); // 10.5: 0.5 > 0.01 + 0.4
  });

  it('a non-finite value where the reference is finite fails whatever the tolerance', () => {
    const m = compareOutput(f([3], [1, 2, Infinity]), f([3], [1, Infinity, Infinity]), { atol: 1e9, rtol: 1 });
    expect(m.nonFinite).to.deep.equal({ ref: 1, got: 2, introduced: 1 });
    expect(m.passed).to.equal(false);
    expect(m.violations).to.equal(1);
    expect(m.worst).to.deep.equal({ index: 1, ref: 2, got: Infinity });
    const all = compareOutput(f([2], [1, 2]), f([2], [Infinity, NaN]));
    expect(all.cosine).to.equal(0); // nothing finite to agree on
    const none = compareOutput(f([2], [NaN, 1]), f([2], [0, 1]));
    expect(none.passed).to.equal(true); // the reference's own NaN is not the candidate's fault
    expect(none.nonFinite.ref).to.equal(1);
  });

  it('16-bit candidates are decoded exactly', () => {
    const ref = f([2], [1 / 3, 1000.1]);
    const got = Tensor.of(DataType.FLOAT16, [2], float32ToFloat16Bits(Float32Array.of(1 / 3, 1000.1)));
    const m = compareOutput(ref, got);
    expect(m.dtype).to.equal('FLOAT16');
    expect(m.maxAbs).to.be.closeTo(0.1, 1e-3); // 1000.1 → 1000 in fp16
    expect(m.maxAbs).to.be.greaterThan(0.09);
  });

  it('top-1 agreement for classifier-like outputs', () => {
    expect(isClassifierLike([1, 10])).to.equal(true);
    expect(isClassifierLike([1, 40, 6625])).to.equal(true);
    expect(isClassifierLike([1, 1])).to.equal(false);
    expect(isClassifierLike([1, 1, 320, 320])).to.equal(false);
    const ref = f([3, 3], [0.1, 0.8, 0.1, 0.5, 0.2, 0.3, 0.3, 0.3, 0.4]);
    const got = f([3, 3], [0.1, 0.7, 0.2, 0.2, 0.5, 0.3, 0.2, 0.3, 0.5]);
    expect(compareOutput(ref, got).top1).to.be.closeTo(2 / 3, 1e-9);
    expect(compareOutput(f([4], [1, 2, 3, 4]), f([4], [1, 2, 3, 4])).top1).to.equal(undefined);
  });

  it('shape and dtype mismatches fail without comparing', () => {
    const m = compareOutput(f([2, 2], [1, 2, 3, 4]), f([4], [1, 2, 3, 4]));
    expect(m.passed).to.equal(false);
    expect(m.mismatch).to.match(/shapes differ \(reference FLOAT\[2, 2\], candidate FLOAT\[4\]\)/);
  });

  it('cosine of zero vectors', () => {
    expect(compareOutput(f([2], [0, 0]), f([2], [0, 0])).cosine).to.equal(1);
    expect(compareOutput(f([2], [0, 0]), f([2], [1, 0])).cosine).to.equal(0);
  });
});

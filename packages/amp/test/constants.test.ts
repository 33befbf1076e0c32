import { expect } from 'chai';
import { DataType, Tensor, floatTensor, fromBFloat16Bits, fromFloat16Bits } from '@mixprec/ir';
import { convertTensor, rangeStats } from '../src/constants.js';

const F32_MAX = 3.4028234663852886e38;

function halves(t: Tensor): number[] {
  return [...(t.data as Uint16Array)].map((h) => (t.dtype === DataType.FLOAT16 ? fromFloat16Bits(h) : fromBFloat16Bits(h)));
}

describe('constants: range statistics and 16-bit storage', () => {
  it('tells overflow from mask sentinels, and counts underflow (float16)', () => {
    const s = rangeStats(floatTensor([7], [1, -70000, 65504, -1e30, -F32_MAX, 1e-9, Infinity]), DataType.FLOAT16);
    expect(s).to.deep.equal({ elements: 7, absMax: 70000, overflow: 1, sentinels: 2, underflow: 1 });
  });

  it('has no overflow in bfloat16; only float32 max saturates there', () => {
    const s = rangeStats(floatTensor([4], [1e5, -1e30, -F32_MAX, 1e-40]), DataType.BFLOAT16);
    expect(s.overflow).to.equal(0);
    expect(s.sentinels).to.equal(1);
  });

  it('saturates sentinels to ±65504, keeps ±Inf, NaN and -0, and rounds the rest to nearest even', () => {
    const c = convertTensor(floatTensor([6], [-F32_MAX, F32_MAX, -Infinity, Number.NaN, -0, 1.00048828125]), DataType.FLOAT16);
    const v = halves(c.tensor);
    expect(v.slice(0, 3)).to.deep.equal([-65504, 65504, -Infinity]);
    expect(Number.isNaN(v[3]!)).to.equal(true);
    expect(Object.is(v[4], -0)).to.equal(true);
    expect(v[5]).to.equal(1); // a tie between 1 and 1+2^-10 rounds to even
    expect(c.saturated).to.equal(2);
  });

  it('replaces underflow by ±(smallest subnormal) in small tensors only, reporting both', () => {
    const small = convertTensor(floatTensor([3], [1e-12, -1e-12, 0]), DataType.FLOAT16);
    expect(halves(small.tensor)).to.deep.equal([2 ** -24, -(2 ** -24), 0]);
    expect([small.underflowed, small.replaced]).to.deep.equal([2, 2]);
    const big = convertTensor(floatTensor([400], new Float32Array(400).fill(1e-12)), DataType.FLOAT16);
    expect(halves(big.tensor).every((x) => x === 0)).to.equal(true);
    expect([big.underflowed, big.replaced]).to.deep.equal([400, 0]);
  });

  it('saturates float32 max in bfloat16 (it would round to Inf)', () => {
    const c = convertTensor(floatTensor([2], [F32_MAX, 1e5]), DataType.BFLOAT16);
    expect(halves(c.tensor)[0]).to.equal(3.3895313892515355e38);
    expect(halves(c.tensor)[1]).to.equal(99840);
    expect(c.saturated).to.equal(1);
  });

  it('keeps the tensor name and doc string but not its external location', () => {
    const t = Tensor.of(DataType.FLOAT, [1], new Float32Array([2]), { name: 'w', docString: 'd', external: { location: 'w.bin' } });
    const c = convertTensor(t, DataType.FLOAT16);
    expect(c.tensor.meta).to.deep.equal({ name: 'w', docString: 'd' });
  });
});

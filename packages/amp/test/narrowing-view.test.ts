import { expect } from 'chai';
import { DataType, floatTensor, int64Tensor } from '@mixprec/ir';
import { rangeStats, type RangeStats } from '../src/constants.js';
import { NarrowingView } from '../src/narrowing-view.js';

describe('NarrowingView: the measured weights\' conversion counts over their statistics', () => {
  it('answers like the map of the weights that have counts, in measuring order', () => {
    const a = floatTensor([3], [1, 7e4, 1e-9]);
    const b = int64Tensor([2], [1n, 2n]);
    const c = floatTensor([1], [-1e30]);
    const stats = new Map<typeof a, RangeStats>();
    for (const t of [a, b, c]) stats.set(t, rangeStats(t, DataType.FLOAT16));
    expect(stats.get(b)!.narrowing).to.equal(undefined);
    const view = new NarrowingView(stats);
    const want = new Map([[a, stats.get(a)!.narrowing!], [c, stats.get(c)!.narrowing!]]);
    expect(view.get(a)).to.deep.equal({ overflowed: 1, underflowed: 1 });
    expect(view.get(b)).to.equal(undefined);
    expect(view.has(b)).to.equal(false);
    expect(view.has(c)).to.equal(true);
    expect(view.get(floatTensor([1], [0]))).to.equal(undefined);
    expect(view.size).to.equal(2);
    expect([...view]).to.deep.equal([...want]);
    expect([...view.keys()]).to.deep.equal([a, c]);
    expect([...view.values()]).to.deep.equal([...want.values()]);
    expect([...view.entries()]).to.deep.equal([...want.entries()]);
    const seen: unknown[] = [];
    view.forEach(function (this: unknown, v, k, m) {
      seen.push([k, v, m === view, String(this)]);
    }, 'ctx');
    expect(seen.map((s) => (s as unknown[]).slice(2))).to.deep.equal([[true, 'ctx'], [true, 'ctx']]);
    expect(seen.map((s) => (s as unknown[])[0])).to.deep.equal([a, c]);
  });
});

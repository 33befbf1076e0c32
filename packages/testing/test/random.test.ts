import { expect } from 'chai';
import { DataType, GraphBuilder, fromFloat16Bits, toFloat16Bits } from '@mixprec/ir';
import { mulberry32, randomFeeds, randomInt, randomNormal, randomTensor } from '../src/index.js';

describe('seeded random data', () => {
  it('mulberry32 is deterministic per seed and uniform-ish in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(Array.from({ length: 10000 }, () => b())).to.deep.equal(xs);
    expect(Math.min(...xs)).to.be.at.least(0);
    expect(Math.max(...xs)).to.be.below(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).to.be.closeTo(0.5, 0.02);
    expect(mulberry32(43)()).to.not.equal(mulberry32(42)());
  });

  it('randomNormal has mean 0 and variance 1 roughly; randomInt stays in range', () => {
    const rng = mulberry32(7);
    const xs = Array.from({ length: 20000 }, () => randomNormal(rng));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).to.be.closeTo(0, 0.03);
    expect(variance).to.be.closeTo(1, 0.05);
    const ints = Array.from({ length: 1000 }, () => randomInt(rng, -3, 3));
    expect(new Set(ints)).to.deep.equal(new Set([-3, -2, -1, 0, 1, 2, 3]));
  });

  it('randomTensor fills every dtype within its range; FLOAT16 values sit on the fp16 grid', () => {
    const rng = mulberry32(1);
    const f = randomTensor(DataType.FLOAT, [3, 4], rng, { range: [2, 3] });
    expect(f.dims).to.deep.equal([3, 4]);
    for (const x of f.data as Float32Array) expect(x).to.be.within(2, 3);
    const h = randomTensor(DataType.FLOAT16, [100], rng);
    for (const bits of h.data as Uint16Array) expect(toFloat16Bits(fromFloat16Bits(bits))).to.equal(bits);
    const i64 = randomTensor(DataType.INT64, [5], rng, { intRange: [10, 12] });
    for (const x of i64.data as BigInt64Array) expect(Number(x)).to.be.within(10, 12);
    const b = randomTensor(DataType.BOOL, [50], rng);
    expect(new Set(b.data as Uint8Array)).to.deep.equal(new Set([0, 1]));
    expect(() => randomTensor(DataType.STRING, [1], rng)).to.throw(/STRING is not supported/);
  });

  it('randomFeeds covers the non-initializer inputs, resolving symbolic dims', () => {
    const g = new GraphBuilder();
    const x = g.input('X', DataType.FLOAT, ['N', 3]);
    const i = g.input('I', DataType.INT64, [2]);
    g.output(g.op1('Add', [x, x]));
    void i;
    const m = g.model();
    const feeds = randomFeeds(m, 5, { dims: { N: 4 } });
    expect(Object.keys(feeds)).to.deep.equal(['X', 'I']);
    expect(feeds.X!.dims).to.deep.equal([4, 3]);
    expect(feeds.I!.dtype).to.equal(DataType.INT64);
    expect(randomFeeds(m, 5, { dims: { N: 4 } }).X!.data).to.deep.equal(feeds.X!.data);
  });
});

import { expect } from 'chai';
import { DataType } from '@mixprec/ir';
import { mulberry32, randomInt } from '@mixprec/testing';
import {
  UNBOUNDED, abs, add, bitwise, clampToType, divTrunc, fitsType, formatInterval, join, max, meet, min, mod, mul, neg,
  scale, sign, sub, type Interval,
} from '../../src/int16/interval.js';

const iv = (lo: number | undefined, hi: number | undefined): Interval => ({
  lo: lo === undefined ? undefined : BigInt(lo), hi: hi === undefined ? undefined : BigInt(hi),
});

function contains(r: Interval, x: number): boolean {
  const b = BigInt(x);
  return (r.lo === undefined || r.lo <= b) && (r.hi === undefined || b <= r.hi);
}

/** For random small intervals, every pointwise result lies in the interval result (soundness). */
function sound(name: string, f: (a: Interval, b: Interval) => Interval, g: (x: number, y: number) => number | undefined): void {
  it(`${name} is sound on 2000 random interval pairs (every x∈A, y∈B)`, () => {
    const rng = mulberry32(11);
    for (let k = 0; k < 2000; k++) {
      const a0 = randomInt(rng, -20, 20);
      const a1 = a0 + randomInt(rng, 0, 12);
      const b0 = randomInt(rng, -20, 20);
      const b1 = b0 + randomInt(rng, 0, 12);
      const r = f(iv(a0, a1), iv(b0, b1));
      for (let x = a0; x <= a1; x++) {
        for (let y = b0; y <= b1; y++) {
          const z = g(x, y);
          if (z !== undefined && !contains(r, z)) {
            expect.fail(`${name}([${a0},${a1}], [${b0},${b1}]) = ${formatInterval(r)} misses ${x}·${y} → ${z}`);
          }
        }
      }
    }
  });
}

describe('int16: interval arithmetic', () => {
  sound('add', add, (x, y) => x + y);
  sound('sub', sub, (x, y) => x - y);
  sound('mul', mul, (x, y) => x * y);
  sound('div (truncating)', divTrunc, (x, y) => (y === 0 ? undefined : Math.trunc(x / y)));
  sound('mod (fmod = 0, sign of divisor)', (a, b) => mod(a, b, false), (x, y) => (y === 0 ? undefined : ((x % y) + y) % y));
  sound('mod (fmod = 1, sign of dividend)', (a, b) => mod(a, b, true), (x, y) => (y === 0 ? undefined : x % y));
  sound('min', min, Math.min);
  sound('max', max, Math.max);
  sound('bitwise and', (a, b) => bitwise('and', a, b), (x, y) => x & y);
  sound('bitwise or', (a, b) => bitwise('or', a, b), (x, y) => x | y);
  sound('bitwise xor', (a, b) => bitwise('xor', a, b), (x, y) => x ^ y);
  sound('join', join, (x) => x);

  it('gives exact bounds for the common cases', () => {
    expect(add(iv(-1000, 1000), iv(-1000, 1000))).to.deep.equal(iv(-2000, 2000));
    expect(mul(iv(-2000, 2000), iv(3, 3))).to.deep.equal(iv(-6000, 6000));
    expect(mul(iv(-300, 300), iv(-300, 300))).to.deep.equal(iv(-90000, 90000));
    expect(divTrunc(iv(-7, 7), iv(2, 2))).to.deep.equal(iv(-3, 3));
    expect(mod(iv(0, 100), iv(8, 8), false)).to.deep.equal(iv(0, 7));
    expect(mod(iv(0, 5), iv(8, 8), false)).to.deep.equal(iv(0, 5));
    expect(abs(iv(-5, 3))).to.deep.equal(iv(0, 5));
    expect(neg(iv(undefined, 4))).to.deep.equal(iv(-4, undefined));
    expect(sign(iv(3, 9))).to.deep.equal(iv(1, 1));
  });

  it('keeps infinite bounds infinite (no wrap-around is assumed)', () => {
    expect(add(iv(0, undefined), iv(1, 1))).to.deep.equal(iv(1, undefined));
    expect(mul(UNBOUNDED, iv(0, 0))).to.deep.equal(iv(0, 0));
    expect(mul(iv(0, undefined), iv(-1, 1))).to.deep.equal(UNBOUNDED);
    expect(divTrunc(iv(1, 1), iv(0, 0))).to.deep.equal(UNBOUNDED);
  });

  it('scales by element counts for reductions', () => {
    expect(scale(iv(0, 10), 8n, 8n)).to.deep.equal(iv(0, 80));
    expect(scale(iv(-1, 2), 0n, 4n)).to.deep.equal(iv(-4, 8));
    expect(scale(iv(1, 1), 1n, undefined)).to.deep.equal(iv(1, undefined));
  });

  it('checks and clamps type ranges', () => {
    expect(fitsType(iv(-32768, 32767), DataType.INT16)).to.equal(true);
    expect(fitsType(iv(-32769, 0), DataType.INT16)).to.equal(false);
    expect(fitsType(iv(0, undefined), DataType.INT32)).to.equal(false);
    expect(clampToType(UNBOUNDED, DataType.INT16)).to.deep.equal(iv(-32768, 32767));
    expect(clampToType(iv(5, 7), DataType.BOOL), "disjoint: the type's range").to.deep.equal(iv(0, 1));
    expect(clampToType(iv(-5, 70000), DataType.INT16), 'may wrap: the type\'s range').to.deep.equal(iv(-32768, 32767));
    expect(clampToType(iv(-5, 7000), DataType.INT16)).to.deep.equal(iv(-5, 7000));
    expect(meet(iv(0, 1), iv(2, 3))).to.equal(undefined);
    expect(formatInterval(iv(undefined, 7))).to.equal('(-inf, 7]');
  });
});

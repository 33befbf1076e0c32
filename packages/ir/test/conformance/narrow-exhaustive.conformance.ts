import { expect } from 'chai';
import { DataType, Narrower, censusFloat32Reference, narrowFloat32Reference, type NarrowOptions } from '../../src/index.js';

/**
 * Every float32 bit pattern, 2^24 at a time: the SIMD kernels give the reference loops' values
 * and counts for both targets and all four option sets, count-only mode included, and the census
 * gives the reference's counts and maximum for the bounds amp uses. Minutes, not seconds.
 */
const SLICE = 1 << 24;
const OPTIONS: readonly NarrowOptions[] = [{}, { saturate: true }, { keepTiny: true }, { saturate: true, keepTiny: true }];
const CENSUSES: readonly [number[], number, number][] = [
  [[1, 0x33000001, 0x477ff000, 0x7149f2ca, 0x7f800000], 0x7149f2ca, 1],
  [[1, 0x8001, 0x7149f2ca, 0x7f7f0001, 0x7f7f8000, 0x7f800000], 0x7149f2ca, 1],
];

describe('narrowing kernels: all 2^32 float32 patterns', () => {
  for (const [name, target] of [['FLOAT16', DataType.FLOAT16], ['BFLOAT16', DataType.BFLOAT16]] as const) {
    it(`${name}: values and counts of every option set equal the reference`, () => {
      const narrower = new Narrower();
      expect(narrower.simd).to.equal(true);
      const bits = new Uint32Array(SLICE);
      const bytes = new Uint8Array(bits.buffer);
      const want = new Uint16Array(SLICE);
      const got = new Uint16Array(SLICE);
      for (let base = 0; base < 2 ** 32; base += SLICE) {
        for (let i = 0; i < SLICE; i++) bits[i] = base + i;
        for (const options of OPTIONS) {
          const counts = narrowFloat32Reference(bytes, target, want, options);
          expect(narrower.narrow(bytes, target, got, options), `counts from 0x${base.toString(16)}`).to.deep.equal(counts);
          for (let i = 0; i < SLICE; i++) {
            if (got[i] !== want[i]) expect.fail(`0x${(base + i).toString(16)} ${JSON.stringify(options)}: 0x${got[i]!.toString(16)} != 0x${want[i]!.toString(16)}`);
          }
          if (options.saturate !== true && options.keepTiny !== true) {
            expect(narrower.narrow(bytes, target), `count only from 0x${base.toString(16)}`).to.deep.equal(counts);
          }
        }
      }
    });
  }

  it('census: counts and maximum equal the reference for the FLOAT16 and BFLOAT16 statistics', () => {
    const narrower = new Narrower();
    const bits = new Uint32Array(SLICE);
    const bytes = new Uint8Array(bits.buffer);
    for (let base = 0; base < 2 ** 32; base += SLICE) {
      for (let i = 0; i < SLICE; i++) bits[i] = base + i;
      for (const [bounds, limit, quiet] of CENSUSES) {
        expect(narrower.census(bytes, bounds, limit, quiet), `from 0x${base.toString(16)}`).to.deep.equal(censusFloat32Reference(bytes, bounds, limit));
      }
    }
  });
});

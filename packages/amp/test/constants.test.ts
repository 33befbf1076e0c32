import { expect } from 'chai';
import { DataType, Narrower, Tensor, floatTensor, fromBFloat16Bits, fromFloat16Bits, narrowFloat32 } from '@mixprec/ir';
import { convertTensor, rangeStats, rangeStatsFloat32Loop } from '../src/constants.js';
import { bitsToFloat } from '../src/range-scan.js';

const F32_MAX = 3.4028234663852886e38;

function halves(t: Tensor): number[] {
  return [...(t.data as Uint16Array)].map((h) => (t.dtype === DataType.FLOAT16 ? fromFloat16Bits(h) : fromBFloat16Bits(h)));
}

describe('constants: range statistics and 16-bit storage', () => {
  it('tells overflow from mask sentinels, and counts underflow (float16)', () => {
    const s = rangeStats(floatTensor([7], [1, -70000, 65504, -1e30, -F32_MAX, 1e-9, Infinity]), DataType.FLOAT16);
    expect(s).to.deep.equal({ elements: 7, absMax: 70000, overflow: 1, sentinels: 2, underflow: 1, narrowing: { overflowed: 3, underflowed: 1 } });
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

  it('counts in its statistics exactly what the conversion counts, so a lazy weight is read once less', () => {
    // Random bit patterns plus every threshold and its neighbours, for both targets.
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const edges = [0, 0x8000, 0x8001, 0x7fff, 0x33000000, 0x33000001, 0x477fe000, 0x477ff000, 0x477fefff, 0x7f7f0000, 0x7f7f0001,
      0x7f7f7fff, 0x7f7f8000, 0x7f7fffff, 0x7f800000, 0x7fc00000, 0x7149f2ca, 0x7149f2c9, 0x3f800000];
    const bits = new Uint32Array(20000);
    for (let i = 0; i < bits.length; i++) {
      const e = edges[i % edges.length]!;
      // Thirds: the edges (both signs), any bit pattern, and magnitudes spread over the exponents.
      bits[i] = i % 3 === 0 ? e | (i & 4 ? 0x80000000 : 0) : i % 3 === 1 ? next() : (next() & 0x807fffff) | ((next() % 255) << 23);
    }
    const bytes = new Uint8Array(bits.buffer);
    for (const target of [DataType.FLOAT16, DataType.BFLOAT16] as const) {
      const eager = Tensor.of(DataType.FLOAT, [bits.length], new Float32Array(bits.buffer));
      const s = rangeStats(eager, target);
      const dst = new Uint16Array(bits.length);
      expect(s.narrowing, String(target)).to.deep.equal(narrowFloat32(bytes, target, dst, { saturate: true }));
      expect(s.narrowing!.overflowed).to.be.greaterThan(0);
      expect(s.narrowing!.underflowed).to.be.greaterThan(0);
      const lazy = (): Tensor => Tensor.lazy(DataType.FLOAT, [bits.length], { byteLength: bytes.length, description: 'test bytes', read: () => bytes.slice() });
      const counted = convertTensor(lazy(), target);
      const reused = convertTensor(lazy(), target, rangeStats(lazy(), target).narrowing);
      expect([reused.saturated, reused.underflowed, reused.replaced]).to.deep.equal([counted.saturated, counted.underflowed, counted.replaced]);
      expect([reused.saturated, reused.underflowed]).to.deep.equal([s.narrowing!.overflowed, s.narrowing!.underflowed]);
      expect(Buffer.from(reused.tensor.rawBytes()).equals(Buffer.from(convertTensor(eager, target).tensor.rawBytes()))).to.equal(true);
    }
  });

  it('keeps the tensor name and doc string but not its external location', () => {
    const t = Tensor.of(DataType.FLOAT, [1], new Float32Array([2]), { name: 'w', docString: 'd', external: { location: 'w.bin' } });
    const c = convertTensor(t, DataType.FLOAT16);
    expect(c.tensor.meta).to.deep.equal({ name: 'w', docString: 'd' });
  });

  it('small eager tensors (plain loops on their array) give the statistics and bytes of the chunked paths', () => {
    let seed = 4242;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const rare = [0, -0, 1e-9, -3e-8, 1e-40, 7e4, -65520, 65519, 1e30, -F32_MAX, 3.39e38, Infinity, Number.NaN, 1e-5, -2.5e-8, 6e-8];
    for (const n of [0, 1, 3, 16, 399, 400, 1023, 1024]) {
      // A view at an offset into a bigger buffer, as the decoder may hand out.
      const backing = new Float32Array(n + 3);
      const w = backing.subarray(2, 2 + n);
      for (let i = 0; i < n; i++) w[i] = next() % 3 === 0 ? rare[next() % rare.length]! : ((next() / 2 ** 32) - 0.5) * 0.1;
      const eager = Tensor.of(DataType.FLOAT, [n], w, { name: 'w' });
      const bytes = new Uint8Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength));
      const lazy = (): Tensor => Tensor.lazy(DataType.FLOAT, [n], { byteLength: bytes.length, description: 'w', read: () => bytes }, { name: 'w' });
      for (const target of [DataType.FLOAT16, DataType.BFLOAT16] as const) {
        expect(rangeStats(eager, target), `${n} ${target}`).to.deep.equal(rangeStats(lazy(), target));
        expect(rangeStats(eager, target)).to.deep.equal(rangeStatsFloat32Loop(lazy(), target));
        const c = convertTensor(eager, target);
        const ref = convertTensor(lazy(), target);
        expect([c.saturated, c.underflowed, c.replaced]).to.deep.equal([ref.saturated, ref.underflowed, ref.replaced]);
        expect(Buffer.from(c.tensor.rawBytes()).equals(Buffer.from(ref.tensor.rawBytes())), `${n} ${target} bytes`).to.equal(true);
        expect(c.tensor.meta).to.deep.equal({ name: 'w' });
      }
    }
  });

  it('on big tensors (WebAssembly SIMD, own or shared narrower) gives the statistics and bytes of the plain loops', () => {
    let seed = 777;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    // Weights, with zeros, tiny values, overflow, sentinels, Inf and NaN sprinkled in.
    const n = 300_001;
    const w = new Float32Array(n).map(() => ((next() / 2 ** 32) - 0.5) * 0.05);
    const rare = [0, -0, 1e-9, -3e-8, 1e-40, 7e4, -65520, 65519, 1e30, -F32_MAX, 3.39e38, Infinity, Number.NaN, 1e-5];
    for (let i = 0; i < 3000; i++) w[next() % n] = rare[i % rare.length]!;
    const bits = new Uint32Array(w.buffer);
    // Unaligned bytes, as a view into a model file would be.
    const file = new Uint8Array(n * 4 + 1);
    file.set(new Uint8Array(w.buffer), 1);
    const bytes = file.subarray(1);
    const lazy = (): Tensor => Tensor.lazy(DataType.FLOAT, [n], { byteLength: bytes.length, description: 'weights', read: () => bytes });
    const eager = Tensor.of(DataType.FLOAT, [n], new Float32Array(bits.buffer.slice(0)));
    const narrower = new Narrower();
    for (const target of [DataType.FLOAT16, DataType.BFLOAT16] as const) {
      const want = rangeStatsFloat32Loop(eager, target);
      expect(want.underflow + want.sentinels + want.overflow).to.be.greaterThan(0);
      for (const t of [eager, lazy()]) {
        expect(rangeStats(t, target), String(target)).to.deep.equal(want);
        expect(rangeStats(t, target, narrower)).to.deep.equal(want);
      }
      const reference = convertTensor(floatTensor([n], w), target);
      for (const c of [convertTensor(eager, target, undefined, narrower), convertTensor(lazy(), target), convertTensor(lazy(), target, want.narrowing, narrower)]) {
        expect([c.saturated, c.underflowed, c.replaced]).to.deep.equal([reference.saturated, reference.underflowed, reference.replaced]);
        const chunks: Uint8Array[] = [];
        c.tensor.forEachRawChunk((chunk) => chunks.push(chunk.slice()));
        expect(Buffer.concat(chunks).equals(Buffer.from(reference.tensor.rawBytes())), 'streamed').to.equal(true);
        expect(Buffer.from(c.tensor.rawBytes()).equals(Buffer.from(reference.tensor.rawBytes())), 'read').to.equal(true);
      }
    }
  });
});

describe('range-scan: bitsToFloat', () => {
  it('gives the float32 value of every kind of bit pattern (as a typed-array view does)', () => {
    const view = (b: number): number => new Float32Array(new Uint32Array([b >>> 0]).buffer)[0]!;
    let seed = 99;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const edges = [0, 1, 2, 0x7fffff, 0x800000, 0x800001, 0x33000000, 0x38800000, 0x477fe000, 0x477ff000, 0x7f7fffff, 0x7f800000, 0x7fc00000, 0x80000000, 0x80000001, 0xff800000, 0xffffffff];
    for (const b of edges) expect(Object.is(bitsToFloat(b), view(b)) || (Number.isNaN(bitsToFloat(b)) && Number.isNaN(view(b))), b.toString(16)).to.equal(true);
    for (let i = 0; i < 100000; i++) {
      const b = next() & 0x7fffffff;
      if (b >= 0x7f800000) continue;
      expect(bitsToFloat(b), b.toString(16)).to.equal(view(b));
    }
  });
});

import { expect } from 'chai';
import { Float16Array } from '@petamoriken/float16';
import {
  DataType, Narrower, Tensor, censusFloat32, censusFloat32Reference, narrowFloat32, narrowFloat32Chunks, narrowFloat32Reference,
  type NarrowOptions,
} from '../src/index.js';

type Target = DataType.FLOAT16 | DataType.BFLOAT16;
const TARGETS: readonly [string, Target][] = [['FLOAT16', DataType.FLOAT16], ['BFLOAT16', DataType.BFLOAT16]];
const OPTIONS: readonly NarrowOptions[] = [{}, { saturate: true }, { keepTiny: true }, { saturate: true, keepTiny: true }];

/** xorshift32 from `seed`. */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Every exponent/rounding boundary of both targets, with both signs and neighbours. */
function boundaries(): number[] {
  const base = [
    0, 1, 2, 0x7f800000, 0x7f800001, 0x7fc00000, 0x7fffffff, 0x7fbfffff, 0x7f7fffff, 0x7f7f8000, 0x7f7f7fff, 0x7f7f0000,
    0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0x387fffff, 0x38800000, 0x387fe000, 0x387ff000, 0x387fefff,
    0x38000000, 0x33000000, 0x33000001, 0x32ffffff, 0x33800000, 0x33c00000, 0x33400000, 0x00008000, 0x00008001, 0x00007fff,
    0x00018000, 0x00010000, 0x3f808000, 0x3f818000, 0x3f801000, 0x3f803000, 0x3f800fff, 0x00800000, 0x007fffff, 0x7149f2ca,
  ];
  const out: number[] = [];
  for (const b of base) for (const d of [-1, 0, 1]) for (const s of [0, 0x80000000]) out.push(((b + d) >>> 0 & 0x7fffffff | s) >>> 0);
  // Ties and their neighbours at every FLOAT16 exponent (bit 12 set, low bits 0) and every BFLOAT16 one.
  for (let e = 1; e < 255; e++) {
    for (const low of [0x1000, 0x3000, 0x0fff, 0x1001, 0x8000, 0x18000, 0x7fff, 0x8001]) out.push(((e << 23) | low) >>> 0, ((e << 23) | low | 0x80000000) >>> 0);
  }
  return out;
}

/** A strided sweep of all 2^32 patterns (every 2^8th, random low bits), then the boundaries. */
function sweep(count: number): Uint32Array {
  const next = random(0x9e3779b9);
  const edge = boundaries();
  const out = new Uint32Array(count + edge.length);
  const stride = 2 ** 32 / count;
  for (let i = 0; i < count; i++) out[i] = (i * stride + (next() % stride)) >>> 0;
  out.set(edge, count);
  return out;
}

/** The values as bytes starting at byte `offset` of a bigger buffer. */
function bytesAt(bits: Uint32Array, offset: number): Uint8Array {
  const buf = new Uint8Array(bits.length * 4 + offset + 3);
  buf.set(new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength), offset);
  return buf.subarray(offset, offset + bits.length * 4);
}

function firstDifference(a: Uint16Array, b: Uint16Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('Narrower: WebAssembly SIMD narrowing, bit-identical to the plain loops', function () {
  this.timeout(120_000);
  const narrower = new Narrower();
  const bits = sweep(1 << 24);

  it('runs the SIMD kernels here', () => {
    expect(narrower.simd).to.equal(true);
  });

  for (const [name, target] of TARGETS) {
    for (const options of OPTIONS) {
      it(`${name} ${JSON.stringify(options)}: values and counts equal the reference on a sweep of all patterns`, () => {
        const bytes = bytesAt(bits, 0);
        const want = new Uint16Array(bits.length);
        const wantCounts = narrowFloat32Reference(bytes, target, want, options);
        const got = new Uint16Array(bits.length);
        expect(narrower.narrow(bytes, target, got, options)).to.deep.equal(wantCounts);
        const d = firstDifference(got, want);
        expect(d, d < 0 ? '' : `0x${bits[d]!.toString(16)}: 0x${got[d]!.toString(16)} != 0x${want[d]!.toString(16)}`).to.equal(-1);
        expect(narrower.narrow(bytes, target), 'count only').to.deep.equal(wantCounts);
      });
    }

    it(`${name}: unaligned offsets and odd lengths (tails of every size), all options`, () => {
      const next = random(7);
      for (let round = 0; round < 40; round++) {
        const n = 1024 + (next() % 70_000);
        const start = next() % (bits.length - n);
        const slice = bits.slice(start, start + n);
        const bytes = bytesAt(slice, next() % 4);
        const options = OPTIONS[round % OPTIONS.length]!;
        const want = new Uint16Array(n);
        const counts = narrowFloat32Reference(bytes, target, want, options);
        const got = new Uint16Array(n);
        expect(narrower.narrow(bytes, target, got, options)).to.deep.equal(counts);
        expect(firstDifference(got, want), `n ${n}`).to.equal(-1);
      }
    });

    it(`${name}: streamed chunks concatenate to the same values (at most 1 MiB each)`, () => {
      const bytes = bytesAt(bits.subarray(0, 1_500_003), 1);
      const want = new Uint16Array(1_500_003);
      const counts = narrowFloat32Reference(bytes, target, want, { saturate: true });
      const got = new Uint8Array(want.length * 2);
      let at = 0;
      const c = narrower.narrowChunks(bytes, target, { saturate: true }, (chunk) => {
        expect(chunk.length).to.be.at.most(1 << 20);
        got.set(chunk, at);
        at += chunk.length;
      });
      expect(c).to.deep.equal(counts);
      expect(at).to.equal(got.length);
      expect(firstDifference(new Uint16Array(got.buffer), want)).to.equal(-1);
    });
  }

  it('FLOAT16 agrees with @petamoriken/float16 on every non-NaN pattern of the sweep', () => {
    const sample = bits.filter((b) => (b & 0x7fffffff) <= 0x7f800000);
    const oracle = new Uint16Array(new Float16Array(new Float32Array(sample.buffer, sample.byteOffset, sample.length)).buffer);
    const got = new Uint16Array(sample.length);
    narrower.narrow(bytesAt(sample, 0), DataType.FLOAT16, got);
    expect(firstDifference(got, oracle)).to.equal(-1);
    const nans = bits.filter((b) => (b & 0x7fffffff) > 0x7f800000);
    const h = new Uint16Array(nans.length);
    narrower.narrow(bytesAt(nans, 0), DataType.FLOAT16, h);
    for (let i = 0; i < h.length; i++) {
      if ((h[i]! & 0x7e00) !== 0x7e00 || (h[i]! & 0x8000) !== (nans[i]! >>> 16 & 0x8000)) expect.fail(`NaN 0x${nans[i]!.toString(16)}`);
    }
  });

  it('census: the counts and maximum of the reference, whatever the quiet interval', () => {
    const cases: [number[], number, number | undefined][] = [
      [[1, 0x33000001, 0x477ff000, 0x7149f2ca, 0x7f800000], 0x7149f2ca, 1],
      [[1, 0x8001, 0x7149f2ca, 0x7f7f0001, 0x7f7f8000, 0x7f800000], 0x7149f2ca, 1],
      [[1, 0x33000001, 0x477ff000, 0x7f800000], 0x7f800000, 1],
      [[0x3f800000], 0x7fffffff, undefined],
      [[5, 5, 0x40000000, 0x80000000], 0, 0],
      [[1, 0x38800000, 0x477ff000], 0x3f800000, 1],
    ];
    const next = random(3);
    for (const [bounds, limit, quiet] of cases) {
      for (const [from, n, offset] of [[0, bits.length, 0], [next() % 1000, 50_001, 3], [0, 1023, 1], [1 << 20, 4096, 2]] as const) {
        const bytes = bytesAt(bits.subarray(from, from + n), offset);
        expect(narrower.census(bytes, bounds, limit, quiet), `${bounds} n ${n}`).to.deep.equal(censusFloat32Reference(bytes, bounds, limit));
      }
    }
    // Mostly quiet data (weights), with rare values outside: the quiet fast path and the full one.
    const w = new Float32Array(1 << 20).map(() => ((next() / 2 ** 32) - 0.5) * 0.1);
    for (let i = 0; i < 50; i++) w[next() % w.length] = [0, 1e-30, -7e4, 1e31, Infinity, NaN][i % 6]!;
    const bytes = new Uint8Array(w.buffer);
    const bounds = [1, 0x33000001, 0x477ff000, 0x7149f2ca, 0x7f800000];
    expect(narrower.census(bytes, bounds, 0x7149f2ca, 1)).to.deep.equal(censusFloat32Reference(bytes, bounds, 0x7149f2ca));
    expect(() => narrower.census(bytes, [], 1)).to.throw(RangeError);
    expect(() => narrower.census(bytes, [2, 1], 1)).to.throw(RangeError);
    expect(() => narrower.census(bytes, [0], 1)).to.throw(RangeError);
    expect(() => narrower.census(bytes, [1, 2], 2 ** 31)).to.throw(RangeError);
    expect(() => narrower.census(bytes, [1, 2], 5, 1)).to.throw(RangeError);
  });

  it('reads a lazy tensor through readInto, readChunks or read; eager tensors too', () => {
    const slice = bits.slice(0, 300_001);
    const bytes = bytesAt(slice, 2);
    const want = new Uint16Array(slice.length);
    const counts = narrowFloat32Reference(bytes, DataType.FLOAT16, want, { keepTiny: true });
    const log: string[] = [];
    const intoSource = Tensor.lazy(DataType.FLOAT, [slice.length], {
      byteLength: bytes.length, description: 'into',
      read: () => { log.push('read'); return bytes; },
      readInto: (dst, off) => { log.push('into'); dst.set(bytes.subarray(off, off + dst.length)); },
    });
    const chunked = Tensor.lazy(DataType.FLOAT, [slice.length], {
      byteLength: bytes.length, description: 'chunks',
      read: () => bytes,
      readChunks: (f) => { for (let at = 0; at < bytes.length; at += 40_004) f(bytes.subarray(at, Math.min(bytes.length, at + 40_004))); },
    });
    const plain = Tensor.lazy(DataType.FLOAT, [slice.length], { byteLength: bytes.length, description: 'plain', read: () => bytes });
    const eager = Tensor.of(DataType.FLOAT, [slice.length], new Float32Array(slice.buffer.slice(0)));
    for (const t of [intoSource, chunked, plain, eager]) {
      const got = new Uint16Array(slice.length);
      expect(narrower.narrow(t, DataType.FLOAT16, got, { keepTiny: true })).to.deep.equal(counts);
      expect(firstDifference(got, want), t.toString()).to.equal(-1);
    }
    expect(log.includes('read')).to.equal(false);
    expect(log.length).to.be.greaterThan(1);
    expect(() => narrower.narrow(Tensor.of(DataType.INT32, [1], new Int32Array(1)), DataType.FLOAT16)).to.throw(RangeError);
    expect(() => narrower.narrow(bytes, DataType.FLOAT16, new Uint16Array(3))).to.throw(RangeError);
    const ragged = Tensor.lazy(DataType.FLOAT, [2048], { byteLength: 8193, description: 'ragged', read: () => new Uint8Array(8193), readInto: () => undefined });
    expect(() => narrower.narrow(ragged, DataType.FLOAT16)).to.throw(RangeError, /multiple of 4/);
    expect(() => narrowFloat32Reference(ragged, DataType.FLOAT16)).to.throw(RangeError, /multiple of 4/);
  });

  it('a call made from inside a streaming callback is answered (by the plain loops) without disturbing the stream', () => {
    const a = bytesAt(bits.subarray(0, 600_000), 0);
    const b = bytesAt(bits.subarray(1 << 23, (1 << 23) + 5000), 1);
    const want = new Uint16Array(600_000);
    narrowFloat32Reference(a, DataType.BFLOAT16, want);
    const inner = new Uint16Array(5000);
    narrowFloat32Reference(b, DataType.BFLOAT16, inner);
    const got = new Uint8Array(want.length * 2);
    let at = 0;
    narrower.narrowChunks(a, DataType.BFLOAT16, {}, (chunk) => {
      const x = new Uint16Array(5000);
      narrower.narrow(b, DataType.BFLOAT16, x);
      expect(firstDifference(x, inner)).to.equal(-1);
      got.set(chunk, at);
      at += chunk.length;
    });
    expect(firstDifference(new Uint16Array(got.buffer), want)).to.equal(-1);
  });

  it('without WebAssembly the plain loops answer, and the entry points agree with the narrower', () => {
    const saved = globalThis.WebAssembly;
    let none: Narrower;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      none = new Narrower();
      expect(none.simd).to.equal(false); // decided on first use, here
    } finally {
      globalThis.WebAssembly = saved;
    }
    expect(none.simd).to.equal(false);
    const bytes = bytesAt(bits.subarray(0, 200_000), 3);
    const want = new Uint16Array(200_000);
    const counts = narrowFloat32Reference(bytes, DataType.FLOAT16, want, { saturate: true });
    for (const run of [
      (d: Uint16Array) => none.narrow(bytes, DataType.FLOAT16, d, { saturate: true }),
      (d: Uint16Array) => narrowFloat32(bytes, DataType.FLOAT16, d, { saturate: true }),
      (d: Uint16Array) => narrowFloat32(bytes, DataType.FLOAT16, d, { saturate: true }, narrower),
      (d: Uint16Array) => {
        const out = new Uint8Array(d.buffer);
        let at = 0;
        return narrowFloat32Chunks(bytes, DataType.FLOAT16, { saturate: true }, (c) => { out.set(c, at); at += c.length; });
      },
    ]) {
      const got = new Uint16Array(200_000);
      expect(run(got)).to.deep.equal(counts);
      expect(firstDifference(got, want)).to.equal(-1);
    }
    const bounds = [1, 0x33000001, 0x477ff000];
    expect(censusFloat32(bytes, bounds, 0x477ff000, 1)).to.deep.equal(censusFloat32Reference(bytes, bounds, 0x477ff000));
    expect(none.census(bytes, bounds, 0x477ff000, 1)).to.deep.equal(censusFloat32Reference(bytes, bounds, 0x477ff000));
  });
});

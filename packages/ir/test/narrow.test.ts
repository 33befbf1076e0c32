import { expect } from 'chai';
import {
  DataType, Tensor, float32ToBFloat16Bits, float32ToFloat16Bits, forEachFloat32Chunk, narrowFloat32,
} from '../src/index.js';

/** Float32 bit patterns: edge cases, then pseudo-random patterns covering every exponent. */
function patterns(n: number): Uint32Array {
  const edge = [
    0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001,
    0x477fe000, 0x477fefff, 0x477ff000, 0x477fffff, 0x47800000, 0xc77ff000, 0x7f7fffff, 0xff7fffff,
    0x38800000, 0x387fffff, 0x33800000, 0x33000000, 0x33000001, 0x32ffffff, 0x00000001, 0x80000001,
    0x00008000, 0x00008001, 0x00018000, 0x7f7f8000, 0x7f7f7fff, 0x3f808000, 0x3f818000,
  ];
  const out = new Uint32Array(edge.length + n);
  out.set(edge);
  let x = 0x2545f491;
  for (let i = edge.length; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

/** The same values as little-endian bytes starting at byte `offset` of a bigger buffer. */
function bytesAt(bits: Uint32Array, offset: number): Uint8Array {
  const buf = new Uint8Array(bits.length * 4 + offset + 3);
  buf.set(new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength), offset);
  return buf.subarray(offset, offset + bits.length * 4);
}

describe('narrow: FLOAT bytes to FLOAT16/BFLOAT16 in one pass', () => {
  const bits = patterns(100_000);
  const floats = new Float32Array(bits.buffer);

  for (const [name, target, exact] of [
    ['FLOAT16', DataType.FLOAT16, float32ToFloat16Bits],
    ['BFLOAT16', DataType.BFLOAT16, float32ToBFloat16Bits],
  ] as const) {
    it(`${name}: the same bits as the exact array conversion, at every alignment`, () => {
      const expected = exact(floats);
      for (const offset of [0, 1, 2, 3, 4]) {
        const got = new Uint16Array(bits.length);
        narrowFloat32(bytesAt(bits, offset), target, got);
        let diff = -1;
        for (let i = 0; i < got.length && diff < 0; i++) if (got[i] !== expected[i]) diff = i;
        expect(diff, `offset ${offset}: first difference at ${diff} (bits 0x${bits[diff]?.toString(16)})`).to.equal(-1);
      }
    });

    it(`${name}: counts overflow and underflow; saturates and keeps tiny values when asked`, () => {
      const plain = exact(floats);
      const inf = target === DataType.FLOAT16 ? 0x7c00 : 0x7f80;
      const max = target === DataType.FLOAT16 ? 0x7bff : 0x7f7f;
      let overflow = 0;
      let underflow = 0;
      const want = new Uint16Array(plain);
      for (let i = 0; i < floats.length; i++) {
        const v = floats[i]!;
        const mag = plain[i]! & 0x7fff;
        if (mag === inf && Number.isFinite(v)) {
          overflow++;
          want[i] = (plain[i]! & 0x8000) | max;
        } else if (mag === 0 && v !== 0) {
          underflow++;
          want[i] = (plain[i]! & 0x8000) | 1;
        }
      }
      expect(overflow).to.be.greaterThan(0);
      expect(underflow).to.be.greaterThan(0);
      const got = new Uint16Array(bits.length);
      const counts = narrowFloat32(bytesAt(bits, 1), target, got, { saturate: true, keepTiny: true });
      expect(counts).to.deep.equal({ overflowed: overflow, underflowed: underflow });
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).to.equal(true);
      expect(narrowFloat32(bytesAt(bits, 0), target), 'count only').to.deep.equal(counts);
    });
  }

  it('streams a tensor whose source reads in chunks, and reads other tensors in one piece', () => {
    const bytes = bytesAt(bits, 0);
    const reads: string[] = [];
    const streamed = Tensor.lazy(DataType.FLOAT, [bits.length], {
      byteLength: bytes.length,
      description: 'chunked',
      read: () => {
        reads.push('read');
        return bytes;
      },
      readChunks: (f) => {
        // Uneven chunks at unaligned offsets, each reusing one buffer.
        const buf = new Uint8Array(40004 + 1).subarray(1);
        for (let at = 0; at < bytes.length; at += 40004) {
          const n = Math.min(40004, bytes.length - at);
          buf.set(bytes.subarray(at, at + n));
          reads.push('chunk');
          f(buf.subarray(0, n));
        }
      },
    });
    const expected = float32ToFloat16Bits(floats);
    const got = new Uint16Array(bits.length);
    const counts = narrowFloat32(streamed, DataType.FLOAT16, got, { saturate: true });
    expect(reads.includes('read'), 'never read whole').to.equal(false);
    expect(reads.length).to.equal(Math.ceil(bytes.length / 40004));
    expect(counts).to.deep.equal(narrowFloat32(bytes, DataType.FLOAT16, undefined, { saturate: true }));
    for (let i = 0; i < got.length; i++) {
      const e = (expected[i]! & 0x7fff) === 0x7c00 && Number.isFinite(floats[i]!) ? (expected[i]! & 0x8000) | 0x7bff : expected[i]!;
      if (got[i] !== e) expect.fail(`element ${i}: ${got[i]} != ${e}`);
    }
    let next = 0;
    forEachFloat32Chunk(streamed, (b, _f, start) => {
      expect(start).to.equal(next);
      next += b.length;
    });
    expect(next).to.equal(bits.length);
    const eager = Tensor.of(DataType.FLOAT, [bits.length], new Float32Array(floats));
    const pieces: number[] = [];
    eager.forEachRawChunk((c) => pieces.push(c.length));
    expect(pieces).to.deep.equal([bits.length * 4]);
    expect(() => narrowFloat32(Tensor.of(DataType.INT32, [1], new Int32Array(1)), DataType.FLOAT16)).to.throw(RangeError);
  });

  it('forEachFloat32Chunk: one zero-copy chunk when aligned, scratch chunks in order otherwise', () => {
    const aligned = bytesAt(bits, 0);
    const calls: number[] = [];
    forEachFloat32Chunk(aligned, (b, _f, start) => {
      calls.push(start);
      expect(b.buffer).to.equal(aligned.buffer);
    });
    expect(calls).to.deep.equal([0]);
    let seen = 0;
    forEachFloat32Chunk(bytesAt(bits, 3), (b, f, start) => {
      expect(start).to.equal(seen);
      expect(f.length).to.equal(b.length);
      for (let i = 0; i < b.length; i++) if (b[i] !== bits[start + i]) expect.fail(`element ${start + i}`);
      seen += b.length;
    });
    expect(seen).to.equal(bits.length);
    expect(() => forEachFloat32Chunk(new Uint8Array(5), () => undefined)).to.throw(RangeError);
  });
});

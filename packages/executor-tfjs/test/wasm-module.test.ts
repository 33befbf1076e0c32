import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { DataType, roundToBFloat16, roundToFloat16 } from '@mixprec/ir';
import { initBackend, roundTensor } from '../src/index.js';
import { CLIP, heapKernelsAvailable } from '../src/heap-kernels.js';
import { instantiateHeapKernels, type HeapKernels } from '../src/wasm-module.js';

/**
 * The executor's own WebAssembly module (rounding and clamp on the wasm backend's heap),
 * checked on a memory of its own against the bit loops of @mixprec/ir, which the rounding
 * tests check against @petamoriken/float16 and an exact reference. (During development it was
 * also compared on all 2^32 float32 bit patterns per format: no mismatch.)
 */

function xorshift(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

describe('heap kernels (WebAssembly SIMD on the wasm backend memory)', () => {
  const memory = new WebAssembly.Memory({ initial: 128 });
  let k: HeapKernels;
  before(() => {
    const made = instantiateHeapKernels(memory);
    if (made === undefined) throw new Error('WebAssembly SIMD is not available in this runtime');
    k = made;
  });

  /** Rounds `n` values placed at byte offset `at` through the module into offset `to`. */
  function viaModule(f: 'roundF16' | 'roundBF16', src: Uint32Array, at: number, to: number): Uint32Array {
    new Uint32Array(memory.buffer, at, src.length).set(src);
    k[f](at, to, src.length);
    return new Uint32Array(memory.buffer, to, src.length).slice();
  }

  for (const [f, ref] of [['roundF16', roundToFloat16], ['roundBF16', roundToBFloat16]] as const) {
    it(`${f}: 1 M random bit patterns equal the @mixprec/ir loop bit for bit (vector body and scalar tail)`, () => {
      const rnd = xorshift(f === 'roundF16' ? 1 : 2);
      const n = 1_000_003; // not a multiple of 4: the tail runs
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = rnd();
      // edge patterns at the start: ±0, ±Inf, NaNs, the fp16 limits and the subnormal boundary
      const edges = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffffffff, 0x477fefff, 0x477ff000,
        0x38800000, 0x387fffff, 0x33000000, 0x33000001, 0x7f7fffff, 0x00000001, 0x807fffff];
      bits.set(edges);
      const want = new Uint32Array(ref(new Float32Array(bits.buffer)).buffer);
      const got = viaModule(f, bits, 4, 4 + n * 4 + 64); // src 4-byte but not 16-byte aligned
      let bad = 0;
      for (let i = 0; i < n; i++) if (got[i] !== want[i]) bad++;
      expect(bad).to.equal(0);
    });
  }

  it('every length 0..9 and rounding in place (src = dst)', () => {
    const rnd = xorshift(3);
    for (let n = 0; n <= 9; n++) {
      const bits = Uint32Array.from({ length: n }, () => rnd());
      const want = new Uint32Array(roundToFloat16(new Float32Array(bits.buffer)).buffer);
      const sentinel = 0xdeadbeef;
      new Uint32Array(memory.buffer, 1024 + n * 4, 1)[0] = sentinel;
      const got = viaModule('roundF16', bits, 1024, 1024);
      expect(Array.from(got)).to.deep.equal(Array.from(want));
      expect(new Uint32Array(memory.buffer, 1024 + n * 4, 1)[0], 'no write past n').to.equal(sentinel);
    }
  });

  it('clip: min(max(x, lo), hi) with NaN kept, infinities clamped, −0 below +0', () => {
    const xs = Float32Array.from([NaN, -0, 0, -1, 7, 3, Infinity, -Infinity, 5.5]);
    new Float32Array(memory.buffer, 0, xs.length).set(xs);
    k.clip(0, 256, xs.length, 0, 6);
    const got = Array.from(new Float32Array(memory.buffer, 256, xs.length));
    expect(got.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).to.deep.equal(['NaN', '0', '0', '0', '6', '3', '6', '0', '5.5']);
    k.clip(0, 256, xs.length, -Infinity, Infinity);
    expect(Array.from(new Float32Array(memory.buffer, 256, xs.length)).slice(3)).to.deep.equal([-1, 7, 3, Infinity, -Infinity, 5.5]);
  });

  it('clip equals min(max(x, lo), hi) (−0 < +0, NaN kept) for bounds of every sign, zeros, infinities and NaN', () => {
    const rnd = xorshift(9);
    const special = [NaN, -0, 0, -1, 1, 6, -6, 1e-45, -1e-45, Infinity, -Infinity, 3.5, -3.5];
    const xs = new Float32Array(1027);
    for (let i = 0; i < xs.length; i++) xs[i] = i < special.length * 4 ? special[i % special.length]! : new Float32Array(new Uint32Array([rnd()]).buffer)[0]!;
    new Float32Array(memory.buffer, 0, xs.length).set(xs);
    const bounds = [-0, 0, -1, 1, 6, -Infinity, Infinity, NaN, 1e-45, -1e-45];
    const key = (v: number): string => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
    for (const lo of bounds) {
      for (const hi of bounds) {
        k.clip(0, 8192, xs.length, lo, hi);
        const got = new Float32Array(memory.buffer, 8192, xs.length);
        for (let i = 0; i < xs.length; i++) {
          const want = Math.fround(Math.min(Math.max(xs[i]!, lo), hi));
          if (key(got[i]!) !== key(want)) expect.fail(`clip(${key(xs[i]!)}, ${key(lo)}, ${key(hi)}) = ${key(got[i]!)}, want ${key(want)}`);
        }
      }
    }
  });

  it('on the wasm backend, rounding and Clip run in the backend heap and match the cpu backend', async () => {
    const backend = await initBackend('wasm').catch(() => undefined);
    if (backend !== 'wasm') return;
    expect(heapKernelsAvailable(tf.backend())).to.equal(true);
    expect(tf.getKernel(CLIP, 'wasm')).to.not.equal(undefined);
    const rnd = xorshift(4);
    const xs = new Float32Array(new Uint32Array(4099).map(() => rnd()).buffer);
    const wasm = tf.tidy(() => [DataType.FLOAT16, DataType.BFLOAT16].map((d) => roundTensor(tf.tensor1d(xs), d).dataSync()));
    await initBackend('cpu');
    const cpu = tf.tidy(() => [DataType.FLOAT16, DataType.BFLOAT16].map((d) => roundTensor(tf.tensor1d(xs), d).dataSync()));
    await initBackend('wasm');
    for (let j = 0; j < 2; j++) {
      expect(Buffer.from(wasm[j]!.buffer).equals(Buffer.from(cpu[j]!.buffer))).to.equal(true);
    }
  });
});

import { expect } from 'chai';
import { roundToBFloat16, roundToFloat16 } from '@mixprec/ir';
import { FusedKernel, programKey, type FusedProgram } from '../src/fused-module.js';

/**
 * Compiled elementwise chains against the same ops in float32 one by one (Math.fround after
 * each, the 16-bit roundings of @mixprec/ir where the step says so), bit for bit, including
 * NaN, infinities, signed zeros and the vector tail.
 */

const key = (v: number): string => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));

/** The PP-LCNet block after a conv: lab affine, hard-swish, next lab affine (b is used twice). */
function hardSwishChain(round: 'none' | 'fp16' | 'bf16'): FusedProgram {
  return {
    tensors: 1, scalars: 8,
    steps: [
      { op: 'mul', a: { kind: 'scalar', index: 0 }, b: { kind: 'tensor', index: 0 }, round },
      { op: 'add', a: { kind: 'step', index: 0 }, b: { kind: 'scalar', index: 1 }, round },
      { op: 'add', a: { kind: 'step', index: 1 }, b: { kind: 'scalar', index: 2 }, round },
      { op: 'clip', a: { kind: 'step', index: 2 }, lo: 3, hi: 4, round },
      { op: 'mul', a: { kind: 'step', index: 1 }, b: { kind: 'step', index: 3 }, round },
      { op: 'div', a: { kind: 'step', index: 4 }, b: { kind: 'scalar', index: 5 }, round },
      { op: 'sub', a: { kind: 'scalar', index: 6 }, b: { kind: 'step', index: 5 }, round },
      { op: 'mul', a: { kind: 'step', index: 6 }, b: { kind: 'scalar', index: 7 }, round },
    ],
  };
}

function reference(x: number, s: readonly number[], round: 'none' | 'fp16' | 'bf16'): number {
  const one = new Float32Array(1);
  const r = (v: number): number => {
    one[0] = v;
    return round === 'fp16' ? roundToFloat16(one)[0]! : round === 'bf16' ? roundToBFloat16(one)[0]! : one[0]!;
  };
  const a = r(s[0]! * x);
  const b = r(a + s[1]!);
  const c = r(b + s[2]!);
  const d = r(Math.min(Math.max(c, s[3]!), s[4]!));
  const e = r(b * d);
  const f = r(e / s[5]!);
  const g = r(s[6]! - f);
  return r(g * s[7]!);
}

describe('fused elementwise chains (fused-module)', () => {
  const memory = new WebAssembly.Memory({ initial: 8 });

  for (const round of ['none', 'fp16', 'bf16'] as const) {
    it(`a hard-swish chain (${round}) equals the ops one by one bit for bit`, () => {
      const n = 1030;
      const xs = new Float32Array(n);
      const special = [NaN, -0, 0, Infinity, -Infinity, -3, 3, 1e-40, 65519, 70000, -2.5];
      let s = 12345;
      for (let i = 0; i < n; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        xs[i] = i < special.length ? special[i]! : (s / 2 ** 32 - 0.5) * 20;
      }
      const scalars = [Math.fround(1.3), Math.fround(-0.2), 3, 0, 6, 6, Math.fround(0.5), Math.fround(0.75)];
      new Float32Array(memory.buffer, 0, n).set(xs);
      const k = new FusedKernel(hardSwishChain(round));
      k.run(memory, [0], 8192, n, scalars);
      const got = new Float32Array(memory.buffer, 8192, n);
      for (let i = 0; i < n; i++) {
        const want = reference(xs[i]!, scalars, round);
        if (key(got[i]!) !== key(want)) expect.fail(`x = ${key(xs[i]!)}: ${key(got[i]!)}, want ${key(want)}`);
      }
    });
  }

  it('two tensor operands and a clip with a negative upper bound', () => {
    const n = 37;
    const a = Float32Array.from({ length: n }, (_, i) => (i - 18) / 3);
    const b = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
    new Float32Array(memory.buffer, 0, n).set(a);
    new Float32Array(memory.buffer, 1024, n).set(b);
    const p: FusedProgram = {
      tensors: 2, scalars: 2,
      steps: [
        { op: 'sub', a: { kind: 'tensor', index: 1 }, b: { kind: 'tensor', index: 0 }, round: 'none' },
        { op: 'clip', a: { kind: 'step', index: 0 }, lo: 0, hi: 1, round: 'none' },
      ],
    };
    new FusedKernel(p).run(memory, [0, 1024], 4096, n, [-4, -0]);
    const got = new Float32Array(memory.buffer, 4096, n);
    for (let i = 0; i < n; i++) expect(key(got[i]!)).to.equal(key(Math.min(Math.max(Math.fround(b[i]! - a[i]!), -4), -0)));
  });

  it('programKey tells programs apart by structure, not by scalar values', () => {
    expect(programKey(hardSwishChain('none'))).to.equal(programKey(hardSwishChain('none')));
    expect(programKey(hardSwishChain('none'))).to.not.equal(programKey(hardSwishChain('fp16')));
  });
});

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import {
  attr, DataType, float16BitsToFloat32, float32ToFloat16Bits, floatTensor, GraphBuilder, Tensor, tensorType, type Model,
} from '@mixprec/ir';
import { executeModel, prepareModel } from '../src/index.js';
import { nums, setup } from './helpers.js';

const F = DataType.FLOAT;
const H = DataType.FLOAT16;

/** X → Conv(W, B) → Mul(Constant) → Add(initializer) → Y, plus an initializer and a Constant as outputs. */
function model(): Model {
  const b = new GraphBuilder();
  const x = b.input('X', F, [1, 2, 5, 5]);
  const w = b.initializer('W', floatTensor([3, 2, 3, 3], Float32Array.from({ length: 54 }, (_, i) => ((i * 7) % 11) / 10 - 0.5)));
  const bias = b.initializer('B', floatTensor([3], [0.1, -0.2, 0.3]));
  const k = b.op1('Constant', [], { attrs: { value: attr.tensor(floatTensor([], [1.5])) }, output: 'k' });
  const c = b.op1('Conv', [x, w, bias], { attrs: { pads: attr.ints([1, 1, 1, 1]) } });
  const s = b.initializer('s', Tensor.of(DataType.INT64, [3], BigInt64Array.of(3n, 1n, 1n)));
  const y = b.op1('Add', [b.op1('Mul', [c, k]), b.op1('Reshape', [bias, s])]);
  b.output(y, 'Y');
  b.output(bias, 'Bout');
  b.output(k, 'Kout');
  return b.model();
}

const feed = (seed: number): Record<string, Tensor> => ({
  X: floatTensor([1, 2, 5, 5], Float32Array.from({ length: 50 }, (_, i) => Math.sin(i * seed))),
});

describe('prepared models (resident initializers, constants and derived weights)', () => {
  before(setup);

  it('repeated runs equal one-shot runs bit for bit, and keep a constant tensor count', () => {
    const m = model();
    const p = prepareModel(m);
    const base = tf.memory().numTensors;
    let afterFirst = -1;
    for (let seed = 1; seed <= 4; seed++) {
      const a = p.run(feed(seed));
      const b = executeModel(m, feed(seed));
      if (a._tag === 'Left' || b._tag === 'Left') throw new Error('run failed');
      for (const name of ['Y', 'Bout', 'Kout']) {
        expect(Buffer.from((a.right.outputs[name]!.data as Float32Array).buffer).equals(Buffer.from((b.right.outputs[name]!.data as Float32Array).buffer)), name).to.equal(true);
      }
      if (afterFirst < 0) afterFirst = tf.memory().numTensors;
      else expect(tf.memory().numTensors, 'no growth across runs').to.equal(afterFirst);
    }
    expect(afterFirst).to.be.greaterThan(base); // weights, the constant and the conv filter layout stay
    p.dispose();
    expect(tf.memory().numTensors).to.equal(base);
    const after = p.run(feed(1));
    expect(after._tag).to.equal('Left');
    if (after._tag === 'Left') expect(after.left.message).to.match(/disposed/);
  });

  it('one-shot runs leave nothing behind, also when a run fails', () => {
    const base = tf.memory().numTensors;
    const r = executeModel(model(), feed(2));
    expect(r._tag).to.equal('Right');
    expect(tf.memory().numTensors).to.equal(base);
    const bad = executeModel(model(), { X: floatTensor([1, 3, 5, 5], new Float32Array(75)) }, { checkShapes: false });
    expect(bad._tag).to.equal('Left');
    expect(tf.memory().numTensors).to.equal(base);
  });

  it('intermediates report resident constants on every run', () => {
    const p = prepareModel(model());
    for (let i = 0; i < 2; i++) {
      const r = p.run(feed(3), { keepIntermediates: true });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(nums(r.right.intermediates!.get('Kout'))).to.deep.equal([1.5]);
    }
    p.dispose();
  });

  it('a FLOAT16 chain of grid-keeping ops gives the values a rounding after every op gives', () => {
    // Transpose/Relu/Max/Concat/Slice keep the grid; Sqrt does not: it must still round.
    const b = new GraphBuilder();
    const x = b.input('X', H, [2, 3]);
    const t = b.op1('Transpose', [x], { attrs: { perm: attr.ints([1, 0]) } });
    const r = b.op1('Relu', [t]);
    const s = b.op1('Sqrt', [b.op1('Max', [r, b.op1('Neg', [t])])], { type: tensorType(H) });
    b.output(b.op1('Concat', [s, r], { attrs: { axis: attr.int(0) } }), 'Y');
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x4248, 0x0001, 0x8400, 0x7bff);
    const res = executeModel(b.model(), { X: Tensor.of(H, [2, 3], bits) });
    if (res._tag === 'Left') throw new Error(res.left.message);
    const xs = nums(Tensor.of(H, [2, 3], bits));
    const tr = [0, 3, 1, 4, 2, 5].map((i) => xs[i]!);
    const want16 = (v: number): number => float16BitsToFloat32(float32ToFloat16Bits(Float32Array.of(v)))[0]!;
    const expected = [...tr.map((v) => want16(Math.sqrt(Math.max(Math.max(v, 0), -v)))), ...tr.map((v) => Math.max(v, 0))];
    expect(nums(res.right.outputs['Y'])).to.deep.equal(expected);
  });
});

import { expect } from 'chai';
import {
  attr, DataType, float32ToFloat16Bits, GraphBuilder, int64Tensor, Tensor, type Model, type Value,
} from '@mixprec/ir';
import { generateInputs, liveTensorCount, prepareModel } from '../src/index.js';
import { close, nums, run, setup, values } from './helpers.js';

/**
 * A PP-LCNet-like block: Conv (3×3, stored channels-last) → elementwise ops whose second
 * operands need every kind of re-ordering (a single element, a per-channel [1, C, 1, 1], a
 * row [W], a column [H, 1], an [C, H, 1] that needs a transpose, a full NCHW graph input) →
 * depthwise Conv → pointwise Conv → GlobalAveragePool. With `barrier`, a Reshape (which reads
 * its input in the logical layout) after the first Conv hands the elementwise ops a logical value.
 */
function block(dtype: DataType, barrier: boolean): Model {
  const b = new GraphBuilder();
  const x = b.input('X', dtype, [1, 4, 6, 5]);
  const r = b.input('R', dtype, [1, 8, 6, 5]);
  const init = (name: string, dims: readonly number[], seed: number): Value => b.initializer(name, values(dtype, dims, seed));
  let c = b.op1('Conv', [x, init('W1', [8, 4, 3, 3], 1), init('B1', [8], 2)], { attrs: { pads: attr.ints([1, 1, 1, 1]) }, output: 'c1' });
  if (barrier) c = b.op1('Reshape', [c, b.initializer('SHAPE', int64Tensor([4], [1, 8, 6, 5]))], { output: 'c1_logical' });
  let y = b.op1('Mul', [init('S', [1], 3), c], { output: 'e_scale' });
  y = b.op1('Add', [y, init('K', [1, 8, 1, 1], 4)], { output: 'e_channel' });
  y = b.op1('Add', [y, r], { output: 'e_residual' });
  y = b.op1('Clip', [y, init('LO', [], 5), init('HI', [], 6)], { output: 'e_clip' });
  y = b.op1('HardSigmoid', [y], { attrs: { alpha: attr.float(0.3) }, output: 'e_hsig' });
  y = b.op1('Div', [y, init('ROW', [5], 7)], { output: 'e_row' });
  y = b.op1('Sub', [y, init('COL', [6, 1], 8)], { output: 'e_col' });
  y = b.op1('Mul', [init('CH', [8, 6, 1], 9), y], { output: 'e_transposed' });
  y = b.op1('Relu', [y], { output: 'e_relu' });
  const d = b.op1('Conv', [y, init('W2', [8, 1, 3, 3], 10), init('B2', [8], 11)], { attrs: { group: attr.int(8), pads: attr.ints([1, 1, 1, 1]), strides: attr.ints([2, 1]) }, output: 'dw' });
  const p = b.op1('Conv', [d, init('W3', [6, 8, 1, 1], 12), init('B3', [6], 13)], { output: 'pw' });
  b.output(y, 'Y'); // the Relu output
  b.output(d, 'D');
  b.output(p, 'P');
  b.output(b.op1('GlobalAveragePool', [p], { output: 'gap' }), 'G');
  // BatchNormalization and pools take a channels-last input as stored (in the barrier
  // variant: the logical one).
  const pos = (name: string, seed: number): Value => {
    const t = values(DataType.FLOAT, [8], seed);
    const f = Float32Array.from(t.data as Float32Array, (v) => Math.abs(v) + 0.25);
    return b.initializer(name, dtype === DataType.FLOAT16 ? Tensor.of(dtype, [8], float32ToFloat16Bits(f)) : Tensor.of(dtype, [8], f));
  };
  b.output(b.op1('BatchNormalization', [c, init('BN_S', [8], 20), init('BN_B', [8], 21), init('BN_M', [8], 22), pos('BN_V', 23)], { attrs: { epsilon: attr.float(1e-3) } }), 'BN');
  b.output(b.op1('AveragePool', [c], { attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), pads: attr.ints([0, 0, 1, 1]), count_include_pad: attr.int(1) } }), 'AP');
  b.output(b.op1('MaxPool', [c], { attrs: { kernel_shape: attr.ints([3, 2]), pads: attr.ints([1, 0, 1, 1]) } }), 'MP');
  return b.model({ opset: 17 });
}

const ELEMENTWISE = ['e_scale', 'e_channel', 'e_residual', 'e_clip', 'e_hsig', 'e_row', 'e_col', 'e_transposed'];

describe('channels-last values (conv outputs through elementwise ops)', () => {
  before(setup);

  for (const dtype of [DataType.FLOAT, DataType.FLOAT16]) {
    const name = dtype === DataType.FLOAT ? 'FLOAT' : 'FLOAT16';
    it(`${name}: elementwise ops on a conv output give the logical layout's numbers bit for bit`, async () => {
      const m = block(dtype, false);
      const feeds = generateInputs(m, { seed: 5 });
      const a = await run(m, feeds, { keepIntermediates: true });
      const l = await run(block(dtype, true), feeds, { keepIntermediates: true });
      for (const v of ['c1', ...ELEMENTWISE]) {
        const got = a.intermediates!.get(v)!;
        expect(got.dims, v).to.deep.equal([...l.intermediates!.get(v)!.dims]);
        expect(Array.from(got.data as ArrayLike<number>), v).to.deep.equal(Array.from(l.intermediates!.get(v)!.data as ArrayLike<number>));
      }
      for (const o of ['Y', 'D', 'AP', 'MP', 'BN']) expect(nums(a.outputs[o]), o).to.deep.equal(nums(l.outputs[o]));
      // The pointwise conv multiplies in another order per layout (NHWC rows · weight vs weight · NCHW columns).
      const tol = dtype === DataType.FLOAT ? 1e-5 : 2e-3;
      close(nums(a.outputs['P']), nums(l.outputs['P']), tol);
      close(nums(a.outputs['G']), nums(l.outputs['G']), tol);
      expect(a.outputs['G']!.dims).to.deep.equal([1, 6, 1, 1]);
    });
  }

  it('a prepared model frees channels-last values and their logical twins after each run', () => {
    const m = block(DataType.FLOAT, false);
    const feeds = generateInputs(m, { seed: 6 });
    const p = prepareModel(m);
    const first = p.run(feeds, { keepIntermediates: true });
    if (first._tag === 'Left') throw first.left;
    const base = liveTensorCount();
    for (let i = 0; i < 3; i++) {
      // keepIntermediates reads every value in the logical layout (making each twin).
      const r = p.run(feeds, { keepIntermediates: i % 2 === 0 });
      if (r._tag === 'Left') throw r.left;
      expect(nums(r.right.outputs['G'])).to.deep.equal(nums(first.right.outputs['G']));
      expect(liveTensorCount()).to.equal(base);
    }
    p.dispose();
  });
});

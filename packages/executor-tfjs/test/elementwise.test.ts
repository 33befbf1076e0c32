import { expect } from 'chai';
import {
  attr, DataType, floatTensor, fromFloat16Bits, int32Tensor, int64Tensor, Tensor, tensorFromNumbers,
} from '@mixprec/ir';
import { close, nums, run, setup, singleOp } from './helpers.js';

const F = DataType.FLOAT;

describe('elementwise, comparison and cast kernels', () => {
  before(setup);

  it('unary math matches Math.* (float32 tolerance)', async () => {
    const xs = [0.25, 0.5, 1, 2];
    for (const [op, f] of [['Sqrt', Math.sqrt], ['Exp', Math.exp], ['Log', Math.log], ['Tanh', Math.tanh], ['Erf', erf], ['Atan', Math.atan]] as const) {
      const r = await run(singleOp(op, [['X', F, [4]]]), { X: floatTensor([4], xs) });
      close(nums(r.outputs['Y0']), xs.map(f), 1e-6);
    }
  });

  it('Round rounds half to even; Sign and Abs on ints are exact', async () => {
    const r = await run(singleOp('Round', [['X', F, [6]]]), { X: floatTensor([6], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4]) });
    expect(nums(r.outputs['Y0'])).to.deep.equal([0, 2, 2, -0, -2, 2]);
    const a = await run(singleOp('Abs', [['X', DataType.INT32, [3]]]), { X: int32Tensor([3], [-3, 0, 7]) });
    expect(nums(a.outputs['Y0'])).to.deep.equal([3, 0, 7]);
  });

  it('Add broadcasts [2,3] + [3]', async () => {
    const r = await run(singleOp('Add', [['A', F, [2, 3]], ['B', F, [3]]]), { A: floatTensor([2, 3], [1, 2, 3, 4, 5, 6]), B: floatTensor([3], [10, 20, 30]) });
    expect(r.outputs['Y0']!.dims).to.deep.equal([2, 3]);
    expect(nums(r.outputs['Y0'])).to.deep.equal([11, 22, 33, 14, 25, 36]);
  });

  it('Pow by 2 is the correctly rounded square; other exponents and broadcasting still apply', async () => {
    const n = 4096;
    const xs = new Float32Array(n);
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      xs[i] = (seed / 2 ** 32 - 0.5) * 2 ** ((i % 40) - 20);
    }
    const sq = await run(singleOp('Pow', [['X', F, [n]], ['E', F, []]]), { X: Tensor.of(F, [n], xs), E: floatTensor([], [2]) });
    expect(nums(sq.outputs['Y0'])).to.deep.equal(Array.from(xs, (x) => Math.fround(x * x)));
    const cube = await run(singleOp('Pow', [['X', F, [3]], ['E', F, [1]]]), { X: floatTensor([3], [2, -3, 0.5]), E: floatTensor([1], [3]) });
    close(nums(cube.outputs['Y0']), [8, -27, 0.125], 1e-7);
    // A single-element exponent of higher rank broadcasts the output to its rank.
    const wide = await run(singleOp('Pow', [['X', F, [2]], ['E', F, [1, 1]]]), { X: floatTensor([2], [3, 4]), E: floatTensor([1, 1], [2]) });
    expect(wide.outputs['Y0']!.dims).to.deep.equal([1, 2]);
    expect(nums(wide.outputs['Y0'])).to.deep.equal([9, 16]);
  });

  it('integer Div truncates toward zero; Mod follows fmod', async () => {
    const m = singleOp('Div', [['A', DataType.INT32, [4]], ['B', DataType.INT32, [4]]]);
    const r = await run(m, { A: int32Tensor([4], [7, -7, 7, -7]), B: int32Tensor([4], [2, 2, -2, -2]) });
    expect(nums(r.outputs['Y0'])).to.deep.equal([3, -3, -3, 3]);
    const feeds = { A: int32Tensor([4], [7, -7, 7, -7]), B: int32Tensor([4], [3, 3, -3, -3]) };
    const py = await run(singleOp('Mod', [['A', DataType.INT32, [4]], ['B', DataType.INT32, [4]]]), feeds);
    expect(nums(py.outputs['Y0'])).to.deep.equal([1, 2, -2, -1]);
    const c = await run(singleOp('Mod', [['A', DataType.INT32, [4]], ['B', DataType.INT32, [4]]], { attrs: { fmod: attr.int(1) } }), feeds);
    expect(nums(c.outputs['Y0'])).to.deep.equal([1, -1, 1, -1]);
  });

  it('UINT8 arithmetic wraps around like the C type', async () => {
    const m = singleOp('Add', [['A', DataType.UINT8, [2]], ['B', DataType.UINT8, [2]]]);
    const r = await run(m, { A: Tensor.of(DataType.UINT8, [2], Uint8Array.of(250, 3)), B: Tensor.of(DataType.UINT8, [2], Uint8Array.of(10, 4)) });
    expect(r.outputs['Y0']!.dtype).to.equal(DataType.UINT8);
    expect(nums(r.outputs['Y0'])).to.deep.equal([4, 7]);
  });

  it('FLOAT16 outputs are rounded onto the fp16 grid (nearest even)', async () => {
    const H = DataType.FLOAT16;
    const m = singleOp('Add', [['A', H, [3]], ['B', H, [3]]]);
    const a = tensorFromNumbers(H, [3], [1, 1, 2048]);
    const b = tensorFromNumbers(H, [3], [2 ** -11, 3 * 2 ** -11, 3]);
    const r = await run(m, { A: a, B: b });
    const y = r.outputs['Y0']!;
    expect(y.dtype).to.equal(H);
    // 1 + 2^-11 is a tie → 1 (even); 1 + 3·2^-11 → 1 + 2^-9; 2048 + 3 = 2051 → tie → 2052 (even)
    expect(Array.from(y.data as Uint16Array, fromFloat16Bits)).to.deep.equal([1, 1 + 2 ** -9, 2052]);
  });

  it('FLOAT16 overflow goes to Infinity and BFLOAT16 outputs land on the bf16 grid', async () => {
    const H = DataType.FLOAT16;
    const r = await run(singleOp('Mul', [['A', H, [1]], ['B', H, [1]]]), { A: tensorFromNumbers(H, [1], [300]), B: tensorFromNumbers(H, [1], [300]) });
    expect(nums(r.outputs['Y0'])).to.deep.equal([Infinity]);
    const B = DataType.BFLOAT16;
    const s = await run(singleOp('Div', [['A', B, [1]], ['B', B, [1]]]), { A: tensorFromNumbers(B, [1], [1]), B: tensorFromNumbers(B, [1], [3]) });
    expect(nums(s.outputs['Y0'])).to.deep.equal([0.333984375]);
  });

  it('comparisons and logic produce BOOL; Where selects with broadcasting', async () => {
    const r = await run(singleOp('Less', [['A', F, [3]], ['B', F, [1]]]), { A: floatTensor([3], [1, 2, 3]), B: floatTensor([1], [2]) });
    expect(r.outputs['Y0']!.dtype).to.equal(DataType.BOOL);
    expect(nums(r.outputs['Y0'])).to.deep.equal([1, 0, 0]);
    const w = await run(singleOp('Where', [['C', DataType.BOOL, [3]], ['X', F, [3]], ['Y', F, [1]]]), {
      C: Tensor.of(DataType.BOOL, [3], Uint8Array.of(1, 0, 1)), X: floatTensor([3], [1, 2, 3]), Y: floatTensor([1], [-1]),
    });
    expect(nums(w.outputs['Y0'])).to.deep.equal([1, -1, 3]);
  });

  it('Cast: float → int truncates and saturates, → FLOAT16 rounds, INT64 stays exact', async () => {
    const toI8 = await run(singleOp('Cast', [['X', F, [5]]], { attrs: { to: attr.int(DataType.INT8) } }), { X: floatTensor([5], [1.9, -1.9, 300, -300, NaN]) });
    expect(toI8.outputs['Y0']!.dtype).to.equal(DataType.INT8);
    expect(nums(toI8.outputs['Y0'])).to.deep.equal([1, -1, 127, -128, 0]);
    const toH = await run(singleOp('Cast', [['X', F, [2]]], { attrs: { to: attr.int(DataType.FLOAT16) } }), { X: floatTensor([2], [0.1, 70000]) });
    expect(Array.from(toH.outputs['Y0']!.data as Uint16Array, fromFloat16Bits)).to.deep.equal([0.0999755859375, Infinity]);
    const big = 2n ** 40n + 1n;
    const toF = await run(singleOp('Cast', [['X', DataType.INT64, [2]]], { attrs: { to: attr.int(DataType.INT64) } }), { X: int64Tensor([2], [big, -5n]) });
    expect(Array.from(toF.outputs['Y0']!.data as BigInt64Array)).to.deep.equal([big, -5n]);
    const i32 = await run(singleOp('Cast', [['X', DataType.INT32, [1]]], { attrs: { to: attr.int(DataType.UINT8) } }), { X: int32Tensor([1], [257]) });
    expect(nums(i32.outputs['Y0'])).to.deep.equal([1]);
  });

  it('Clip, Relu, LeakyRelu, HardSigmoid, Softmax, Gelu', async () => {
    const x = floatTensor([4], [-2, -0.5, 0.5, 2]);
    const clip = await run(singleOp('Clip', [['X', F, [4]]], { inits: { lo: floatTensor([], [-1]), hi: floatTensor([], [1]) } }), { X: x });
    expect(nums(clip.outputs['Y0'])).to.deep.equal([-1, -0.5, 0.5, 1]);
    const lr = await run(singleOp('LeakyRelu', [['X', F, [4]]], { attrs: { alpha: attr.float(0.5) } }), { X: x });
    expect(nums(lr.outputs['Y0'])).to.deep.equal([-1, -0.25, 0.5, 2]);
    const sm = await run(singleOp('Softmax', [['X', F, [4]]]), { X: x });
    const e = [-2, -0.5, 0.5, 2].map(Math.exp);
    const s = e.reduce((p, q) => p + q, 0);
    close(nums(sm.outputs['Y0']), e.map((v) => v / s), 1e-6);
    const ge = await run(singleOp('Gelu', [['X', F, [4]]], { opset: 20 }), { X: x });
    close(nums(ge.outputs['Y0']), [-2, -0.5, 0.5, 2].map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2))), 1e-5);
  });
});

/** erf by its series (|x| ≤ 3 is enough here). */
function erf(x: number): number {
  let sum = 0;
  let term = x;
  for (let n = 0; n < 60; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

import { expect } from 'chai';
import { attr, DataType, floatTensor, int64Tensor, Tensor } from '@mixprec/ir';
import { nums, run, setup, singleOp } from './helpers.js';

const F = DataType.FLOAT;
const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('shape, layout and indexing kernels', () => {
  before(setup);

  it('Reshape copies 0-dims and infers -1', async () => {
    const r = await run(singleOp('Reshape', [['X', F, [2, 3, 4]]], { inits: { s: int64Tensor([3], [0, -1, 2]) } }), { X: floatTensor([2, 3, 4], iota(24)) });
    expect(r.outputs['Y0']!.dims).to.deep.equal([2, 6, 2]);
  });

  it('Transpose, Squeeze, Unsqueeze, Flatten', async () => {
    const x = floatTensor([2, 3], iota(6));
    const t = await run(singleOp('Transpose', [['X', F, [2, 3]]]), { X: x });
    expect(nums(t.outputs['Y0'])).to.deep.equal([0, 3, 1, 4, 2, 5]);
    const u = await run(singleOp('Unsqueeze', [['X', F, [2, 3]]], { inits: { a: int64Tensor([2], [-1, 0]) } }), { X: x });
    expect(u.outputs['Y0']!.dims).to.deep.equal([1, 2, 3, 1]);
    const s = await run(singleOp('Squeeze', [['X', F, [1, 2, 1, 3]]]), { X: floatTensor([1, 2, 1, 3], iota(6)) });
    expect(s.outputs['Y0']!.dims).to.deep.equal([2, 3]);
    const f = await run(singleOp('Flatten', [['X', F, [2, 3, 4]]], { attrs: { axis: attr.int(-1) } }), { X: floatTensor([2, 3, 4], iota(24)) });
    expect(f.outputs['Y0']!.dims).to.deep.equal([6, 4]);
  });

  it('Slice with negative steps, clamped ends and axes', async () => {
    const m = singleOp('Slice', [['X', F, [2, 5]]], {
      inits: { st: int64Tensor([2], [-1, 10]), en: int64Tensor([2], [-100, 0]), ax: int64Tensor([2], [1, 0]), sp: int64Tensor([2], [-2, -1]) },
    });
    const r = await run(m, { X: floatTensor([2, 5], iota(10)) });
    expect(r.outputs['Y0']!.dims).to.deep.equal([1, 3]);
    expect(nums(r.outputs['Y0'])).to.deep.equal([9, 7, 5]);
  });

  it('Concat, Split (uneven num_outputs), Tile, Expand', async () => {
    const c = await run(singleOp('Concat', [['A', F, [1, 2]], ['B', F, [2, 2]]], { attrs: { axis: attr.int(0) } }), { A: floatTensor([1, 2], [1, 2]), B: floatTensor([2, 2], [3, 4, 5, 6]) });
    expect(nums(c.outputs['Y0'])).to.deep.equal([1, 2, 3, 4, 5, 6]);
    const s = await run(singleOp('Split', [['X', F, [7]]], { attrs: { num_outputs: attr.int(3) }, outputs: 3, opset: 18 }), { X: floatTensor([7], iota(7)) });
    expect([nums(s.outputs['Y0']), nums(s.outputs['Y1']), nums(s.outputs['Y2'])]).to.deep.equal([[0, 1, 2], [3, 4, 5], [6]]);
    const t = await run(singleOp('Tile', [['X', F, [2]]], { inits: { r: int64Tensor([1], [3]) } }), { X: floatTensor([2], [1, 2]) });
    expect(nums(t.outputs['Y0'])).to.deep.equal([1, 2, 1, 2, 1, 2]);
    const e = await run(singleOp('Expand', [['X', F, [3, 1]]], { inits: { s: int64Tensor([2], [1, 2]) } }), { X: floatTensor([3, 1], [1, 2, 3]) });
    expect(e.outputs['Y0']!.dims).to.deep.equal([3, 2]);
  });

  it('Pad: constant, reflect, edge, wrap', async () => {
    const x = floatTensor([3], [1, 2, 3]);
    const pads = { p: int64Tensor([2], [2, 1]) };
    const expectPad = async (mode: string, want: number[]): Promise<void> => {
      const r = await run(singleOp('Pad', [['X', F, [3]]], { inits: pads, attrs: { mode: attr.string(mode) } }), { X: x });
      expect(nums(r.outputs['Y0']), mode).to.deep.equal(want);
    };
    await expectPad('constant', [0, 0, 1, 2, 3, 0]);
    await expectPad('reflect', [3, 2, 1, 2, 3, 2]);
    await expectPad('edge', [1, 1, 1, 2, 3, 3]);
    await expectPad('wrap', [2, 3, 1, 2, 3, 1]);
  });

  it('Shape (start/end), Size, Range, ConstantOfShape, EyeLike, Trilu', async () => {
    const sh = await run(singleOp('Shape', [['X', F, [2, 3, 4]]], { attrs: { start: attr.int(1) } }), { X: floatTensor([2, 3, 4], iota(24)) });
    expect(Array.from(sh.outputs['Y0']!.data as BigInt64Array)).to.deep.equal([3n, 4n]);
    const rg = await run(singleOp('Range', [['S', F, []], ['L', F, []], ['D', F, []]]), { S: floatTensor([], [1]), L: floatTensor([], [2]), D: floatTensor([], [0.25]) });
    expect(nums(rg.outputs['Y0'])).to.deep.equal([1, 1.25, 1.5, 1.75]);
    // Float Range accumulates in float32 like the ONNX function body and onnxruntime:
    // 0.1 added ten times differs from 10 * 0.1 in float32.
    const acc: number[] = [];
    for (let v = 0, i = 0; i < 30; i++, v = Math.fround(v + Math.fround(0.1))) acc.push(v);
    const rf = await run(singleOp('Range', [['S', F, []], ['L', F, []], ['D', F, []]]), { S: floatTensor([], [0]), L: floatTensor([], [3]), D: floatTensor([], [0.1]) });
    expect(nums(rf.outputs['Y0'])).to.deep.equal(acc);
    expect(acc[29]).to.not.equal(Math.fround(29 * Math.fround(0.1)));
    const co = await run(singleOp('ConstantOfShape', [['S', DataType.INT64, [2]]], { attrs: { value: attr.tensor(Tensor.of(DataType.INT32, [1], Int32Array.of(7))) } }), { S: int64Tensor([2], [2, 1]) });
    expect(co.outputs['Y0']!.dtype).to.equal(DataType.INT32);
    expect(nums(co.outputs['Y0'])).to.deep.equal([7, 7]);
    const tr = await run(singleOp('Trilu', [['X', F, [3, 3]]], { attrs: { upper: attr.int(0) } }), { X: floatTensor([3, 3], iota(9).map((i) => i + 1)) });
    expect(nums(tr.outputs['Y0'])).to.deep.equal([1, 0, 0, 4, 5, 0, 7, 8, 9]);
  });

  it('Gather (negative indices), GatherElements, GatherND, ScatterND (add), ScatterElements', async () => {
    const x = floatTensor([3, 2], [1, 2, 3, 4, 5, 6]);
    const g = await run(singleOp('Gather', [['X', F, [3, 2]]], { inits: { i: int64Tensor([2, 1], [-1, 0]) } }), { X: x });
    expect(g.outputs['Y0']!.dims).to.deep.equal([2, 1, 2]);
    expect(nums(g.outputs['Y0'])).to.deep.equal([5, 6, 1, 2]);
    const ge = await run(singleOp('GatherElements', [['X', F, [3, 2]]], { inits: { i: int64Tensor([2, 2], [2, 0, 1, 1]) } }), { X: x });
    expect(nums(ge.outputs['Y0'])).to.deep.equal([5, 2, 3, 4]);
    const gn = await run(singleOp('GatherND', [['X', F, [3, 2]]], { inits: { i: int64Tensor([2, 2], [2, 1, 0, 0]) } }), { X: x });
    expect(nums(gn.outputs['Y0'])).to.deep.equal([6, 1]);
    const sn = await run(singleOp('ScatterND', [['X', F, [3, 2]]], {
      inits: { i: int64Tensor([2, 1], [1, 1]), u: floatTensor([2, 2], [10, 20, 30, 40]) }, attrs: { reduction: attr.string('add') }, opset: 18,
    }), { X: x });
    expect(nums(sn.outputs['Y0'])).to.deep.equal([1, 2, 43, 64, 5, 6]);
    const se = await run(singleOp('ScatterElements', [['X', F, [3, 2]]], {
      inits: { i: int64Tensor([1, 2], [2, 0]), u: floatTensor([1, 2], [-1, -2]) },
    }), { X: x });
    expect(nums(se.outputs['Y0'])).to.deep.equal([1, -2, 3, 4, -1, 6]);
  });

  it('OneHot, NonZero, Compress, TopK (ties by index), CumSum, Unique', async () => {
    const oh = await run(singleOp('OneHot', [['I', DataType.INT64, [3]]], { inits: { d: int64Tensor([], [3]), v: floatTensor([2], [0, 5]) } }), { I: int64Tensor([3], [0, -1, 7]) });
    expect(nums(oh.outputs['Y0'])).to.deep.equal([5, 0, 0, 0, 0, 5, 0, 0, 0]);
    const nz = await run(singleOp('NonZero', [['X', F, [2, 2]]]), { X: floatTensor([2, 2], [0, 1, 2, 0]) });
    expect(Array.from(nz.outputs['Y0']!.data as BigInt64Array)).to.deep.equal([0n, 1n, 1n, 0n]);
    const tk = await run(singleOp('TopK', [['X', F, [5]]], { inits: { k: int64Tensor([1], [3]) }, outputs: 2 }), { X: floatTensor([5], [1, 3, 3, 2, 3]) });
    expect(nums(tk.outputs['Y0'])).to.deep.equal([3, 3, 3]);
    expect(nums(tk.outputs['Y1'])).to.deep.equal([1, 2, 4]);
    const cs = await run(singleOp('CumSum', [['X', F, [4]]], { inits: { a: int64Tensor([], [0]) }, attrs: { exclusive: attr.int(1) } }), { X: floatTensor([4], [1, 2, 3, 4]) });
    expect(nums(cs.outputs['Y0'])).to.deep.equal([0, 1, 3, 6]);
    const un = await run(singleOp('Unique', [['X', F, [6]]], { outputs: 4 }), { X: floatTensor([6], [2, 1, 1, 3, 4, 3]) });
    expect(nums(un.outputs['Y0'])).to.deep.equal([1, 2, 3, 4]);
    expect(nums(un.outputs['Y2'])).to.deep.equal([1, 0, 0, 2, 3, 2]);
    expect(nums(un.outputs['Y3'])).to.deep.equal([2, 1, 2, 1]);
  });

  it('DepthToSpace (DCR and CRD) inverts SpaceToDepth', async () => {
    const x = floatTensor([1, 1, 4, 4], iota(16));
    const s2d = await run(singleOp('SpaceToDepth', [['X', F, [1, 1, 4, 4]]], { attrs: { blocksize: attr.int(2) } }), { X: x });
    expect(s2d.outputs['Y0']!.dims).to.deep.equal([1, 4, 2, 2]);
    const back = await run(singleOp('DepthToSpace', [['X', F, [1, 4, 2, 2]]], { attrs: { blocksize: attr.int(2) } }), { X: s2d.outputs['Y0']! });
    expect(nums(back.outputs['Y0'])).to.deep.equal(iota(16));
  });
});

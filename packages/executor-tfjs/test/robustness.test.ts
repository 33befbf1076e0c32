import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { attr, DataType, floatTensor, GraphBuilder, int64Tensor, Tensor, type Attr, type Model } from '@mixprec/ir';
import { executeModel, initBackend, type Feed } from '../src/index.js';
import { nums, setup, singleOp } from './helpers.js';

/**
 * Shapes a kernel cannot take give a typed KernelError naming the node (as onnxruntime-node
 * errors), never a trap inside tfjs' wasm backend; empty extents give deterministic,
 * onnxruntime-compatible results. Checked on the wasm backend (where traps happen) and cpu.
 */

const F = DataType.FLOAT;

function ramp(dims: readonly number[]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return floatTensor(dims, Float32Array.from({ length: n }, (_, i) => (i % 7) - 3));
}

function run(m: Model, feeds: Record<string, Feed>): ReturnType<typeof executeModel> {
  return executeModel(m, feeds, { checkShapes: false });
}

function expectKernelError(m: Model, feeds: Record<string, Feed>, pattern: RegExp): void {
  const r = run(m, feeds);
  if (r._tag === 'Right') throw new Error('a KernelError was expected');
  expect(r.left._tag).to.equal('KernelError');
  expect(r.left.message).to.match(pattern);
}

function op(name: string, inputs: readonly (readonly [string, DataType, readonly number[]])[], attrs: Record<string, Attr> = {}, inits: Record<string, Tensor> = {}): Model {
  return singleOp(name, inputs, { attrs, inits, opset: 18 });
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`invalid and empty shapes (${backend} backend)`, () => {
    before(async () => {
      await initBackend(backend);
    });
    after(setup);

    it('Conv whose input (plus pads) is smaller than the kernel: KernelError (1-D, 2-D, 3-D)', () => {
      expectKernelError(op('Conv', [['X', F, [1, 1, 33]], ['W', F, [2, 1, 128]]], { strides: attr.ints([64]) }), { X: ramp([1, 1, 33]), W: ramp([2, 1, 128]) },
        /^Conv 'conv_node': input \[1, 1, 33\] is smaller than the kernel along spatial dim 2: 33 \+ pads 0\+0 < kernel 128/);
      expectKernelError(op('Conv', [['X', F, [1, 1, 2, 2]], ['W', F, [1, 1, 3, 3]]]), { X: ramp([1, 1, 2, 2]), W: ramp([1, 1, 3, 3]) }, /smaller than the kernel/);
      expectKernelError(op('Conv', [['X', F, [1, 1, 4, 4]], ['W', F, [1, 1, 3, 3]]], { dilations: attr.ints([2, 2]) }), { X: ramp([1, 1, 4, 4]), W: ramp([1, 1, 3, 3]) }, /dilated to 5/);
      expectKernelError(op('Conv', [['X', F, [1, 1, 2, 2, 2]], ['W', F, [1, 1, 3, 3, 3]]]), { X: ramp([1, 1, 2, 2, 2]), W: ramp([1, 1, 3, 3, 3]) }, /smaller than the kernel/);
      expectKernelError(op('Conv', [['X', F, [1, 1, 0, 4]], ['W', F, [2, 1, 1, 1]]]), { X: ramp([1, 1, 0, 4]), W: ramp([2, 1, 1, 1]) }, /empty spatial dim 2/);
      // pads can make it fit
      const fit = run(op('Conv', [['X', F, [1, 1, 2, 2]], ['W', F, [1, 1, 3, 3]]], { pads: attr.ints([1, 1, 0, 0]) }), { X: ramp([1, 1, 2, 2]), W: ramp([1, 1, 3, 3]) });
      expect(fit._tag).to.equal('Right');
    });

    it('Conv over an empty batch gives an empty output of the right shape', () => {
      const r = run(op('Conv', [['X', F, [0, 1, 4, 4]], ['W', F, [2, 1, 3, 3]]]), { X: ramp([0, 1, 4, 4]), W: ramp([2, 1, 3, 3]) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(r.right.outputs['Y0']!.dims).to.deep.equal([0, 2, 2, 2]);
    });

    it('ConvTranspose with a negative output size: KernelError', () => {
      expectKernelError(op('ConvTranspose', [['X', F, [1, 1, 2, 2]], ['W', F, [1, 1, 3, 3]]], { pads: attr.ints([3, 3, 3, 3]) }),
        { X: ramp([1, 1, 2, 2]), W: ramp([1, 1, 3, 3]) }, /output size -2 along spatial dim 2 is negative/);
    });

    it('pooling: empty inputs are KernelErrors (as in onnxruntime), windows larger than the input give empty outputs', () => {
      for (const name of ['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool']) {
        expectKernelError(op(name, [['X', F, [1, 2, 0, 3]]]), { X: ramp([1, 2, 0, 3]) }, /input \[1, 2, 0, 3\] is empty/);
      }
      expectKernelError(op('AveragePool', [['X', F, [1, 1, 0, 4]]], { kernel_shape: attr.ints([1, 1]) }), { X: ramp([1, 1, 0, 4]) }, /is empty/);
      const g = run(op('GlobalAveragePool', [['X', F, [0, 2, 3, 3]]]), { X: ramp([0, 2, 3, 3]) });
      if (g._tag === 'Left') throw new Error(g.left.message);
      expect(g.right.outputs['Y0']!.dims).to.deep.equal([0, 2, 1, 1]);
      for (const name of ['MaxPool', 'AveragePool', 'LpPool']) {
        const r = run(op(name, [['X', F, [1, 1, 2, 2]]], { kernel_shape: attr.ints([3, 3]) }), { X: ramp([1, 1, 2, 2]) });
        if (r._tag === 'Left') throw new Error(r.left.message);
        expect(r.right.outputs['Y0']!.dims, name).to.deep.equal([1, 1, 0, 0]);
      }
    });

    it('reductions over empty extents are deterministic (ONNX identities; ReduceMean 0/0 = NaN); ArgMax over nothing is an error', () => {
      const want: Record<string, number> = {
        ReduceSum: 0, ReduceMax: -Infinity, ReduceMin: Infinity, ReduceProd: 1, ReduceL1: 0, ReduceL2: 0,
        ReduceLogSum: -Infinity, ReduceLogSumExp: -Infinity, ReduceSumSquare: 0, ReduceMean: NaN,
      };
      for (const [name, v] of Object.entries(want)) {
        const m = op(name, [['X', F, [2, 0]]], {}, { axes: int64Tensor([1], [1]) });
        const a = run(m, { X: ramp([2, 0]) });
        const b = run(m, { X: ramp([2, 0]) });
        if (a._tag === 'Left' || b._tag === 'Left') throw new Error(`${name} failed`);
        expect(nums(a.right.outputs['Y0']), name).to.deep.equal([v, v]);
        expect(nums(b.right.outputs['Y0']), name).to.deep.equal([v, v]);
      }
      expectKernelError(op('ArgMax', [['X', F, [2, 0]]], { axis: attr.int(1) }), { X: ramp([2, 0]) }, /axis 1 of FLOAT\[2, 0\] is empty/);
      expectKernelError(op('LayerNormalization', [['X', F, [2, 0]], ['S', F, [0]]]), { X: ramp([2, 0]), S: ramp([0]) }, /hold no element/);
    });

    it('empty tensors run on the cpu backend: ArgMax, Trilu, Unique and Xor of empty inputs give empty outputs', () => {
      const shapes = (m: Model, feeds: Record<string, Feed>): number[][] => {
        const r = run(m, feeds);
        if (r._tag === 'Left') throw new Error(r.left.message);
        return Object.values(r.right.outputs).map((t) => [...t.dims]);
      };
      expect(shapes(op('ArgMax', [['X', F, [0, 3, 4]]], { axis: attr.int(1) }), { X: ramp([0, 3, 4]) })).to.deep.equal([[0, 1, 4]]);
      expect(shapes(op('Trilu', [['X', F, [4, 0]]]), { X: ramp([4, 0]) })).to.deep.equal([[4, 0]]);
      expect(shapes(singleOp('Unique', [['X', F, [0]]], { outputs: 4, opset: 18 }), { X: ramp([0]) })).to.deep.equal([[0], [0], [0], [0]]);
      const bools = Tensor.of(DataType.BOOL, [0, 4, 5], new Uint8Array(0));
      expect(shapes(op('Xor', [['A', DataType.BOOL, [0, 4, 5]], ['B', DataType.BOOL, [5]]]), { A: bools, B: Tensor.of(DataType.BOOL, [5], new Uint8Array(5)) })).to.deep.equal([[0, 4, 5]]);
    });

    it('MatMul and Gemm with an empty inner dimension give zeros', () => {
      const r = run(op('MatMul', [['A', F, [2, 0]], ['B', F, [0, 3]]]), { A: ramp([2, 0]), B: ramp([0, 3]) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(nums(r.right.outputs['Y0'])).to.deep.equal([0, 0, 0, 0, 0, 0]);
      const g = run(op('Gemm', [['A', F, [2, 0]], ['B', F, [0, 3]], ['C', F, [3]]]), { A: ramp([2, 0]), B: ramp([0, 3]), C: floatTensor([3], [1, 2, 3]) });
      if (g._tag === 'Left') throw new Error(g.left.message);
      expect(nums(g.right.outputs['Y0'])).to.deep.equal([1, 2, 3, 1, 2, 3]);
    });

    it('Pad: reflect beyond the axis, edge on an empty axis and over-cropping negative pads are KernelErrors', () => {
      const pad = (mode: string, p: number[], dims: number[]): void => expectKernelError(
        op('Pad', [['X', F, dims]], { mode: attr.string(mode) }, { pads: int64Tensor([4], p) }), { X: ramp(dims) }, /^Pad 'pad_node': /);
      pad('reflect', [0, 3, 0, 3], [1, 3]);
      pad('reflect', [0, 1, 0, 1], [1, 1]);
      pad('edge', [0, 1, 0, 1], [1, 0]);
      pad('constant', [0, -2, 0, -2], [1, 3]);
      const ok = run(op('Pad', [['X', F, [1, 3]]], { mode: attr.string('reflect') }, { pads: int64Tensor([4], [0, 2, 0, 2]) }), { X: floatTensor([1, 3], [1, 2, 3]) });
      if (ok._tag === 'Left') throw new Error(ok.left.message);
      expect(nums(ok.right.outputs['Y0'])).to.deep.equal([3, 2, 1, 2, 3, 2, 1]);
    });

    it('Cast INT32 → FLOAT16 rounds the numbers (the cpu backend keeps cast int data in an Int32Array)', () => {
      const m = singleOp('Cast', [['X', DataType.INT32, [3]]], { attrs: { to: attr.int(DataType.FLOAT16) } });
      const r = run(m, { X: Tensor.of(DataType.INT32, [3], Int32Array.of(3, 2049, -7)) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      expect(nums(r.right.outputs['Y0'])).to.deep.equal([3, 2048, -7]);
    });

    it('an STFT front end (reflect Pad, Conv with a 128-tap kernel, as silero VAD) on a 1×1 input: KernelErrors; the backend keeps working', () => {
      const mode = (m: string): Model => {
        const bb = new GraphBuilder();
        const a = bb.input('audio', F, ['N', 'T']);
        const padded = bb.op1('Pad', [a, bb.initializer('p', int64Tensor([4], [0, 32, 0, 32]))], { attrs: { mode: attr.string(m) }, name: 'stft_pad' });
        const u = bb.op1('Unsqueeze', [padded, bb.initializer('ax', int64Tensor([1], [1]))]);
        bb.output(bb.op1('Conv', [u, bb.initializer('basis', ramp([8, 1, 128]))], { attrs: { strides: attr.ints([64]) }, name: 'stft_conv' }), 'spec');
        return bb.model({ opset: 18 });
      };
      const base = tf.memory().numTensors;
      const tiny = { audio: ramp([1, 1]) };
      const r1 = executeModel(mode('reflect'), tiny);
      if (r1._tag === 'Right') throw new Error('an error was expected');
      expect(r1.left._tag).to.equal('KernelError');
      expect(r1.left.node).to.equal('stft_pad');
      expect(r1.left.message).to.match(/'reflect' pads 32, 32 on dim 1 exceed its 1 element/);
      const r2 = executeModel(mode('constant'), tiny);
      if (r2._tag === 'Right') throw new Error('an error was expected');
      expect(r2.left.node).to.equal('stft_conv');
      expect(r2.left.message).to.match(/input \[1, 1, 65\] is smaller than the kernel along spatial dim 2: 65 \+ pads 0\+0 < kernel 128/);
      expect(tf.memory().numTensors).to.equal(base);
      // the same process, the same backend: a valid input runs
      const ok = executeModel(mode('reflect'), { audio: ramp([1, 512]) });
      if (ok._tag === 'Left') throw new Error(ok.left.message);
      expect(ok.right.outputs['spec']!.dims).to.deep.equal([1, 8, 8]);
    });
  });
}

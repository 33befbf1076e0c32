import { expect } from 'chai';
import {
  DataType, GraphBuilder, attr, floatTensor, int64Tensor, tensorType, type Attr, type Dim, type Model, type Node, type Tensor,
} from '@mixprec/ir';
import {
  attrOrDefault, createPolicyQuery, inputShape, isDepthwiseConv, knownProduct, macsOf, reductionDepth, weightElements,
} from '../src/index.js';

type InputSpec = readonly Dim[] | Tensor | undefined;

/** One node over float inputs (shapes → graph inputs, tensors → initializers). */
function single(op: string, inputs: readonly InputSpec[], o: { attrs?: Record<string, Attr>; out?: readonly Dim[]; opset?: number } = {}): { node: Node; model: Model } {
  const b = new GraphBuilder();
  const vals = inputs.map((s, i) => (s === undefined ? undefined
    : Array.isArray(s) ? b.input(`x${i}`, DataType.FLOAT, s as readonly Dim[]) : b.initializer(`w${i}`, s as Tensor)));
  const y = b.op1(op, vals, { attrs: o.attrs, type: o.out === undefined ? undefined : tensorType(DataType.FLOAT, o.out) });
  b.output(y);
  return { node: y.producer()!, model: b.model({ opset: o.opset ?? 17 }) };
}

function zeros(dims: readonly number[]): Tensor {
  return floatTensor(dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));
}

function q(op: string, inputs: readonly InputSpec[], o: { attrs?: Record<string, Attr>; out?: readonly Dim[]; opset?: number } = {}) {
  const { node, model } = single(op, inputs, o);
  return createPolicyQuery(node, model);
}

describe('policy helpers', () => {
  describe('knownProduct', () => {
    it('multiplies known dims and refuses symbolic or missing ones', () => {
      expect(knownProduct([2, 3, 4])).to.equal(24);
      expect(knownProduct([])).to.equal(1);
      expect(knownProduct([2, 'N'])).to.equal(undefined);
      expect(knownProduct([2, undefined])).to.equal(undefined);
      expect(knownProduct(undefined)).to.equal(undefined);
    });
  });

  describe('macsOf', () => {
    it('MatMul: batch·M·K·N with numpy broadcasting and 1-D promotion', () => {
      expect(macsOf(q('MatMul', [[2, 3, 64, 128], [128, 256]]))).to.equal(2 * 3 * 64 * 128 * 256);
      expect(macsOf(q('MatMul', [[1, 4, 8, 16], [3, 1, 16, 32]]))).to.equal(12 * 8 * 16 * 32);
      expect(macsOf(q('MatMul', [[128], [128, 10]]))).to.equal(1280);
      expect(macsOf(q('MatMul', [[7, 128], [128]]))).to.equal(7 * 128);
    });
    it('MatMul: unknown when a needed dim is symbolic', () => {
      expect(macsOf(q('MatMul', [['N', 64, 128], [128, 256]]))).to.equal(undefined);
      expect(macsOf(q('MatMul', [[64, 'K'], ['K', 256]]))).to.equal(undefined);
      expect(macsOf(q('MatMul', [undefined, [128, 256]]))).to.equal(undefined);
    });
    it('Gemm honours transA/transB', () => {
      expect(macsOf(q('Gemm', [[8, 32], [32, 16]]))).to.equal(8 * 32 * 16);
      expect(macsOf(q('Gemm', [[32, 8], [16, 32]], { attrs: { transA: attr.int(1), transB: attr.int(1) } }))).to.equal(8 * 32 * 16);
    });
    it('Conv: output elements · Cin/group · kernel (weight dims from the constant)', () => {
      const conv = q('Conv', [[1, 16, 32, 32], zeros([32, 16, 3, 3])], { out: [1, 32, 30, 30] });
      expect(macsOf(conv)).to.equal(32 * 30 * 30 * 16 * 9);
      const dw = q('Conv', [[1, 32, 32, 32], zeros([32, 1, 3, 3])], { attrs: { group: attr.int(32) }, out: [1, 32, 30, 30] });
      expect(macsOf(dw)).to.equal(32 * 30 * 30 * 9);
      expect(macsOf(q('Conv', [[1, 16, 32, 32], zeros([32, 16, 3, 3])]))).to.equal(undefined, 'no output shape');
    });
    it('ConvTranspose: input elements · Cout/group · kernel', () => {
      expect(macsOf(q('ConvTranspose', [[1, 8, 16, 16], zeros([8, 4, 3, 3])]))).to.equal(8 * 16 * 16 * 4 * 9);
    });
    it('is undefined for other ops', () => {
      expect(macsOf(q('Add', [[4], [4]]))).to.equal(undefined);
    });
  });

  describe('reductionDepth', () => {
    it('is K for MatMul/Gemm and Cin/group·kernel for Conv', () => {
      expect(reductionDepth(q('MatMul', [[2, 64, 300], [300, 8]]))).to.equal(300);
      expect(reductionDepth(q('Gemm', [[300, 2], [300, 8]], { attrs: { transA: attr.int(1) } }))).to.equal(300);
      expect(reductionDepth(q('Conv', [[1, 16, 8, 8], zeros([4, 8, 3, 3])], { attrs: { group: attr.int(2) } }))).to.equal(72);
      expect(reductionDepth(q('MatMul', [[2, 'K'], ['K', 8]]))).to.equal(undefined);
      expect(reductionDepth(q('Relu', [[2]]))).to.equal(undefined);
    });
    it('counts the reduced elements of Reduce* (axes attribute, constant axes input, none)', () => {
      expect(reductionDepth(q('ReduceMean', [[2, 3, 40, 50]], { attrs: { axes: attr.ints([-1, 2]) }, opset: 13 }))).to.equal(2000);
      expect(reductionDepth(q('ReduceSum', [[2, 3, 40, 50], int64Tensor([1], [1])], { opset: 13 }))).to.equal(3);
      expect(reductionDepth(q('ReduceSum', [[2, 3, 40, 50], [1]], { opset: 13 }))).to.equal(undefined, 'axes computed at run time');
      expect(reductionDepth(q('ReduceMax', [[2, 3, 4]], { opset: 18 }))).to.equal(24);
      expect(reductionDepth(q('ReduceMax', [[2, 3, 4]], { opset: 18, attrs: { noop_with_empty_axes: attr.int(1) } }))).to.equal(1);
      expect(reductionDepth(q('ReduceL2', [[2, 'N', 4]], { attrs: { axes: attr.ints([1]) } }))).to.equal(undefined);
    });
    it('counts pools, softmax (by opset), LayerNormalization and CumSum', () => {
      expect(reductionDepth(q('GlobalAveragePool', [[1, 8, 20, 30]]))).to.equal(600);
      expect(reductionDepth(q('AveragePool', [[1, 8, 20, 30]], { attrs: { kernel_shape: attr.ints([3, 3]) } }))).to.equal(9);
      expect(reductionDepth(q('Softmax', [[2, 8, 128]], { opset: 13 }))).to.equal(128);
      expect(reductionDepth(q('Softmax', [[2, 8, 128]], { opset: 11 }))).to.equal(1024, 'coerced to 2-D from axis 1');
      expect(reductionDepth(q('LayerNormalization', [[2, 8, 128]], { attrs: { axis: attr.int(1) } }))).to.equal(1024);
      expect(reductionDepth(q('CumSum', [[4, 1000], int64Tensor([], [-1])]))).to.equal(1000);
    });
  });

  describe('weightElements', () => {
    it('sums the float constant inputs (initializers and Constant outputs)', () => {
      expect(weightElements(q('Conv', [[1, 16, 8, 8], zeros([32, 16, 3, 3]), zeros([32])]))).to.equal(32 * 16 * 9 + 32);
      const b = new GraphBuilder();
      const x = b.input('x', DataType.FLOAT, [4, 8]);
      const w = b.op1('Constant', [], { attrs: { value: attr.tensor(zeros([8, 8])) } });
      const y = b.op1('MatMul', [x, w]);
      b.output(y);
      expect(weightElements(createPolicyQuery(y.producer()!, b.model()))).to.equal(64);
    });
    it('is undefined without constant inputs', () => {
      expect(weightElements(q('MatMul', [[4, 8], [8, 8]]))).to.equal(undefined);
    });
  });

  describe('isDepthwiseConv', () => {
    it('needs group > 1 and one input channel per group', () => {
      expect(isDepthwiseConv(q('Conv', [[1, 32, 8, 8], zeros([32, 1, 3, 3])], { attrs: { group: attr.int(32) } }))).to.equal(true);
      expect(isDepthwiseConv(q('Conv', [[1, 32, 8, 8], zeros([32, 16, 3, 3])], { attrs: { group: attr.int(2) } }))).to.equal(false);
      expect(isDepthwiseConv(q('Conv', [[1, 32, 8, 8], zeros([32, 32, 3, 3])]))).to.equal(false);
      expect(isDepthwiseConv(q('Conv', [[1, 32, 8, 8], [32, 'c', 3, 3]], { attrs: { group: attr.int(32) } }))).to.equal(undefined);
      expect(isDepthwiseConv(q('MatMul', [[2, 2], [2, 2]]))).to.equal(false);
    });
  });

  describe('attrOrDefault', () => {
    it('reads the node attribute, else the schema default at the model opset', () => {
      expect(attrOrDefault(q('Conv', [[1, 4, 8, 8], zeros([4, 4, 3, 3])]), 'group')).to.deep.equal({ type: 'INT', value: 1 });
      expect(attrOrDefault(q('Conv', [[1, 4, 8, 8], zeros([4, 1, 3, 3])], { attrs: { group: attr.int(4) } }), 'group'))
        .to.deep.equal({ type: 'INT', value: 4 });
      expect(attrOrDefault(q('Relu', [[2]]), 'nonexistent')).to.equal(undefined);
    });
  });

  describe('createPolicyQuery', () => {
    it('takes the opset of the node domain, declared shapes and constants', () => {
      const query = q('MatMul', [[3, 4], zeros([4, 5])], { opset: 13 });
      expect(query.opset).to.equal(13);
      expect(query.target).to.equal(DataType.FLOAT16);
      expect(inputShape(query, 0)).to.deep.equal([3, 4]);
      expect(inputShape(query, 1)).to.deep.equal([4, 5]);
      expect(query.constantOf(query.node.inputs[0]!)).to.equal(undefined);
      expect(query.constantOf(query.node.inputs[1]!)?.dims).to.deep.equal([4, 5]);
    });
    it('accepts the shapes and target of the caller', () => {
      const { node, model } = single('MatMul', [[undefined, 4], [4, 5]]);
      const query = createPolicyQuery(node, model, { target: DataType.BFLOAT16, shapeOf: (v) => (v.name === 'x0' ? [9, 4] : v.shape) });
      expect(query.target).to.equal(DataType.BFLOAT16);
      expect(macsOf(query)).to.equal(9 * 4 * 5);
    });
  });
});

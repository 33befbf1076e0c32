import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { attr, DataType, floatTensor, FunctionDef, Graph, GraphBuilder, int64Tensor, Tensor, tensorType } from '@mixprec/ir';
import { onCpu } from '../src/backend.js';
import { executeModel, generateInputs, initBackend, supportedOps } from '../src/index.js';
import { nums, run, runErr, setup, singleOp } from './helpers.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const BIG = 2n ** 40n + 3n;

describe('executor runtime: int64, errors, disposal, API', () => {
  let backend = '';
  before(async () => {
    backend = await setup();
  });

  it('initBackend picks tensorflow or wasm by default and honours an explicit choice', async () => {
    expect(['tensorflow', 'wasm']).to.include(await initBackend());
    expect(await initBackend('cpu')).to.equal('cpu');
    backend = await setup();
  });

  it('wide int64 values move exactly through Reshape, Concat, Gather and Slice', async () => {
    const b = new GraphBuilder();
    const x = b.input('X', I64, [2, 2]);
    const shape = b.initializer('shape', int64Tensor([1], [4]));
    const flat = b.op1('Reshape', [x, shape]);
    const cat = b.op1('Concat', [flat, flat], { attrs: { axis: attr.int(0) } });
    const idx = b.initializer('idx', int64Tensor([2], [-1, 0]));
    b.output(b.op1('Gather', [cat, idx]), 'G');
    const st = b.initializer('st', int64Tensor([1], [1]));
    const en = b.initializer('en', int64Tensor([1], [2n ** 63n - 1n]));
    b.output(b.op1('Slice', [cat, st, en]), 'S');
    const r = await run(b.model(), { X: int64Tensor([2, 2], [BIG, -BIG, 7n, -(2n ** 62n)]) });
    expect(Array.from(r.outputs['G']!.data as BigInt64Array)).to.deep.equal([-(2n ** 62n), BIG]);
    expect(Array.from(r.outputs['S']!.data as BigInt64Array)).to.deep.equal([-BIG, 7n, -(2n ** 62n), BIG, -BIG, 7n, -(2n ** 62n)]);
  });

  it('int64 arithmetic is exact past the int32 range (no wrap)', async () => {
    const r = await run(singleOp('Mul', [['A', I64, [2]], ['B', I64, [2]]]), { A: int64Tensor([2], [100000, -3]), B: int64Tensor([2], [100000, 5]) });
    expect(Array.from(r.outputs['Y0']!.data as BigInt64Array)).to.deep.equal([10000000000n, -15n]);
  });

  it('an int64 value beyond int32 entering an int32 kernel is an Int64Overflow error naming the node', async () => {
    const m = singleOp('ArgMax', [['X', I64, [3]]]);
    const e = await runErr(m, { X: int64Tensor([3], [BIG, 1n, 2n]) });
    expect(e._tag).to.equal('Int64Overflow');
    const conv = singleOp('CumSum', [['X', I64, [2]]], { inits: { axis: int64Tensor([], [0]) } });
    const e2 = await runErr(conv, { X: int64Tensor([2], [BIG, 1n]) });
    expect(e2._tag).to.equal('Int64Overflow');
    expect(e2.message).to.match(/CumSum 'cumsum_node'/);
    expect(e2.message).to.contain(BIG.toString());
  });

  it('an unsupported op is an UnsupportedOp error naming the op and the node', async () => {
    const m = singleOp('FancyOp', [['X', F, [1]]], { domain: 'com.example' });
    const e = await runErr(m, { X: floatTensor([1], [1]) });
    expect(e._tag).to.equal('UnsupportedOp');
    expect(e.message).to.contain('com.example::FancyOp');
    expect(e.message).to.contain("'fancyop_node'");
    expect(e.node).to.equal('fancyop_node');
    expect(e.opType).to.equal('com.example::FancyOp');
  });

  it('bad feeds are InvalidInput errors', async () => {
    const m = singleOp('Relu', [['X', F, [2]]]);
    expect((await runErr(m, {}))._tag).to.equal('InvalidInput');
    expect((await runErr(m, { X: floatTensor([3], [1, 2, 3]) })).message).to.contain("Feed 'X' has shape [3]");
    expect((await runErr(m, { X: int64Tensor([2], [1, 2]) })).message).to.contain('declared FLOAT');
    expect((await runErr(m, { X: floatTensor([2], [1, 2]), Z: floatTensor([1], [0]) })).message).to.contain("Feed 'Z' names no graph input");
  });

  it('kernel failures are KernelErrors naming the node', async () => {
    const m = singleOp('Reshape', [['X', F, [6]]], { inits: { s: int64Tensor([1], [4]) } });
    const e = await runErr(m, { X: floatTensor([6], [1, 2, 3, 4, 5, 6]) });
    expect(e._tag).to.equal('KernelError');
    expect(e.message).to.match(/^Reshape 'reshape_node': cannot reshape FLOAT\[6\]/);
  });

  it('values are freed after their last use: the tensor count returns to its baseline', async () => {
    const b = new GraphBuilder();
    let v = b.input('X', F, [64, 64]);
    const w = b.initializer('W', floatTensor([64, 64], new Float32Array(4096).fill(0.01)));
    for (let i = 0; i < 20; i++) v = b.op1(i % 2 === 0 ? 'MatMul' : 'Relu', i % 2 === 0 ? [v, w] : [v]);
    b.output(v, 'Y');
    const model = b.model();
    const base = tf.memory().numTensors;
    const r = await run(model, { X: floatTensor([64, 64], new Float32Array(4096).fill(1)) }, { keepIntermediates: true });
    expect(tf.memory().numTensors).to.equal(base);
    expect(r.intermediates!.size).to.equal(20);
    await runErr(singleOp('FancyOp', [['X', F, [1]]]), { X: floatTensor([1], [1]) });
    await runErr(singleOp('Reshape', [['X', F, [6]]], { inits: { s: int64Tensor([1], [4]) } }), { X: floatTensor([6], [1, 2, 3, 4, 5, 6]) });
    expect(tf.memory().numTensors).to.equal(base);
  });

  it('takes tensor feeds made by another copy of @mixprec/ir (a class with the same fields, not instanceof Tensor)', async () => {
    // What a CommonJS and an ES module instance of the same package give each other (test loaders do this).
    class ForeignTensor {
      constructor(readonly dtype: DataType, readonly dims: readonly number[], readonly data: Float32Array) {}
    }
    const b = new GraphBuilder();
    b.output(b.op1('Neg', [b.input('X', F, [2])]), 'Y');
    const x = new ForeignTensor(F, [2], Float32Array.of(1, -2));
    expect(x instanceof Tensor).to.equal(false);
    const r = await run(b.model(), { X: x as unknown as Tensor });
    expect(nums(r.outputs['Y'])).to.deep.equal([-1, 2]);
  });

  it('keepIntermediates returns every main-graph value by name', async () => {
    const b = new GraphBuilder();
    const x = b.input('X', F, [2]);
    const y = b.op1('Neg', [x], { output: 'neg' });
    b.output(b.op1('Abs', [y], { output: 'abs' }), 'Y');
    const r = await run(b.model(), { X: floatTensor([2], [1, -2]) }, { keepIntermediates: true });
    expect([...r.intermediates!.keys()]).to.deep.equal(['neg', 'Y']);
    expect(nums(r.intermediates!.get('neg'))).to.deep.equal([-1, 2]);
  });

  it('declared FLOAT16 value types make a FLOAT op output round', async () => {
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT16, [1]);
    const y = b.op1('Sqrt', [x], { type: tensorType(DataType.FLOAT16) });
    b.output(y, 'Y');
    const r = await run(b.model(), { X: Tensor.of(DataType.FLOAT16, [1], Uint16Array.of(0x4000)) });
    expect(r.outputs['Y']!.dtype).to.equal(DataType.FLOAT16);
    expect((r.outputs['Y']!.data as Uint16Array)[0]).to.equal(0x3da8); // sqrt(2) → 1.4140625
  });

  it('generateInputs is seeded and follows declared shapes and dim values', () => {
    const b = new GraphBuilder();
    b.input('X', F, ['N', 3]);
    b.input('K', I64, []);
    b.input('B', DataType.BOOL, [2]);
    const m = b.model();
    const a = generateInputs(m, { seed: 7, dimValues: { N: 4 } });
    const c = generateInputs(m, { seed: 7, dimValues: { N: 4 } });
    const d = generateInputs(m, { seed: 8, dimValues: { N: 4 } });
    expect(a['X']!.dims).to.deep.equal([4, 3]);
    expect(Array.from(a['X']!.data as Float32Array)).to.deep.equal(Array.from(c['X']!.data as Float32Array));
    expect(Array.from(a['X']!.data as Float32Array)).to.not.deep.equal(Array.from(d['X']!.data as Float32Array));
    expect(nums(a['X']).every((v) => v >= -1 && v < 1)).to.equal(true);
    expect(a['K']!.data).to.be.instanceOf(BigInt64Array);
    expect(a['B']!.dtype).to.equal(DataType.BOOL);
    expect(generateInputs(m, { shapes: { X: [2, 3] } })['X']!.dims).to.deep.equal([2, 3]);
  });

  it('supportedOps lists at least 130 op types as domain::op', () => {
    const ops = supportedOps();
    expect(ops.length).to.be.at.least(130);
    for (const op of ['ai.onnx::Conv', 'ai.onnx::LSTM', 'ai.onnx::Resize', 'ai.onnx::Einsum', 'ai.onnx::QLinearConv', 'ai.onnx::Loop']) expect(ops).to.include(op);
  });

  it('runs model-local functions (FunctionProto) with attribute references', async () => {
    const body = new GraphBuilder(new Graph('ScaledAdd'));
    const a = body.input('a', F, [2]);
    const c = body.input('c', F, [2]);
    const sum = body.op1('Add', [a, c]);
    const k = body.op1('Constant', [], { attrs: { value_float: { type: 'FLOAT', value: 0, refAttrName: 'k' } } });
    body.output(body.op1('Mul', [sum, k]), 'out');
    const fn = new FunctionDef('local', 'ScaledAdd', body.graph);
    fn.attributeNames.push('k');
    const m = singleOp('ScaledAdd', [['X', F, [2]], ['Y', F, [2]]], { domain: 'local', attrs: { k: attr.float(3) } });
    m.functions.push(fn);
    const r = await run(m, { X: floatTensor([2], [1, 2]), Y: floatTensor([2], [3, 4]) });
    expect(nums(r.outputs['Y0'])).to.deep.equal([12, 18]);
  });

  it('routes kernels the wasm backend lacks to the cpu backend', () => {
    if (tf.getBackend() !== 'wasm') return;
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    expect(() => tf.einsum('ij,jk->ik', a, a)).to.throw(/not registered/);
    const y = onCpu(() => tf.einsum('ij,jk->ik', a, a));
    expect(Array.from(y.dataSync())).to.deep.equal([7, 10, 15, 22]);
    expect(tf.getBackend()).to.equal('wasm');
    tf.dispose([a, y]);
  });

  it('notes accumulation annotations an op cannot honour', async () => {
    const m = singleOp('Softmax', [['X', F, [2]]], { metadata: { 'mixprec.accumulation': 'float16' } });
    const r = await run(m, { X: floatTensor([2], [0, 1]) });
    expect(r.notes.map((n) => n.code)).to.deep.equal(['accumulation-not-honoured']);
    const bad = singleOp('Relu', [['X', F, [2]]], { metadata: { 'mixprec.accumulation': 'float8' } });
    expect((await runErr(bad, { X: floatTensor([2], [0, 1]) }))._tag).to.equal('InvalidInput');
  });

  it('executeModel runs synchronously once a backend is initialised', () => {
    const r = executeModel(singleOp('Relu', [['X', F, [2]]]), { X: floatTensor([2], [-1, 1]) });
    expect(r._tag).to.equal('Right');
    void backend;
  });
});

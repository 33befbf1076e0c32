import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '@mixprec/onnx';
import {
  DataType, Node, Tensor, Value, attr, floatTensor, int64Tensor, tensorToNumbers, tensorType, type Attr,
} from '@mixprec/ir';
import { initBackend } from '@mixprec/executor-tfjs';
import { compareTensors, mulberry32, randomTensor, type Tolerance } from '@mixprec/testing';
import { builtinEvaluator, builtinEvaluatorOps, chainEvaluators, type EvalInfo, type Evaluator } from '../src/index.js';
import { executorEvaluator, oneNode } from './executor-evaluator.js';

const INFO: EvalInfo = { opset: 17, maxOutputElements: 1 << 20 };

const F = DataType.FLOAT;
const rng = mulberry32(7);
const rnd = (dtype: DataType, dims: number[], range: [number, number] = [-3, 3]): Tensor => randomTensor(dtype, dims, rng, { range, intRange: [-5, 5] });
const pos = (dims: number[]): Tensor => randomTensor(F, dims, rng, { range: [0.1, 4] });
const i64 = (dims: number[], v: number[]): Tensor => int64Tensor(dims, v);

/** [op, inputs, attributes, tolerance?, opset?] */
type Case = [string, (Tensor | undefined)[], Record<string, Attr>, Tolerance?, number?];

const FP32: Tolerance = { rtol: 1e-5, atol: 1e-7 };
const FP16: Tolerance = { rtol: 1e-3, atol: 1e-4 };

const CASES: readonly Case[] = [
  ['Cast', [rnd(F, [3, 4])], { to: attr.int(DataType.INT32) }],
  ['Cast', [rnd(F, [3, 4])], { to: attr.int(DataType.FLOAT16) }],
  ['Cast', [rnd(F, [3, 4])], { to: attr.int(DataType.BFLOAT16) }],
  ['Cast', [rnd(DataType.INT32, [5])], { to: attr.int(DataType.FLOAT) }],
  ['Cast', [rnd(DataType.BOOL, [5])], { to: attr.int(DataType.FLOAT) }],
  ['Cast', [rnd(DataType.INT64, [5])], { to: attr.int(DataType.INT32) }],
  ['CastLike', [rnd(F, [4]), rnd(DataType.FLOAT16, [1])], {}],
  ['Identity', [rnd(F, [2, 3])], {}],
  ['Shape', [rnd(F, [2, 3, 4])], {}],
  ['Shape', [rnd(F, [2, 3, 4])], { start: attr.int(-2) }],
  ['Size', [rnd(F, [2, 3, 4])], {}],
  ['Gather', [rnd(F, [3, 4, 2]), i64([2, 2], [0, -1, 2, 1])], { axis: attr.int(1) }],
  ['Gather', [i64([3], [7, 8, 9]), i64([], [-1])], {}],
  ['Concat', [rnd(F, [2, 1, 3]), rnd(F, [2, 2, 3])], { axis: attr.int(1) }],
  ['Unsqueeze', [rnd(F, [2, 3]), i64([2], [0, -1])], {}],
  ['Squeeze', [rnd(F, [1, 3, 1]), i64([1], [2])], {}],
  ['Squeeze', [rnd(F, [1, 3, 1])], {}],
  ['Reshape', [rnd(F, [2, 3, 4]), i64([3], [0, -1, 2])], {}],
  ['Flatten', [rnd(F, [2, 3, 4])], { axis: attr.int(2) }],
  ['Slice', [rnd(F, [5, 6]), i64([2], [4, 1]), i64([2], [-10, 100]), i64([2], [0, 1]), i64([2], [-2, 2])], {}],
  ['Range', [i64([], [10]), i64([], [-3]), i64([], [-4])], {}],
  ['ConstantOfShape', [i64([2], [2, 3])], { value: attr.tensor(Tensor.of(DataType.INT32, [1], Int32Array.of(7))) }],
  ['Expand', [rnd(F, [3, 1]), i64([3], [2, 1, 4])], {}],
  ['Tile', [rnd(F, [2, 3]), i64([2], [2, 3])], {}],
  ['Transpose', [rnd(F, [2, 3, 4])], { perm: attr.ints([2, 0, 1]) }],
  ['Add', [rnd(F, [2, 3]), rnd(F, [3])], {}],
  ['Sub', [rnd(F, [2, 1]), rnd(F, [1, 3])], {}],
  ['Mul', [rnd(F, [4]), rnd(F, [4])], {}],
  ['Div', [rnd(F, [4]), pos([4])], {}],
  ['Add', [rnd(DataType.INT32, [6]), rnd(DataType.INT32, [6])], {}],
  ['Mul', [rnd(DataType.INT64, [2, 3]), rnd(DataType.INT64, [3])], {}],
  ['Div', [i64([4], [7, -7, 9, -9]), i64([4], [2, 2, -4, -4])], {}],
  ['Add', [rnd(DataType.FLOAT16, [8]), rnd(DataType.FLOAT16, [8])], {}, FP16],
  ['Mul', [rnd(DataType.FLOAT16, [8]), rnd(DataType.FLOAT16, [8])], {}, FP16],
  ['Neg', [rnd(F, [5])], {}], ['Abs', [rnd(F, [5])], {}], ['Sqrt', [pos([5])], {}],
  ['Pow', [pos([5]), rnd(F, [5])], {}, FP32],
  ['Pow', [pos([5]), i64([1], [3])], {}, FP32],
  ['Min', [rnd(F, [2, 3]), rnd(F, [3]), rnd(F, [1])], {}],
  ['Max', [rnd(F, [2, 3]), rnd(F, [3]), rnd(F, [1])], {}],
  ['Max', [rnd(DataType.INT64, [4]), rnd(DataType.INT64, [4])], {}],
  ['Equal', [rnd(DataType.INT32, [6]), rnd(DataType.INT32, [6])], {}],
  ['Less', [rnd(F, [2, 3]), rnd(F, [3])], {}],
  ['Greater', [rnd(F, [2, 3]), rnd(F, [3])], {}],
  ['Not', [rnd(DataType.BOOL, [6])], {}],
  ['And', [rnd(DataType.BOOL, [6]), rnd(DataType.BOOL, [6])], {}],
  ['Or', [rnd(DataType.BOOL, [2, 3]), rnd(DataType.BOOL, [3])], {}],
  ['Where', [rnd(DataType.BOOL, [2, 3]), rnd(F, [3]), rnd(F, [2, 1])], {}],
  ['Where', [rnd(DataType.BOOL, [4]), i64([4], [1, 2, 3, 4]), i64([1], [-1])], {}],
  ['ReduceSum', [rnd(F, [3, 4, 5]), i64([1], [1])], { keepdims: attr.int(0) }, FP32],
  ['ReduceSum', [rnd(F, [3, 4, 5])], {}, FP32],
  ['ReduceProd', [rnd(F, [3, 4]), i64([1], [-1])], {}, FP32, 18],
  ['ReduceMax', [rnd(F, [3, 4, 5])], { axes: attr.ints([0, 2]) }],
  ['ReduceMin', [rnd(DataType.INT32, [3, 4])], { axes: attr.ints([1]), keepdims: attr.int(0) }],
  ['Sign', [rnd(F, [6])], {}], ['Floor', [rnd(F, [6])], {}], ['Ceil', [rnd(F, [6])], {}],
  ['Round', [floatTensor([6], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4])], {}],
  ['Clip', [rnd(F, [6]), floatTensor([], [-1]), floatTensor([], [0.5])], {}],
  ['Clip', [rnd(F, [6]), undefined, floatTensor([], [0.5])], {}],
  ['Clip', [rnd(F, [6])], { min: attr.float(-0.5), max: attr.float(1) }, undefined, 6],
];

describe('evaluator: the built-in evaluator against the reference executor', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('covers every op of the brief', () => {
    for (const op of ['Cast', 'CastLike', 'Identity', 'Shape', 'Size', 'Gather', 'Concat', 'Unsqueeze', 'Squeeze', 'Reshape', 'Flatten', 'Slice',
      'Range', 'ConstantOfShape', 'Expand', 'Tile', 'Transpose', 'Add', 'Sub', 'Mul', 'Div', 'Neg', 'Abs', 'Sqrt', 'Pow', 'Min', 'Max', 'Equal',
      'Less', 'Greater', 'Not', 'And', 'Or', 'Where', 'ReduceProd', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'Sign', 'Floor', 'Ceil', 'Round', 'Clip']) {
      expect(builtinEvaluatorOps(), op).to.include(op);
    }
  });

  for (const [op, inputs, attrs, tol, opset] of CASES) {
    const label = `${op}(${inputs.map((t) => (t === undefined ? '∅' : t.toString())).join(', ')})${Object.keys(attrs).length > 0 ? ` ${Object.keys(attrs).join(',')}` : ''}${opset !== undefined ? ` opset ${opset}` : ''}`;
    it(label, () => {
      const node = oneNode(op, inputs, attrs, 1, opset ?? 17).graph.first!;
      const info = { ...INFO, opset: opset ?? 17 };
      const got = builtinEvaluator.evaluate(node, inputs, info);
      const want = executorEvaluator.evaluate(node, inputs, info);
      expect(want, 'the executor runs it').to.not.equal(undefined);
      expect(got, 'the built-in evaluator handles it').to.not.equal(undefined);
      const g = got![0]!;
      const w = want![0]!;
      const exact = !(g.dtype === DataType.FLOAT || g.dtype === DataType.FLOAT16 || g.dtype === DataType.BFLOAT16 || g.dtype === DataType.DOUBLE);
      const diff = compareTensors(g, w, exact ? { rtol: 0, atol: 0 } : tol ?? { rtol: 0, atol: 0 });
      expect(diff, `${label}: ${tensorToNumbers(g).slice(0, 8).join(', ')} vs ${tensorToNumbers(w).slice(0, 8).join(', ')}`).to.equal(undefined);
    });
  }

  it('Range of FLOAT accumulates start + delta + delta … in float32, as onnxruntime does', async () => {
    const ins = [floatTensor([], [0.5]), floatTensor([], [3.1]), floatTensor([], [0.3])];
    const m = oneNode('Range', ins, {}, 1, 17);
    const got = builtinEvaluator.evaluate(m.graph.first!, ins, INFO)![0]!;
    const s = await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 3 });
    try {
      const feeds = Object.fromEntries(ins.map((t, i) => [`in${i}`, new ort.Tensor('float32', t.data as Float32Array, [])]));
      const r = await s.run(feeds);
      expect(Array.from(got.data as Float32Array)).to.deep.equal(Array.from(r.out0!.data as Float32Array));
    } finally {
      await s.release();
    }
    // 2.3000001 = 0.5 + 6·0.3 (product) differs from 2.2999999 (accumulated): the test bites.
    expect(tensorToNumbers(got)[6]).to.equal(Math.fround(2.299999952316284));
  });

  it('returns undefined instead of guessing: unknown ops, other domains, integer division by zero, over the size limit', () => {
    const ev = (op: string, ins: Tensor[], attrs: Record<string, Attr> = {}, info: EvalInfo = INFO, domain = ''): readonly Tensor[] | undefined => {
      const n = new Node({ opType: op, domain, inputs: ins.map((t) => new Value('x', tensorType(t.dtype, t.dims))), outputs: ['y'], attributes: attrs });
      return builtinEvaluator.evaluate(n, ins, info);
    };
    expect(ev('Exp', [floatTensor([1], [1])])).to.equal(undefined);
    expect(ev('Add', [floatTensor([1], [1]), floatTensor([1], [1])], {}, INFO, 'com.example')).to.equal(undefined);
    expect(ev('Div', [i64([2], [1, 2]), i64([2], [1, 0])])).to.equal(undefined);
    expect(ev('ConstantOfShape', [i64([2], [100, 100])], {}, { opset: 17, maxOutputElements: 9999 })).to.equal(undefined);
    expect(ev('ConstantOfShape', [i64([2], [100, 100])], {}, { opset: 17, maxOutputElements: 10000 })![0]!.size).to.equal(10000);
    expect(ev('Tile', [floatTensor([2], [1, 2]), i64([1], [10])], {}, { opset: 17, maxOutputElements: 19 })).to.equal(undefined);
  });

  it('chains evaluators: the first answer wins, undefined passes on', () => {
    const calls: string[] = [];
    const nope: Evaluator = { evaluate: (n) => { calls.push(`nope:${n.opType}`); return undefined; } };
    const seven: Evaluator = { evaluate: (n) => (n.opType === 'Exp' ? [floatTensor([1], [7])] : undefined) };
    const chain = chainEvaluators(nope, seven, builtinEvaluator);
    const node = (op: string): Node => new Node({ opType: op, inputs: [new Value('a')], outputs: ['b'] });
    expect(tensorToNumbers(chain.evaluate(node('Exp'), [floatTensor([1], [0])], INFO)![0]!)).to.deep.equal([7]);
    expect(tensorToNumbers(chain.evaluate(node('Neg'), [floatTensor([1], [2])], INFO)![0]!)).to.deep.equal([-2]);
    expect(chain.evaluate(node('Log'), [floatTensor([1], [2])], INFO)).to.equal(undefined);
    expect(calls).to.deep.equal(['nope:Exp', 'nope:Neg', 'nope:Log']);
  });
});

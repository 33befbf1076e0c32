import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import { attr, DataType, floatTensor, Graph, GraphBuilder, int64Tensor, Tensor } from '@mixprec/ir';
import { runModel } from '../src/index.js';
import { nums, run, setup } from './helpers.js';

const F = DataType.FLOAT;

/** A model with `If(C) then Y = X + 1 else Y = X * 2`, both branches capturing X. */
function ifModel(): ReturnType<GraphBuilder['model']> {
  const b = new GraphBuilder();
  const c = b.input('C', DataType.BOOL, []);
  const x = b.input('X', F, [3]);
  const one = b.initializer('one', floatTensor([], [1]));
  const two = b.initializer('two', floatTensor([], [2]));
  const tb = new GraphBuilder(new Graph('then'));
  tb.output(tb.op1('Add', [x, one]), 'then_out');
  const eb = new GraphBuilder(new Graph('else'));
  eb.output(eb.op1('Mul', [x, two]), 'else_out');
  const y = b.op1('If', [c], { attrs: { then_branch: attr.graph(tb.graph), else_branch: attr.graph(eb.graph) } });
  b.output(y, 'Y');
  return b.model({ opset: 17 });
}

/**
 * Loop: carried s ← s + x·i for i < M (while cond), scan output collects s each iteration.
 */
function loopModel(): ReturnType<GraphBuilder['model']> {
  const b = new GraphBuilder();
  const m = b.input('M', DataType.INT64, []);
  const x = b.input('X', F, [2]);
  const s0 = b.initializer('s0', floatTensor([2], [0, 0]));
  const body = new GraphBuilder(new Graph('body'));
  const i = body.input('i', DataType.INT64, []);
  const cin = body.input('cond_in', DataType.BOOL, []);
  const s = body.input('s', F, [2]);
  const fi = body.op1('Cast', [i], { attrs: { to: attr.int(DataType.FLOAT) } });
  const s2 = body.op1('Add', [s, body.op1('Mul', [x, fi])]);
  body.output(body.op1('Identity', [cin]), 'cond_out');
  body.output(s2, 's_out');
  body.output(body.op1('Identity', [s2]), 'scan_out');
  const [sf, scan] = b.op('Loop', [m, undefined, s0], { attrs: { body: attr.graph(body.graph) }, outputs: ['S', 'scan'] });
  b.output(sf!, 'S');
  b.output(scan!, 'Scan');
  return b.model({ opset: 17 });
}

/** Scan (opset 9+): running sum over the rows of X, emitting the running sum each step. */
function scanModel(reverse: boolean): ReturnType<GraphBuilder['model']> {
  const b = new GraphBuilder();
  const init = b.input('Init', F, [2]);
  const xs = b.input('Xs', F, [3, 2]);
  const body = new GraphBuilder(new Graph('body'));
  const acc = body.input('acc', F, [2]);
  const row = body.input('row', F, [2]);
  const next = body.op1('Add', [acc, row]);
  body.output(next, 'acc_out');
  body.output(body.op1('Identity', [next]), 'y');
  const [fin, ys] = b.op('Scan', [init, xs], {
    attrs: { body: attr.graph(body.graph), num_scan_inputs: attr.int(1), ...(reverse ? { scan_input_directions: attr.ints([1]) } : {}) },
    outputs: ['Final', 'Ys'],
  });
  b.output(fin!, 'Final');
  b.output(ys!, 'Ys');
  return b.model({ opset: 17 });
}

describe('control flow: If, Loop, Scan', () => {
  before(setup);

  it('If runs the taken branch with captured outer values', async () => {
    const m = ifModel();
    const x = floatTensor([3], [1, 2, 3]);
    const t = await run(m, { C: Tensor.of(DataType.BOOL, [], Uint8Array.of(1)), X: x });
    expect(nums(t.outputs['Y'])).to.deep.equal([2, 3, 4]);
    const e = await run(m, { C: Tensor.of(DataType.BOOL, [], Uint8Array.of(0)), X: x });
    expect(nums(e.outputs['Y'])).to.deep.equal([2, 4, 6]);
  });

  it('Loop carries values and stacks scan outputs', async () => {
    const r = await run(loopModel(), { M: int64Tensor([], [3]), X: floatTensor([2], [1, 10]) });
    // s: [0,0] → +0·x → +1·x → +2·x
    expect(nums(r.outputs['S'])).to.deep.equal([3, 30]);
    expect(r.outputs['Scan']!.dims).to.deep.equal([3, 2]);
    expect(nums(r.outputs['Scan'])).to.deep.equal([0, 0, 1, 10, 3, 30]);
  });

  it('Loop with zero trips returns the initial values', async () => {
    const r = await run(loopModel(), { M: int64Tensor([], [0]), X: floatTensor([2], [1, 10]) });
    expect(nums(r.outputs['S'])).to.deep.equal([0, 0]);
  });

  it('Scan accumulates forward and in reverse', async () => {
    const feeds = { Init: floatTensor([2], [0, 0]), Xs: floatTensor([3, 2], [1, 2, 3, 4, 5, 6]) };
    const f = await run(scanModel(false), feeds);
    expect(nums(f.outputs['Final'])).to.deep.equal([9, 12]);
    expect(nums(f.outputs['Ys'])).to.deep.equal([1, 2, 4, 6, 9, 12]);
    const r = await run(scanModel(true), feeds);
    expect(nums(r.outputs['Ys'])).to.deep.equal([5, 6, 8, 10, 9, 12]);
  });

  it('onValue observes main-graph and subgraph values, once per iteration, without leaking', async () => {
    const seen: string[] = [];
    const sums: number[][] = [];
    const before = tf.memory().numTensors;
    const r = await runModel(loopModel(), { M: int64Tensor([], [3]), X: floatTensor([2], [1, 10]) }, {
      onValue: (v, t) => {
        seen.push(v.name);
        if (v.name === 's_out') sums.push(nums(t));
      },
    });
    expect(r._tag).to.equal('Right');
    expect(tf.memory().numTensors).to.equal(before);
    // Three body iterations (Cast, Mul, Add, two Identities each), then the Loop's own outputs.
    expect(seen.filter((n) => n === 's_out')).to.have.length(3);
    expect(sums).to.deep.equal([[0, 0], [1, 10], [3, 30]]);
    expect(seen.slice(-2)).to.deep.equal(['S', 'Scan']);
    expect(seen).to.have.length(3 * 5 + 2);
  });

  it('subgraph runs free every tensor they create', async () => {
    const before = tf.memory().numTensors;
    await run(loopModel(), { M: int64Tensor([], [5]), X: floatTensor([2], [1, 10]) });
    await run(scanModel(true), { Init: floatTensor([2], [0, 0]), Xs: floatTensor([3, 2], [1, 2, 3, 4, 5, 6]) });
    await run(ifModel(), { C: Tensor.of(DataType.BOOL, [], Uint8Array.of(1)), X: floatTensor([3], [1, 2, 3]) });
    expect(tf.memory().numTensors).to.equal(before);
  });
});

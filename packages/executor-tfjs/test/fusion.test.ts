import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import {
  attr, DataType, float32ToFloat16Bits, GraphBuilder, Tensor, topologicalOrder, type Model, type Value,
} from '@mixprec/ir';
import { generateInputs, initBackend, liveTensorCount, prepareModel } from '../src/index.js';
import { planFusion } from '../src/fusion.js';
import { FUSED } from '../src/heap-kernels.js';
import { values } from './helpers.js';

/**
 * Conv → lab affine → hard-swish (x·clip(x + 3, 0, 6)/6, x used twice) → lab affine, with the
 * scalars as Constant nodes between the ops (as exporters write them), then a second chain
 * whose operand [1, C, 1, 1] is not a single element (not fused, still right).
 */
function model(dtype: DataType, opset = 17): Model {
  const b = new GraphBuilder();
  const x = b.input('X', dtype, [1, 4, 7, 9]);
  const k = (name: string, v: number, dims: readonly number[] = [1]): Value => {
    const t = dtype === DataType.FLOAT16 ? Tensor.of(dtype, dims, float32ToFloat16Bits(new Float32Array(dims.reduce((p, q) => p * q, 1)).fill(v))) : Tensor.of(dtype, dims, new Float32Array(dims.reduce((p, q) => p * q, 1)).fill(v));
    return b.op1('Constant', [], { attrs: { value: attr.tensor(t) }, output: name });
  };
  const c = b.op1('Conv', [x, b.initializer('W', values(dtype, [8, 4, 3, 3], 1, 4))], { attrs: { pads: attr.ints([1, 1, 1, 1]) }, output: 'conv' });
  let y = b.op1('Mul', [k('s0', 1.25), c], { output: 'lab_mul' });
  const lab = b.op1('Add', [y, k('s1', -0.5)], { output: 'lab_add' });
  y = b.op1('Add', [lab, k('three', 3, [])], { output: 'hs_add' });
  // Before opset 11 Clip's bounds are attributes.
  y = opset < 11
    ? b.op1('Clip', [y], { attrs: { min: attr.float(0), max: attr.float(6) }, output: 'hs_clip' })
    : b.op1('Clip', [y, k('zero', 0, []), k('six', 6, [])], { output: 'hs_clip' });
  y = b.op1('Mul', [lab, y], { output: 'hs_mul' });
  y = b.op1('Div', [y, k('d6', 6, [])], { output: 'hs_div' });
  y = b.op1('Sub', [k('s2', 0.75), y], { output: 'lab2_sub' });
  const first = b.op1('Mul', [y, k('s3', 0.5)], { output: 'chain_out' });
  const z = b.op1('Mul', [first, b.initializer('PER_CHANNEL', values(dtype, [1, 8, 1, 1], 2, 4))], { output: 'per_channel' });
  b.output(first, 'Y');
  b.output(b.op1('Add', [z, k('s4', 1)], { output: 'second' }), 'Z');
  return b.model({ opset });
}

describe('fused elementwise chains in the interpreter (fusion.ts)', () => {
  let wasm = false;
  before(async () => {
    wasm = (await initBackend('wasm').catch(() => undefined)) === 'wasm';
  });

  it('a single-element operand of a higher rank than the tensor (the result takes its rank) is not fused and stays right', async () => {
    if (!wasm) return;
    const b = new GraphBuilder();
    const x = b.input('X', DataType.FLOAT, [2, 3]);
    const s = b.initializer('S', Tensor.of(DataType.FLOAT, [1, 1, 1], new Float32Array([2])));
    const y = b.op1('Add', [b.op1('Mul', [s, x]), b.initializer('K', Tensor.of(DataType.FLOAT, [1], new Float32Array([1])))]);
    b.output(y, 'Y');
    const m = b.model({ opset: 17 });
    const r = prepareModel(m).run({ X: Tensor.of(DataType.FLOAT, [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])) });
    if (r._tag === 'Left') throw r.left;
    expect(r.right.outputs['Y']!.dims).to.deep.equal([1, 2, 3]);
    expect(Array.from(r.right.outputs['Y']!.data as Float32Array)).to.deep.equal([3, 5, 7, 9, 11, 13]);
  });

  it('plans the hard-swish chain with its Constants as one group (the second chain is declined at run time)', () => {
    const m = model(DataType.FLOAT);
    const groups = [...planFusion(topologicalOrder(m.graph), new Set(m.graph.outputs), 17).values()];
    expect(groups.map((g) => g.nodes.map((n) => n.opType).join(','))).to.deep.equal(['Mul,Add,Add,Clip,Mul,Div,Sub,Mul', 'Mul,Add']);
    expect(groups[0]!.constants.length).to.equal(7);
    const legacy = model(DataType.FLOAT, 9);
    expect([...planFusion(topologicalOrder(legacy.graph), new Set(legacy.graph.outputs), 9).values()][0]!.nodes.length).to.equal(8);
  });

  for (const [dtype, opset] of [[DataType.FLOAT, 17], [DataType.FLOAT16, 17], [DataType.FLOAT, 9], [DataType.FLOAT16, 9]] as const) {
    it(`${dtype === DataType.FLOAT ? 'FLOAT' : 'FLOAT16'}, opset ${opset}: fused and node-by-node runs give the same bits, and tensors do not accumulate`, () => {
      if (!wasm) return;
      const m = model(dtype, opset);
      const feeds = generateInputs(m, { seed: 3 });
      const p = prepareModel(m);
      const cfg = tf.getKernel(FUSED, 'wasm')!;
      const original = cfg.kernelFunc;
      let calls = 0;
      (cfg as { kernelFunc: tf.KernelFunc }).kernelFunc = (a) => {
        calls++;
        return original(a);
      };
      try {
        const byNode = p.run(feeds, { keepIntermediates: true });
        expect(calls).to.equal(0);
        const fused = p.run(feeds);
        expect(calls).to.be.greaterThan(0);
        if (byNode._tag === 'Left' || fused._tag === 'Left') throw new Error('run failed');
        const base = liveTensorCount();
        p.run(feeds);
        expect(liveTensorCount()).to.equal(base);
        for (const o of ['Y', 'Z']) {
          expect(Array.from(fused.right.outputs[o]!.data as ArrayLike<number>), o).to.deep.equal(Array.from(byNode.right.outputs[o]!.data as ArrayLike<number>));
        }
      } finally {
        (cfg as { kernelFunc: tf.KernelFunc }).kernelFunc = original;
        p.dispose();
      }
    });
  }
});

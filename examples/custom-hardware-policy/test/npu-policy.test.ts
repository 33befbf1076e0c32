import { expect } from 'chai';
import { DataType, GraphBuilder, attr, floatTensor, type Attr, type Dim, type Tensor } from '@mixprec/ir';
import { createPolicyQuery, decide } from '@mixprec/amp';
import { MAX_MATMUL_K, MIN_CONV_WEIGHTS, acmeNpu } from '../src/index.js';

type InputSpec = readonly Dim[] | Tensor;

/** Asks the policy about one node whose inputs are graph inputs (shapes) or weights (tensors). */
function ask(op: string, inputs: readonly InputSpec[], attrs: Record<string, Attr> = {}, domain = '') {
  const b = new GraphBuilder();
  const vals = inputs.map((s, i) => (Array.isArray(s) ? b.input(`x${i}`, DataType.FLOAT, s as readonly Dim[]) : b.initializer(`w${i}`, s as Tensor)));
  const y = b.op1(op, vals, { attrs, domain });
  b.output(y);
  const model = b.model({ opset: 17, opsets: domain === '' ? {} : { [domain]: 1 } });
  return decide(acmeNpu, createPolicyQuery(y.producer()!, model));
}

const w = (...dims: number[]): Tensor => floatTensor(dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));
const group = (g: number) => ({ group: attr.int(g) });

// [case, op, inputs, attrs, domain] → [colour, float32 accumulation?, rule]
const TABLE: readonly (readonly [string, string, readonly InputSpec[], Record<string, Attr>, string, string, boolean, string])[] = [
  ['Conv 64·16·3·3 = 9216 weights', 'Conv', [[1, 16, 32, 32], w(64, 16, 3, 3)], {}, '', 'green', true, 'acme-npu:conv-size'],
  ['Conv 64·64·1·1 = 4096 weights (the limit)', 'Conv', [[1, 64, 8, 8], w(64, 64, 1, 1)], {}, '', 'green', true, 'acme-npu:conv-size'],
  ['Conv 63·64·1·1 = 4032 weights', 'Conv', [[1, 64, 8, 8], w(63, 64, 1, 1)], {}, '', 'red', false, 'acme-npu:conv-size'],
  ['Conv 8·64·1·1 = 512 weights', 'Conv', [[1, 64, 8, 8], w(8, 64, 1, 1)], {}, '', 'red', false, 'acme-npu:conv-size'],
  ['grouped Conv 64·8·3·3 = 4608 weights, group 8', 'Conv', [[1, 64, 8, 8], w(64, 8, 3, 3)], group(8), '', 'green', true, 'acme-npu:conv-size'],
  ['depthwise Conv 64·1·3·3, group 64', 'Conv', [[1, 64, 8, 8], w(64, 1, 3, 3)], group(64), '', 'gray', false, 'acme-npu:depthwise-conv'],
  ['big depthwise Conv 4096·1·3·3 (depthwise wins over size)', 'Conv', [[1, 4096, 4, 4], w(4096, 1, 3, 3)], group(4096), '', 'gray', false, 'acme-npu:depthwise-conv'],
  ['Conv with a weight of unknown shape', 'Conv', [[1, 16, 8, 8], ['C', 16, 3, 3]], {}, '', 'red', false, 'fallback'],
  ['MatMul K = 4096', 'MatMul', [[1, 4096], w(4096, 64)], {}, '', 'green', true, 'acme-npu:matmul-depth'],
  ['MatMul K = 4097', 'MatMul', [[1, 4097], w(4097, 8)], {}, '', 'red', false, 'acme-npu:matmul-depth'],
  ['batched MatMul K = 64', 'MatMul', [[8, 128, 64], [8, 64, 128]], {}, '', 'green', true, 'acme-npu:matmul-depth'],
  ['MatMul with symbolic K', 'MatMul', [['N', 'K'], ['K', 64]], {}, '', 'red', false, 'fallback'],
  ['Gemm transA, K = 4096', 'Gemm', [[4096, 2], w(4096, 8)], { transA: attr.int(1) }, '', 'green', true, 'acme-npu:matmul-depth'],
  ['Gemm K = 5000', 'Gemm', [[2, 5000], w(5000, 8)], {}, '', 'red', false, 'acme-npu:matmul-depth'],
  ['Softmax', 'Softmax', [[1, 10]], {}, '', 'red', false, 'acme-npu:lists'],
  ['LogSoftmax', 'LogSoftmax', [[1, 10]], {}, '', 'red', false, 'acme-npu:lists'],
  ['npu.FusedGelu', 'FusedGelu', [[1, 64]], {}, 'npu', 'green', false, 'acme-npu:lists'],
  ['another npu op', 'FusedSoftmax', [[1, 64]], {}, 'npu', 'red', false, 'fallback'],
  ['Add', 'Add', [[4], [4]], {}, '', 'gray', false, 'acme-npu:lists'],
  ['GlobalAveragePool', 'GlobalAveragePool', [[1, 8, 4, 4]], {}, '', 'gray', true, 'acme-npu:lists'],
  ['Exp (not on the NPU)', 'Exp', [[4]], {}, '', 'red', false, 'fallback'],
];

describe('Acme NPU policy', () => {
  it('states its limits', () => {
    expect([MIN_CONV_WEIGHTS, MAX_MATMUL_K]).to.deep.equal([4096, 4096]);
    expect(acmeNpu.target).to.equal(DataType.FLOAT16);
  });

  for (const [what, op, inputs, attrs, domain, color, acc32, rule] of TABLE) {
    it(`${what} → ${color}${acc32 ? ', float32 accumulation' : ''} (${rule})`, () => {
      const d = ask(op, inputs, attrs, domain);
      expect({ color: d.color, acc32: d.accumulation === DataType.FLOAT, rule: d.rule }).to.deep.equal({ color, acc32, rule });
      expect(d.reason).to.match(/^acme-npu: /);
    });
  }

  it('claims its custom op and nothing else', () => {
    expect(acmeNpu.claimsOp?.('npu', 'FusedGelu')).to.equal(true);
    expect(acmeNpu.claimsOp?.('npu', 'FusedSoftmax')).to.equal(false);
    expect(acmeNpu.claimsOp?.('', 'Gelu')).to.equal(false);
  });

  it('explains size decisions with the numbers', () => {
    expect(ask('Conv', [[1, 64, 8, 8], w(8, 64, 1, 1)]).reason).to.equal('acme-npu: Conv with 512 weights (< 4096) stays on the CPU');
    expect(ask('MatMul', [[1, 4097], w(4097, 8)]).reason).to.contain('K=4097');
  });
});

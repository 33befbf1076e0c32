import { expect } from 'chai';
import { ACCUMULATION_KEY } from '@mixprec/amp';
import { DataType, verify, walkNodes } from '@mixprec/ir';
import { PARAMETERS, buildTinyNet, compareTinyNet, formatTensor, type TinyNetComparison } from '../src/index.js';

describe('tinynet: FP32 vs FP16', () => {
  let c: TinyNetComparison;
  before(async () => {
    c = await compareTinyNet();
    // The post's last line, for the log.
    process.stdout.write(`      Mean diff: ${c.meanDiff} | Max diff: ${c.maxDiff}\n`);
  });

  it('builds the post\'s net: Embedding, two Linear/LayerNorm blocks, a head; 11 parameters', () => {
    const m = buildTinyNet();
    expect(verify(m)).to.deep.equal([]);
    expect([...walkNodes(m)].map((n) => n.opType)).to.deep.equal([
      'Gather', 'MatMul', 'Add', 'LayerNormalization', 'MatMul', 'Add', 'LayerNormalization', 'MatMul', 'Add',
    ]);
    expect([...m.graph.initializers.keys()]).to.have.members([...PARAMETERS]);
  });

  it('stores every parameter in float32 before and in float16 after (model.half())', () => {
    expect(c.parametersBefore.map(([, d]) => d)).to.deep.equal(PARAMETERS.map(() => 'float'));
    expect(c.parametersAfter.map(([, d]) => d)).to.deep.equal(PARAMETERS.map(() => 'float16'));
    expect(c.report.weights.fraction16).to.equal(1);
    expect(c.report.counts.converted).to.equal(9);
    expect(verify(c.fp16)).to.deep.equal([]);
    // the token ids stay int64; the logits come out in float16
    expect(c.fp16.graph.inputs[0]!.dtype).to.equal(DataType.INT64);
    expect(c.logits16.dtype).to.equal(DataType.FLOAT16);
    expect(c.logits32.dtype).to.equal(DataType.FLOAT);
    // accumulating ops keep a float32 accumulator (the executor honours the annotation)
    for (const n of walkNodes(c.fp16)) {
      const acc = n.metadataProps.get(ACCUMULATION_KEY);
      expect(acc, n.name).to.equal(n.opType === 'MatMul' || n.opType === 'LayerNormalization' ? 'float32' : undefined);
    }
  });

  it('gives FP16 logits close to FP32 ones: max diff below 1e-2, as in the post', () => {
    expect(c.logits16.dims).to.deep.equal([2, 2, 2]);
    expect(c.maxDiff).to.be.lessThan(1e-2);
    expect(c.meanDiff).to.be.at.most(c.maxDiff);
    // not bit-identical: the FP16 model really computes in half precision
    expect(c.maxDiff).to.be.greaterThan(0);
    expect(formatTensor(c.logits16)).to.match(/^tensor\(\[\[\[-?\d\.\d{4}, -?\d\.\d{4}\],/);
    expect(formatTensor(c.logits16)).to.match(/dtype=float16\)$/);
  });
});

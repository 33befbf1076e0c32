import { expect } from 'chai';
import { DataType, verify, walkNodes, type Node } from '@mixprec/ir';
import { ACCUMULATION_KEY, formatPlan, type NodePlan } from '@mixprec/amp';
import { convertDemo, type DemoResult } from '../src/index.js';

// node name → [colour, computes in 16-bit, rule]
const EXPECTED: Readonly<Record<string, readonly [string, boolean, string]>> = {
  conv_big: ['green', true, 'policy'], // 9216 weights: MAC array
  relu: ['gray', true, 'gray-follow'], // follows conv_big
  conv_dw: ['gray', true, 'gray-follow'], // depthwise: vector unit, follows relu
  conv_small: ['red', false, 'policy'], // 512 weights: CPU
  relu_small: ['gray', false, 'gray-follow'], // its input is float32
  flatten: ['gray', false, 'gray-follow'],
  fc_long: ['red', false, 'policy'], // K = 8192 > 4096
  gelu: ['green', true, 'policy'], // npu.FusedGelu, claimed
  fc_short: ['green', true, 'policy'], // K = 64
  softmax: ['red', false, 'policy'], // no fp16 exp
};

describe('custom hardware policy demo', () => {
  let demo: DemoResult;
  before(() => {
    demo = convertDemo();
    // The decisions, as `mixprec convert --print-amp-decisions` shows them.
    process.stdout.write(formatPlan(demo.plan));
  });

  it('decides every node as the Acme NPU rules say', () => {
    const got: Record<string, readonly [string, boolean, string]> = {};
    for (const p of demo.plan.nodes) got[p.node.name] = [p.color, p.converted, p.rule];
    expect(got).to.deep.equal(EXPECTED);
  });

  it('takes the reasons of the policy into the plan', () => {
    const byName = new Map<string, NodePlan>(demo.plan.nodes.map((p) => [p.node.name, p]));
    expect(byName.get('conv_big')!.reason).to.equal('acme-npu: Conv with 9216 weights (≥ 4096) on the MAC array');
    expect(byName.get('fc_long')!.reason).to.equal('acme-npu: MatMul with K=8192 overflows the 4096-deep accumulator: CPU');
    expect(byName.get('gelu')!.reason).to.equal('acme-npu: fused GELU kernel, 16-bit only');
    expect(byName.get('softmax')!.reason).to.equal('acme-npu: no 16-bit exp unit');
  });

  it('produces a valid model with the planned dtypes and accumulation annotations', () => {
    const { model } = demo;
    expect(verify(model)).to.deep.equal([]);
    const nodes = new Map<string, Node>();
    for (const n of walkNodes(model)) nodes.set(n.name, n);
    const outDType = (name: string) => nodes.get(name)!.outputs[0]!.dtype;
    for (const name of ['conv_big', 'relu', 'conv_dw', 'gelu', 'fc_short']) expect(outDType(name), name).to.equal(DataType.FLOAT16);
    for (const name of ['conv_small', 'relu_small', 'flatten', 'fc_long', 'softmax']) expect(outDType(name), name).to.equal(DataType.FLOAT);
    expect(nodes.get('conv_big')!.metadataProps.get(ACCUMULATION_KEY)).to.equal('float32');
    expect(nodes.get('fc_short')!.metadataProps.get(ACCUMULATION_KEY)).to.equal('float32');
    expect(nodes.get('gelu')!.metadataProps.has(ACCUMULATION_KEY)).to.equal(false);
    // Weights of 16-bit nodes are stored 16-bit; those of CPU nodes stay float32.
    expect(model.graph.initializers.get('conv_big.weight')?.dtype).to.equal(DataType.FLOAT16);
    expect(model.graph.initializers.get('fc_long.weight')?.dtype).to.equal(DataType.FLOAT);
  });

  it('keeps the host interface in float32 and casts only at the NPU/CPU boundaries', () => {
    const { model, report } = demo;
    expect(model.graph.inputs.map((v) => [v.name, v.dtype])).to.deep.equal([['x', DataType.FLOAT]]);
    expect(model.graph.outputs.map((v) => [v.name, v.dtype])).to.deep.equal([['probs', DataType.FLOAT]]);
    const casts = [...walkNodes(model)].filter((n) => n.opType === 'Cast').map((n) => n.getInt('to'));
    // x → fp16 (conv_big), conv_dw → fp32 (conv_small), fc_long → fp16 (gelu), fc_short → fp32 (softmax)
    expect(casts.sort()).to.deep.equal([DataType.FLOAT, DataType.FLOAT, DataType.FLOAT16, DataType.FLOAT16].sort());
    expect(report.counts).to.include({ green: 3, gray: 4, red: 3, converted: 5, castsInserted: 4 });
    expect(report.policy).to.equal('acme-npu');
    expect(report.flops.fraction16).to.be.greaterThan(0.85);
  });
});

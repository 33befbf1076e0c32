import { expect } from 'chai';
import { DataType, printModel, structuralHash, type Model } from '@mixprec/ir';
import { aggressive, balanced, definePolicy, formatPlan, planMixedPrecision, type NodePlan, type Plan } from '../src/index.js';
import { parse } from './helpers.js';

function byOutput(plan: Plan, out: string): NodePlan {
  const p = plan.nodes.find((n) => n.node.outputs.some((o) => o.name === out));
  if (p === undefined) throw new Error(`no node produces '${out}'`);
  return p;
}

const CHAIN = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2,3] X) => (float[2,3] Y)
<float[3] w = {1, 2, 3}, float[3] big = {1, 100000, 2}>
{
  [conv_a] a = Mul (X, w)
  [conv_b] b = Mul (X, big)
  [soft] s = Softmax (a)
  [add] c = Add (s, b)
  Y = Relu (c)
}`;

describe('analysis: planMixedPrecision', () => {
  it('is pure: the model is unchanged, and the plan prints one line per float node', () => {
    const m = parse(CHAIN);
    const before = structuralHash(m);
    const text = printModel(m);
    const plan = planMixedPrecision(m);
    expect(structuralHash(m)).to.equal(before);
    expect(printModel(m)).to.equal(text);
    const lines = formatPlan(plan).trimEnd().split('\n');
    expect(lines[0]).to.equal('# amp plan: target=float16 policy=aggressive io=convert accumulation=annotate');
    expect(lines.slice(1, 6).map((l) => l.split('  ').slice(0, 4).join(' | '))).to.deep.equal([
      "main | Mul 'conv_a' | green | policy → float16",
      "main | Mul 'conv_b' | red (fp32) | weight-range → float",
      "main | Softmax 'soft' | green | policy → float16 acc=float",
      "main | Add 'add' | red (fp32) | weight-range → float",
      "main | Relu 'Y' | red (fp32) | weight-range → float",
    ]);
    expect(lines.at(-1)).to.equal("# kept float32 for range: 'big' |v| up to 1.000e+5 (consumer 'conv_b')");
  });

  it('plans values: IO and weights follow their consumers; values that may exceed ±65504 spread float32', () => {
    const m = parse(CHAIN);
    const plan = planMixedPrecision(m);
    const v = (name: string): DataType | undefined => [...plan.values].find(([x]) => x.name === name)?.[1];
    expect([v('X'), v('w'), v('big'), v('b'), v('c'), v('Y')]).to.deep.equal([DataType.FLOAT16, DataType.FLOAT16, DataType.FLOAT, DataType.FLOAT, DataType.FLOAT, DataType.FLOAT]);
    expect(byOutput(plan, 'b').inputs).to.deep.equal([DataType.FLOAT, DataType.FLOAT]);
    expect(byOutput(plan, 'c').inputs).to.deep.equal([DataType.FLOAT, DataType.FLOAT]);
    expect(byOutput(plan, 'c').reason).to.equal("reads 'b', which may exceed ±65504 (Mul 'conv_b' scales by a weight beyond ±65504)");
  });

  it('a range-compressing op (Log, Sigmoid, normalisations) reads a large value in float32 and stops the spread', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[4] X) => (float[4] Y)
<float s = {1048576}, float one = {1}>
{
  p = Mul (X, s)
  q = Add (p, one)
  l = Log (q)
  Y = Relu (l)
}`);
    const plan = planMixedPrecision(m);
    expect(['p', 'q', 'l', 'Y'].map((o) => [byOutput(plan, o).rule, byOutput(plan, o).converted])).to.deep.equal([
      ['weight-range', false], ['weight-range', false], ['weight-range', false], ['policy', true],
    ]);
  });

  it('dividing by a large weight keeps only that node float32', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[4] X) => (float[4] Y) <float s = {1048576}> { d = Div (X, s)  Y = Relu (d) }`);
    const plan = planMixedPrecision(m);
    expect([byOutput(plan, 'd').rule, byOutput(plan, 'Y').rule]).to.deep.equal(['weight-range', 'policy']);
  });

  it('user rules: block by op or by /regex/ name; force overrides the range rule but not the schema', () => {
    const blocked = planMixedPrecision(parse(CHAIN), { blockOps: ['Softmax'], blockNodes: ['/^conv_a$/'] });
    expect([byOutput(blocked, 's').rule, byOutput(blocked, 'a').rule]).to.deep.equal(['user-block', 'user-block']);
    const forced = planMixedPrecision(parse(CHAIN), { forceNodes: ['conv_b'] });
    expect([byOutput(forced, 'b').rule, byOutput(forced, 'b').converted]).to.deep.equal(['user-force', true]);
    const range = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float a, float b, float c) => (float[?] Y) { [r] Y = Range (a, b, c) }`);
    expect(byOutput(planMixedPrecision(range, { forceNodes: ['r'] }), 'Y').rule).to.equal('schema');
  });

  it('gray follows its inputs: float16 after 16-bit producers and constants, float32 after a red one', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2,3] X, float[3,4] W) => (float[2,4] Y, float[2,3] Z)
<float[4] b = {1, 2, 3, 4}>
{
  m = MatMul (X, W)
  y = Add (m, b)
  Y = Relu (y)
  e = Exp (X)
  Z = Add (e, X)
}`);
    const plan = planMixedPrecision(m, { policy: balanced });
    expect([byOutput(plan, 'm').color, byOutput(plan, 'm').converted]).to.deep.equal(['green', true]);
    expect([byOutput(plan, 'y').rule, byOutput(plan, 'y').converted]).to.deep.equal(['gray-follow', true]);
    expect([byOutput(plan, 'e').color, byOutput(plan, 'e').converted]).to.deep.equal(['red', false]);
    const z = byOutput(plan, 'Z');
    expect([z.rule, z.converted]).to.deep.equal(['gray-follow', false]);
    expect(z.reason).to.equal("input 'e' from Exp 'e' is float32");
  });

  it('calibration: values beyond margin·65504 and large partial sums keep their node float32', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[4,1000] X) => (float[4] S, float[4,1000] R)
{
  [sum] S = ReduceSum <keepdims = 0> (X)
  [relu] R = Relu (X)
}`);
    const ranges = new Map([['X', { min: -40, max: 40, absMax: 40 }], ['R', { min: 0, max: 40, absMax: 40 }]]);
    const plan = planMixedPrecision(m, { calibration: { ranges } });
    expect([byOutput(plan, 'S').rule, byOutput(plan, 'R').rule]).to.deep.equal(['calibration', 'policy']);
    expect(byOutput(plan, 'S').reason).to.contain('partial sums');
    const tight = planMixedPrecision(m, { calibration: { ranges: new Map([['R', { min: 0, max: 4e4, absMax: 4e4 }]]), margin: 0.5 } });
    expect(byOutput(tight, 'R').rule).to.equal('calibration');
  });

  it('custom-domain ops stay float32 unless the policy claims them', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17, "com.acme" : 1]>
main (float[2] X) => (float[2] Y) <float[2] g> { [g] g = com.acme.Gelu (X)  Y = Relu (g) }`;
    expect(byOutput(planMixedPrecision(parse(text)), 'g').rule).to.equal('no-schema');
    const npu = definePolicy({ name: 'npu', extends: aggressive, green: ['com.acme.Gelu'], claims: ['com.acme.Gelu'] });
    const p = byOutput(planMixedPrecision(parse(text), { policy: npu }), 'g');
    expect([p.rule, p.converted, p.inputs, p.outputs]).to.deep.equal(['policy', true, [DataType.FLOAT16], [DataType.FLOAT16]]);
  });

  it('the policy output dtype float32 makes the node emit float32 for its consumers', () => {
    const p = definePolicy({ name: 'p', extends: aggressive, rules: [{ name: 'mm32', level: 20, decide: (q) => (q.node.opType === 'MatMul' ? { color: 'green', output: DataType.FLOAT } : undefined) }] });
    const m: Model = parse(`<ir_version: 8, opset_import: ["" : 17]>
main (float[2,3] X, float[3,2] W) => (float[2,2] Y) { m = MatMul (X, W)  Y = Relu (m) }`);
    const plan = planMixedPrecision(m, { policy: p });
    const mm = byOutput(plan, 'm');
    expect([mm.converted, mm.outputs[0], mm.output]).to.deep.equal([true, DataType.FLOAT16, DataType.FLOAT]);
    expect([...plan.values].find(([v]) => v.name === 'm')?.[1]).to.equal(DataType.FLOAT);
  });
});

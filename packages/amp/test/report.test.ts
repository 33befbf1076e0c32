import { expect } from 'chai';
import { castFp32ToFp16, formatReport, weightCensus, type AmpReport } from '../src/index.js';
import { parse } from './helpers.js';

const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2,4] X) => (float[2,3] Y)
<float[4,3] W = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, float[3] big = {1, 100000, 1}, float[3] m = {0, -3.4028235e38, 1e-12}>
{
  h = MatMul (X, W)
  d = Div (h, big)
  s = Add (d, m)
  [sm] Y = Softmax (s)
}`;

function convert(): AmpReport {
  return castFp32ToFp16(parse(MODEL), { inputShapes: { X: [2, 4] } });
}

describe('report', () => {
  it('is stable JSON: the same conversion gives the same text, with no undefined values', () => {
    const a = JSON.stringify(convert());
    expect(JSON.stringify(convert())).to.equal(a);
    expect(a).to.not.contain('undefined');
    expect(Object.keys(JSON.parse(a) as object)).to.deep.equal(['target', 'policy', 'ioMode', 'accumulation', 'weightsOnly', 'nodes', 'casts', 'tensors', 'counts', 'weights', 'flops', 'io', 'diagnostics']);
  });

  it('lists every node with colour, rule and accumulation, and counts them', () => {
    const r = convert();
    expect(r.nodes.map((n) => [n.opType, n.color, n.rule, n.converted, n.accumulation ?? '-'])).to.deep.equal([
      ['MatMul', 'green', 'policy', true, 'float'],
      ['Div', 'red', 'weight-range', false, '-'],
      ['Add', 'green', 'policy', true, '-'],
      ['Softmax', 'green', 'policy', true, 'float'],
    ]);
    expect(r.nodes[1]!.outputNames).to.deep.equal(['d']);
    expect([r.counts.nodes, r.counts.green, r.counts.red, r.counts.converted]).to.deep.equal([4, 3, 1, 3]);
  });

  it('records inserted Casts, saturated, underflowed and range-kept tensors', () => {
    const r = convert();
    expect(r.casts.inserted.map((c) => [c.input, c.to, c.reason])).to.deep.equal([['h', 'float', 'use'], ['d', 'float16', 'use']]);
    expect(r.tensors.saturated.map((t) => [t.name, t.count])).to.deep.equal([['m', 1]]);
    expect(r.tensors.underflowed.map((t) => [t.name, t.count, t.replaced])).to.deep.equal([['m', 1, 1]]);
    expect(r.tensors.keptForRange.map((k) => [k.value, k.node])).to.deep.equal([['big', 'd']]);
    expect(r.diagnostics.map((d) => d.code)).to.deep.equal(['amp-saturated', 'amp-underflow', 'amp-kept-for-range']);
  });

  it('weights and FLOPs: numbers of the converted model (2·M·N·K for the MatMul)', () => {
    const model = parse(MODEL);
    const r = castFp32ToFp16(model, { inputShapes: { X: [2, 4] } });
    const census = weightCensus(model);
    expect([r.weights.bytesBefore, r.weights.bytesAfter, census.bytes]).to.deep.equal([72, 42, 42]);
    expect([r.weights.float32Elements, r.weights.float16Elements]).to.deep.equal([3, 15]);
    expect(r.weights.fraction16).to.equal(15 / 18);
    expect(r.flops).to.deep.equal({ total: 48 + 6 + 6 + 6, in16: 60, unknownNodes: 0, fraction16: 60 / 66 });
    expect(r.io).to.deep.equal({ inputs: [{ name: 'X', before: 'float', after: 'float16' }], outputs: [{ name: 'Y', before: 'float', after: 'float16' }] });
  });

  it('formats a human summary', () => {
    const text = formatReport(convert());
    expect(text.split('\n').slice(0, 6)).to.deep.equal([
      'mixprec amp: target float16, policy aggressive, io convert, accumulation annotate',
      'nodes     4 | green 3 | gray 0 | red 1 | no float 0 | computing 16-bit 3',
      'casts     inserted 2 | removed 0 | retargeted 0 | in model 0 → 2',
      'weights   72 B → 42 B (58.3 %) | 16-bit 83.3 % of float weight elements',
      'flops     16-bit 90.9 % of 66 FLOP',
      "io        input 'X' float → float16; output 'Y' float → float16",
    ]);
    expect(text).to.contain("  weight-range      1  Div 'd'");
    expect(text).to.contain("warning: 1 tensor(s) saturated to ±max: 'm' (1)");
    expect(text).to.contain("note: 1 weight(s) beyond the 16-bit range kept their consumers in float32: 'big' (|v| 1.00e+5)");
  });
});

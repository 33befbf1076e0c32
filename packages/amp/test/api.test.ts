import { expect } from 'chai';
import { DataType, printModel, verify, walkNodes, type Diagnostic } from '@mixprec/ir';
import { castFp32ToFp16, castInt32ToInt16, castTo16BitPrecision } from '../src/index.js';
import { bytesOf, parse } from './helpers.js';

const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2,3] X, int64[2,3] K) => (float[2,3] Y, int64[2,3] J)
<float[3] w = {0.5, 1, 2}, int64[3] k = {1, 2, 3}>
{
  m = Mul (X, w)
  Y = Relu (m)
  J = Mul (K, k)
}`;

describe('APIs', () => {
  it('castFp32ToFp16 rewrites in place, returns a report, and leaves a valid model', () => {
    const model = parse(MODEL);
    const r = castFp32ToFp16(model);
    expect(verify(model).filter((d) => d.severity === 'error')).to.deep.equal([]);
    expect(model.graph.inputs.map((v) => v.dtype)).to.deep.equal([DataType.FLOAT16, DataType.INT64]);
    expect(r.counts.converted).to.equal(2);
    expect(r.io.inputs[0]).to.deep.equal({ name: 'X', before: 'float', after: 'float16' });
  });

  it('gives values their declared types back: no value_info is added for internal values', () => {
    const model = parse(MODEL);
    castFp32ToFp16(model);
    const m = [...walkNodes(model)].find((n) => n.opType === 'Mul' && n.outputs[0]!.name === 'm')!.outputs[0]!;
    expect(m.type).to.equal(undefined);
    const kept = parse(MODEL);
    castFp32ToFp16(kept, { keepInferredTypes: true });
    expect(printModel(kept)).to.contain('float16[2,3] m');
  });

  it('keepIoTypes keeps every input and output dtype and name', () => {
    const model = parse(MODEL);
    castFp32ToFp16(model, { keepIoTypes: true });
    expect(model.graph.inputs.map((v) => `${v.name}:${v.dtype}`)).to.deep.equal(['X:1', 'K:7']);
    expect(model.graph.outputs.map((v) => `${v.name}:${v.dtype}`)).to.deep.equal(['Y:1', 'J:7']);
  });

  it('converting twice changes no byte', () => {
    for (const keepIoTypes of [false, true]) {
      const model = parse(MODEL);
      castFp32ToFp16(model, { keepIoTypes });
      const once = bytesOf(model);
      const again = castFp32ToFp16(model, { keepIoTypes });
      expect(Buffer.from(bytesOf(model)).equals(Buffer.from(once))).to.equal(true);
      expect([again.counts.castsInserted, again.counts.castsRetargeted, again.tensors.converted]).to.deep.equal([0, 0, 0]);
    }
  });

  it('reports diagnostics as they happen', () => {
    const seen: Diagnostic[] = [];
    castFp32ToFp16(parse(MODEL.replace('{0.5, 1, 2}', '{0.5, 1e-12, 2}')), { onDiagnostic: (d) => seen.push(d) });
    expect(seen.map((d) => d.code)).to.deep.equal(['amp-underflow']);
  });

  it('castTo16BitPrecision converts floats and narrows integers, reporting both', () => {
    const model = parse(MODEL);
    const r = castTo16BitPrecision(model, { integers: { inputRanges: { K: [0, 100] }, runtime: 'onnx' } });
    expect(r.target).to.equal('float16');
    expect(r.int16.int16).to.not.equal(undefined);
    expect(verify(model).filter((d) => d.severity === 'error')).to.deep.equal([]);
  });

  it('castInt32ToInt16 delegates to the int16 pass', () => {
    const model = parse(MODEL);
    const r = castInt32ToInt16(model, { inputRanges: { K: [0, 100] } });
    expect(r.int16?.pass).to.equal('int16');
    expect(model.graph.inputs[0]!.dtype).to.equal(DataType.FLOAT);
  });

  it('weightsOnly stores weights 16-bit and keeps compute and IO float32', () => {
    const model = parse(MODEL);
    const r = castFp32ToFp16(model, { weightsOnly: true });
    expect(model.graph.initializers.get('w')!.constValue!.dtype).to.equal(DataType.FLOAT16);
    expect(model.graph.inputs[0]!.dtype).to.equal(DataType.FLOAT);
    expect(r.casts.inserted.map((c) => [c.input, c.reason])).to.deep.equal([['w', 'weight-decode']]);
  });
});

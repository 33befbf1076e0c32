import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { cloneModel, verify, type Model } from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { hostileReason } from '../src/analysis-sanity.js';
import { castFp32ToFp16, planMixedPrecision, type NodePlan } from '../src/index.js';
import { SESSION_OPTIONS, parse } from './helpers.js';

/**
 * Inputs whose types or attributes contradict each other or the schema (all found by fuzzing
 * against onnxruntime): onnxruntime loads each of them in float32, and must load what the
 * conversion makes of it. The offending node keeps float32 (rule `inconsistent`).
 */
const CASES: Readonly<Record<string, string>> = {
  // A Constant whose `value` attribute was renamed: onnxruntime reads its first attribute
  // (a float tensor) whatever its name; its dtype is unknown here.
  'misnamed Constant attribute': `<ir_version: 8, opset_import: ["" : 17]>
main (float[4] X) => (float[4] Y)
{
  k = Constant <dilations = float[4] {1, 2, 3, 4}> ()
  [add] Y = Add (X, k)
}`,
  // Two value attributes: onnxruntime takes the first (floats), a rewrite that reorders them
  // would make it take the integer one.
  'Constant with two value attributes': `<ir_version: 8, opset_import: ["" : 17]>
main (float[4] X) => (float[4] Y)
{
  k = Constant <value_floats = [1.0, 2.0, 3.0, 4.0], value_int = 7> ()
  [add] Y = Add (X, k)
}`,
  // A pad of 2^62: onnxruntime's shape inference gives the output a negative size; it loads the
  // float32 node with a warning, the float16 one not at all.
  'ConvTranspose pad beyond 2^53': `<ir_version: 8, opset_import: ["" : 13]>
main (float[1,3,7,6] X) => (float[1,4,20,12] Y)
<float[3,4,3,3] W = {${new Array(108).fill('0.125').join(', ')}}>
{
  [add] Y = ConvTranspose <kernel_shape = [3, 3], output_padding = [1, 1], pads = [1, 4611686018427387904, 1, 1], strides = [3, 2]> (X, W)
}`,
  'ConvTranspose pad 2^40 (a negative output size)': `<ir_version: 8, opset_import: ["" : 13]>
main (float[1,3,7,6] X) => (float[1,4,20,12] Y)
<float[3,4,3,3] W = {${new Array(108).fill('0.125').join(', ')}}>
{
  [add] Y = ConvTranspose <kernel_shape = [3, 3], output_padding = [1, 1], pads = [1, 1099511627776, 1, 1], strides = [3, 2]> (X, W)
}`,
};

function plan(m: Model, name: string): NodePlan {
  const p = planMixedPrecision(m).nodes.find((x) => x.node.name === name);
  if (p === undefined) throw new Error(`no node '${name}'`);
  return p;
}

async function loads(m: Model): Promise<string | undefined> {
  try {
    await (await ort.InferenceSession.create(encodeModel(m), { ...SESSION_OPTIONS, logSeverityLevel: 4 })).release();
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

describe('analysis-sanity: nodes whose types or attributes contradict each other stay float32 (found by fuzzing)', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name}: rule inconsistent; onnxruntime loads the input and the result in both IO modes`, async () => {
      const input = parse(text);
      expect(await loads(input), 'onnxruntime loads the input').to.equal(undefined);
      const p = plan(input, 'add');
      expect([p.color, p.rule, p.converted]).to.deep.equal(['red', 'inconsistent', false]);
      for (const keepIoTypes of [false, true]) {
        const m = cloneModel(input);
        castFp32ToFp16(m, { keepIoTypes });
        expect(verify(m).filter((d) => d.severity === 'error')).to.deep.equal([]);
        expect(await loads(m), `keepIoTypes ${keepIoTypes}`).to.equal(undefined);
      }
    });
  }

  it('names the reason: the type that is unknown, the attribute value, the impossible size', () => {
    expect(plan(parse(CASES['misnamed Constant attribute']!), 'add').reason).to.match(/'k' \(type T\) has no known dtype/);
    expect(plan(parse(CASES['ConvTranspose pad beyond 2^53']!), 'add').reason).to.equal("attribute 'pads' holds 4611686018427387904, beyond ±2^53: left in float32");
    expect(plan(parse(CASES['ConvTranspose pad 2^40 (a negative output size)']!), 'add').reason).to.match(/^its spatial output size 1 would be -1099511627763 /);
  });

  it('accepts what real models hold: int64 extremes (Slice-1 ends), empty outputs, symbolic or sane sizes', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 9]>
main (float[2,8] X, float[1,3,N,6] Z) => (float[2,8] Y, float[1,4,5,4] P, float[1,4,N,4] Q)
<float[4,3,3,3] W = {${new Array(108).fill('0.125').join(', ')}}>
{
  [s] Y = Slice <starts = [0], ends = [9223372036854775807], axes = [1]> (X)
  [pool] P = MaxPool <kernel_shape = [3, 3], pads = [0, 0, 0, 0]> (Z)
  [conv] Q = Conv <kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [1, 2]> (Z, W)
  [tiny] T = MaxPool <kernel_shape = [2, 2], strides = [2, 2], ceil_mode = 1> (Z)
}`);
    for (const n of m.graph) expect(hostileReason(n), n.name).to.equal(undefined);
    const zero = parse(`<ir_version: 8, opset_import: ["" : 13]>
main (float[1,1,1,1] X) => (float[1,1,0,0] Y)
{
  [pool] Y = MaxPool <kernel_shape = [2, 2]> (X)
}`);
    expect(hostileReason([...zero.graph][0]!), 'an input smaller than the kernel computes an empty output').to.equal(undefined);
    const stride0 = parse(`<ir_version: 8, opset_import: ["" : 13]>
main (float[1,1,4,4] X) => (float[1,1,2,2] Y)
{
  [pool] Y = MaxPool <kernel_shape = [2, 2], strides = [0, 2]> (X)
}`);
    expect(hostileReason([...stride0.graph][0]!)).to.equal("attribute 'strides' holds 0, which must be at least 1");
  });
});

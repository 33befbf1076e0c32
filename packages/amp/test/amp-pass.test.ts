import { expect } from 'chai';
import { printPipeline } from '@mixprec/passes';
import { aggressive, ampAliases, ampPasses, createAmpPass, createPolicyRegistry, definePolicy } from '../src/index.js';
import { body, registry, runText } from './helpers.js';

const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2,3] X) => (float[2,3] Y)
{
  [conv_1] a = Relu (X)
  [conv_2] b = Sigmoid (a)
  Y = Tanh (b)
}`;

describe('amp pass', () => {
  it('is registered with int16 and int64-to-int32, and its aliases parse against the transforms', () => {
    expect(ampPasses.map((p) => p.info.name)).to.deep.equal(['amp', 'int16', 'int64-to-int32']);
    for (const a of ampAliases) expect(registry.parse(a.pipeline)._tag, a.name).to.equal('Right');
    expect(ampAliases.map((a) => a.name)).to.include.members(['amp-fp16', 'amp-bf16', 'amp-fp16-keep-io', 'amp-weights-fp16']);
  });

  it('takes its options from pipeline text and prints them back', () => {
    const p = registry.parse('amp{policy=balanced keep-io-types=[X] block-nodes=["/^conv_/"] accumulation=materialize runtime=onnx}');
    expect(p._tag).to.equal('Right');
    if (p._tag === 'Right') expect(printPipeline(p.right)).to.equal('amp{policy=balanced keep-io-types=[X] block-nodes=["/^conv_/"] accumulation=materialize runtime=onnx}');
  });

  it('blocks by regex from pipeline text', () => {
    const { out } = runText(MODEL, 'amp{block-nodes=["/^conv_/"]},cast-cleanup,dce');
    expect(body(out)).to.deep.equal([
      '[Cast_X_to_fp32] X_fp32 = Cast <to = 1> (X)',
      '[conv_1] a = Relu (X_fp32)',
      '[conv_2] b = Sigmoid (a)',
      '[Cast_b_to_fp16] b_fp16 = Cast <to = 10> (b)',
      'Y = Tanh (b_fp16)',
    ]);
  });

  it('an unknown policy name fails the pass with the known names', () => {
    expect(() => runText(MODEL, 'amp{policy=fast}')).to.throw(/Unknown policy 'fast'; the known policies are: aggressive, balanced, bf16/);
  });

  it('looks policies up in the registry it was created with', () => {
    const npu = definePolicy({ name: 'npu', extends: aggressive, red: ['Sigmoid'] });
    const pass = createAmpPass(createPolicyRegistry([npu])).create({ policy: 'npu' });
    expect(pass._tag).to.equal('Right');
    const bad = createAmpPass(createPolicyRegistry([npu])).create({ policy: 'npu', target: 'float8' });
    expect(bad._tag).to.equal('Left');
  });

  it('reports modified: false when there is nothing to convert', () => {
    const r = runText(MODEL.replace(/float\[/g, 'float16['), 'amp');
    expect(r.modified).to.equal(false);
  });
});

import { expect } from 'chai';
import { DataType } from '@mixprec/ir';
import {
  AmpError, aggressive, castFp32ToFp16, createPolicyRegistry, definePolicy, nameMatcher, planMixedPrecision, resolveAmpOptions,
} from '../src/index.js';
import { parse } from './helpers.js';

const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y) { Y = Relu (X) }`;

function left(r: ReturnType<typeof resolveAmpOptions>): string {
  expect(r._tag).to.equal('Left');
  return r._tag === 'Left' ? r.left.message : '';
}

describe('options', () => {
  it('fills defaults: aggressive, float16, annotate, IO converted, ort-cpu', () => {
    const r = resolveAmpOptions({});
    expect(r._tag).to.equal('Right');
    if (r._tag !== 'Right') return;
    expect(r.right.policy.name).to.equal('aggressive');
    expect(r.right.target).to.equal(DataType.FLOAT16);
    expect(r.right.accumulation).to.equal('annotate');
    expect(r.right.keepAllIo).to.equal(false);
    expect(r.right.runtime).to.equal('ort-cpu');
  });

  it('takes the target from the policy unless given', () => {
    const bf = resolveAmpOptions({ policy: 'bf16' });
    expect(bf._tag === 'Right' && bf.right.target).to.equal(DataType.BFLOAT16);
    const over = resolveAmpOptions({ policy: 'bf16', target: 'float16' });
    expect(over._tag === 'Right' && over.right.target).to.equal(DataType.FLOAT16);
  });

  it('names the known policies when a name is unknown', () => {
    expect(left(resolveAmpOptions({ policy: 'fastest' }))).to.equal("Unknown policy 'fastest'; the known policies are: aggressive, balanced, bf16 (or pass a policy object)");
  });

  it('looks names up in the given registry and takes policy objects', () => {
    const mine = definePolicy({ name: 'npu', extends: aggressive, red: ['Relu'] });
    const reg = createPolicyRegistry([mine]);
    const r = resolveAmpOptions({ policy: 'npu', policies: reg });
    expect(r._tag === 'Right' && r.right.policy).to.equal(mine);
    expect(left(resolveAmpOptions({ policy: 'aggressive', policies: reg }))).to.contain('the known policies are: npu');
    const p = resolveAmpOptions({ policy: mine });
    expect(p._tag === 'Right' && p.right.policy).to.equal(mine);
  });

  it('rejects bad regexes, targets, accumulation, runtime and margins with the option named', () => {
    expect(left(resolveAmpOptions({ blockNodes: ['/conv[/'] }))).to.match(/^Option 'blockNodes': '\/conv\[\/' is not a valid regular expression/);
    expect(left(resolveAmpOptions({ target: 'float8' as 'float16' }))).to.equal("Option 'target' must be float16 or bfloat16, got 'float8'");
    expect(left(resolveAmpOptions({ accumulation: 'fast' as 'annotate' }))).to.contain("Option 'accumulation'");
    expect(left(resolveAmpOptions({ runtime: 'gpu' as 'onnx' }))).to.contain("Option 'runtime'");
    expect(left(resolveAmpOptions({ calibration: { ranges: new Map(), margin: 2 } }))).to.contain("'calibration.margin'");
  });

  it('matches exact names and /regex/ strings (and RegExp objects)', () => {
    const m = nameMatcher('blockNodes', ['conv1', '/^attn\\./i', /head$/]);
    expect(m._tag).to.equal('Right');
    if (m._tag !== 'Right') return;
    expect(m.right.size).to.equal(3);
    expect(['conv1', 'ATTN.q', 'lm_head', 'conv12'].map((n) => m.right.matches(n))).to.deep.equal([true, true, true, false]);
  });

  it('the APIs throw AmpError with the message; keepIoTypes names must exist', () => {
    expect(() => castFp32ToFp16(parse(MODEL), { policy: 'nope' })).to.throw(AmpError, "Unknown policy 'nope'");
    expect(() => planMixedPrecision(parse(MODEL), { keepIoTypes: ['X', 'Z'] })).to.throw(AmpError, "Option 'keepIoTypes' names 'Z', which is not a graph input or output; the inputs are X and the outputs Y");
  });
});

import { expect } from 'chai';
import { runText } from './helpers.js';

describe('eliminate-identity', () => {
  it('redirects a nested subgraph output that returned the Identity output (case 1)', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X, bool C) => (float[2] Y)
{
  a = Relu (X)
  b = Identity (a)
  Y = If (C) <
    then_branch = t () => (float[2] b) { },
    else_branch = e () => (float[2] n) { n = Neg (b) }
  >
}`;
    const r = runText(text, 'eliminate-identity');
    expect(r.out).to.contain('then_branch = t () => (float[2] a) {');
    expect(r.out).to.contain('n = Neg (a)');
    expect(r.out).to.not.contain('Identity');
  });

  it('reports modified: false when there is nothing to do', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y) { Y = Identity (X) }`;
    expect(runText(text, 'eliminate-identity').modified).to.equal(false);
  });
});

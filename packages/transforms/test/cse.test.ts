import { expect } from 'chai';
import { body, runText } from './helpers.js';

const HEAD = '<ir_version: 8, opset_import: ["" : 17, "com.example" : 1]>';

describe('cse', () => {
  it('leaves custom-domain ops alone unless include-custom-domains=true', () => {
    const text = `${HEAD}
main (float[2] X) => (float[2] Y)
{
  a = com.example.Foo (X)
  b = com.example.Foo (X)
  Y = Add (a, b)
}`;
    expect(runText(text, 'cse').modified).to.equal(false);
    const r = runText(text, 'cse{include-custom-domains=true}');
    expect(r.modified).to.equal(true);
    expect(body(r.out)).to.deep.equal(['a = com.example.Foo (X)', 'Y = Add (a, a)']);
  });

  it('never merges nodes holding subgraphs', () => {
    const text = `${HEAD}
main (float[2] X, bool C) => (float[2] Y)
{
  a = If (C) < then_branch = t1 () => (float[2] x1) { x1 = Neg (X) }, else_branch = e1 () => (float[2] y1) { y1 = Abs (X) } >
  b = If (C) < then_branch = t2 () => (float[2] x2) { x2 = Neg (X) }, else_branch = e2 () => (float[2] y2) { y2 = Abs (X) } >
  Y = Add (a, b)
}`;
    expect(runText(text, 'cse').modified).to.equal(false);
  });

  it('keeps NaN-valued and signed-zero attributes distinct from ordinary ones but merges equal NaNs', () => {
    const text = `${HEAD}
main (float[2] X) => (float[2] Y)
{
  a = LeakyRelu <alpha = nan> (X)
  b = LeakyRelu <alpha = nan> (X)
  c = LeakyRelu <alpha = -0.0> (X)
  d = LeakyRelu <alpha = 0.0> (X)
  ab = Add (a, b)
  cd = Add (c, d)
  Y = Add (ab, cd)
}`;
    const r = runText(text, 'cse');
    expect(body(r.out)).to.deep.equal([
      'a = LeakyRelu <alpha = nan> (X)', 'c = LeakyRelu <alpha = -0.0> (X)', 'd = LeakyRelu <alpha = 0.0> (X)',
      'ab = Add (a, a)', 'cd = Add (c, d)', 'Y = Add (ab, cd)',
    ]);
  });
});

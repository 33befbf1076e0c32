import { expect } from 'chai';
import { body, runText } from './helpers.js';

describe('cast-cleanup', () => {
  it('understands the STRING `to` of Cast-1 (opset 1 models)', () => {
    const text = `<ir_version: 3, opset_import: ["" : 1]>
main (float[2] X) => (float[2] Y)
{
  a = Cast <to = "FLOAT"> (X)
  b = Cast <to = "FLOAT16"> (X)
  c = Cast <to = "FLOAT16"> (X)
  Y = Add (a, bc)
  bc = Add (b, c)
}`;
    // The verifier rejects STRING `to` (valid in opset 1–5), so this runs without verifyEach.
    const r = runText(text, 'cast-cleanup', false);
    expect(body(r.out)).to.deep.equal(['b = Cast <to = "FLOAT16"> (X)', 'Y = Add (X, bc)', 'bc = Add (b, b)']);
  });

  it('reports one warning per lossy removal, naming the Casts and the value', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2] X) => (float[2] Y, float[2] Z)
{
  [down] h = Cast <to = 10> (X)
  [up1] Y = Cast <to = 1> (h)
  [up2] Z = Cast <to = 1> (h)
}`;
    const r = runText(text, 'cast-cleanup{allow-precision-change=true}');
    expect(r.ctx.diagnostics.map((d) => [d.severity, d.code, d.node, d.value])).to.deep.equal([
      ['warning', 'cast-precision-change', 'up1', 'h'], ['warning', 'cast-precision-change', 'up2', 'h'],
    ]);
    expect(r.ctx.diagnostics[0]!.message).to.equal("Cast 'up1' now reads 'X' (FLOAT) directly instead of its FLOAT16 rounding 'h' made by Cast 'down' (allow-precision-change=true); results may differ slightly");
    // Y and Z are graph outputs and X a graph input: both Casts stay, now reading X; 'down' is gone.
    expect(body(r.out)).to.deep.equal(['[up1] Y = Cast <to = 1> (X)', '[up2] Z = Cast <to = 1> (X)']);
  });

  it('keeps the first Cast of a collapsed chain while something else reads it', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
main (float16[2] H) => (double[2] D, float[2] F)
{
  f = Cast <to = 1> (H)
  D = Cast <to = 11> (f)
  F = Relu (f)
}`;
    const r = runText(text, 'cast-cleanup');
    expect(body(r.out)).to.deep.equal(['f = Cast <to = 1> (H)', 'D = Cast <to = 11> (H)', 'F = Relu (f)']);
  });
});

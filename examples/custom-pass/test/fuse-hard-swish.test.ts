import { expect } from 'chai';
import { runModel } from '@mixprec/executor-tfjs';
import { DataType, parseModel, printModel, tensorToFloat64, type Model, type Tensor } from '@mixprec/ir';
import { mulberry32, randomTensor } from '@mixprec/testing';
import { fuseFromCode } from '../src/index.js';

function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** The pattern as PaddlePaddle writes it at opset 11 (Clip bounds as inputs, constants as Constant nodes). */
const OPSET11 = `<ir_version: 7, opset_import: ["" : 11]>
main (float[2,8] x) => (float[2,8] y)
{
  three = Constant <value = float {3}> ()
  zero = Constant <value = float {0}> ()
  six = Constant <value = float {6}> ()
  a = Add (x, three)
  c = Clip (a, zero, six)
  m = Mul (x, c)
  y = Div (m, six)
}`;

/** Opset 9: Clip bounds as attributes, the constants as initializers, the factors swapped. */
const OPSET9 = `<ir_version: 7, opset_import: ["" : 9]>
main (float[2,8] x) => (float[2,8] y)
<float three = {3}, float sixth = {0.16666667}>
{
  r = Relu (x)
  a = Add (three, r)
  c = Clip <min = 0.0, max = 6.0> (a)
  m = Mul (c, r)
  y = Mul (sixth, m)
}`;

/** Opset 14 has HardSwish. */
const OPSET14 = OPSET11.replace('"" : 11', '"" : 14');

async function run(model: Model, x: Tensor): Promise<Float64Array> {
  const r = await runModel(model, { x });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return tensorToFloat64(r.right.outputs['y']!);
}

describe('fuse-hard-swish from code', () => {
  // values on both sides of the kinks at −3 and 3
  const x = randomTensor(DataType.FLOAT, [2, 8], mulberry32(1), { range: [-6, 6] });

  it('fuses the opset-11 pattern into x·HardSigmoid(x) and keeps the numbers', async () => {
    const model = parse(OPSET11);
    const before = await run(model, x);
    const { modified, diagnostics } = fuseFromCode(model);
    expect(modified).to.equal(true);
    expect(diagnostics.map((d) => d.message)).to.deep.equal(['fuse-hard-swish: 1 hard-swish pattern(s) fused into HardSigmoid and Mul']);
    const ops = [...model.graph].map((n) => n.opType);
    expect(ops).to.deep.equal(['HardSigmoid', 'Mul']);
    expect(model.graph.outputs[0]!.name).to.equal('y');
    const after = await run(model, x);
    for (let i = 0; i < before.length; i++) expect(after[i]).to.be.closeTo(before[i]!, 1e-6);
  });

  it('matches Clip attributes (opset 9), initializers, swapped inputs and a multiplication by 1/6', () => {
    const model = parse(OPSET9);
    fuseFromCode(model);
    expect([...model.graph].map((n) => n.opType)).to.deep.equal(['Relu', 'HardSigmoid', 'Mul']);
    expect(model.graph.initializers.size).to.equal(0);
  });

  it('uses HardSwish where the opset has it, unless told not to', () => {
    const m14 = parse(OPSET14);
    fuseFromCode(m14);
    expect([...m14.graph].map((n) => n.opType)).to.deep.equal(['HardSwish']);
    const m14b = parse(OPSET14);
    fuseFromCode(m14b, { hardSwish: false });
    expect([...m14b.graph].map((n) => n.opType)).to.deep.equal(['HardSigmoid', 'Mul']);
  });

  it('leaves look-alikes alone: other bounds, other shift, an intermediate used twice, another multiplicand', () => {
    const variants = [
      OPSET11.replace('float {6}', 'float {5}'),
      OPSET11.replace('float {3}', 'float {2}'),
      OPSET11.replace('(float[2,8] y)', '(float[2,8] y, float[2,8] c)'),
      OPSET11.replace('m = Mul (x, c)', 'm = Mul (a, c)'),
    ];
    for (const text of variants) {
      const model = parse(text);
      const printed = printModel(model);
      const { modified } = fuseFromCode(model);
      expect(modified, text).to.equal(false);
      expect(printModel(model)).to.equal(printed);
    }
  });
});

import { expect } from 'chai';
import { DataType, GraphBuilder, floatTensor, int64Tensor, tensorType, verify, walkNodes, type Model } from '@mixprec/ir';
import { castFp32ToFp16, castTo16BitPrecision } from '../src/index.js';

/** Op types named like Object.prototype members: lookup tables keyed by plain objects must not see the prototype. */
const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/** Y = <op>(X, W) over floats, and I = <op>(K, J) over int64 (for the integer narrowing). */
function model(op: string): Model {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [4]);
  const w = b.initializer('W', floatTensor([4], new Float32Array([1, 2, 3, 4])));
  b.output(b.op1(op, [x, w], { output: 'Y', type: tensorType(DataType.FLOAT, [4]) }));
  const k = b.input('K', DataType.INT64, [4]);
  const j = b.initializer('J', int64Tensor([4], [1n, 2n, 3n, 4n]));
  b.output(b.op1(op, [k, j], { output: 'I', type: tensorType(DataType.INT64, [4]) }));
  return b.model({ opset: 17 });
}

describe('hostile op names (found by fuzzing)', () => {
  for (const op of NAMES) {
    it(`converts a model with op type '${op}' without crashing or adding nameless attributes`, () => {
      const m = model(op);
      castTo16BitPrecision(m, { keepIoTypes: true });
      expect(verify(m).filter((d) => d.severity === 'error')).to.deep.equal([]);
      for (const n of walkNodes(m)) {
        for (const name of n.attributes.keys()) expect(name, `attribute of ${n.opType}`).to.be.a('string').and.not.equal('');
      }
    });
  }

  it('computes FLOPs for inputs and dim params named like Object.prototype members', () => {
    const b = new GraphBuilder();
    const x = b.input('constructor', DataType.FLOAT, ['toString', 4]);
    const w = b.initializer('W', floatTensor([4], new Float32Array([1, 2, 3, 4])));
    b.output(b.op1('Add', [x, w], { output: 'Y', type: tensorType(DataType.FLOAT, ['toString', 4]) }));
    const m = b.model({ opset: 17 });
    // dimValues turns on the FLOP count on concrete shapes, which looked names up in plain objects.
    castFp32ToFp16(m, { keepIoTypes: true, dimValues: { N: 2 } });
    expect(verify(m).filter((d) => d.severity === 'error')).to.deep.equal([]);
    const t = m.graph.inputs[0]!.type;
    expect(t?.kind === 'tensor' ? t.shape : undefined).to.deep.equal(['toString', 4]);
  });
});

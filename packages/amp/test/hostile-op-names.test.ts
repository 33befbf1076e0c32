import { expect } from 'chai';
import { DataType, GraphBuilder, floatTensor, int64Tensor, tensorType, verify, walkNodes, type Model } from '@mixprec/ir';
import { castTo16BitPrecision } from '../src/index.js';

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
});

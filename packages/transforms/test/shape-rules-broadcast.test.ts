import { expect } from 'chai';
import type { Dim } from '@mixprec/ir';
import { broadcastShapes, type ShapeContext } from '../src/shape-inference.js';
import { shapeRules } from '../src/shape-rules/index.js';

/** A shape context of a two-input node at opset 17 whose inputs have the given shapes. */
function context(opType: string, a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): ShapeContext {
  const shapes = [a, b];
  return {
    node: { opType, inputs: [{}, {}], outputs: [{}], attributes: new Map() },
    opset: 17, inputCount: 2, has: () => true, shape: (i: number) => shapes[i],
  } as unknown as ShapeContext;
}

describe('broadcast shape rule (two inputs)', () => {
  it('gives what broadcastShapes gives for random shapes, reusing the first input shape only when equal to the result', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const DIMS: readonly Dim[] = [1, 1, 2, 3, 16, 'N', 'M', undefined];
    const shape = (): Dim[] | undefined => (rnd(12) === 0 ? undefined : Array.from({ length: rnd(5) }, () => DIMS[rnd(DIMS.length)]!));
    const rule = shapeRules.get('Add')!;
    let reused = 0;
    for (let k = 0; k < 3000; k++) {
      const a = shape();
      const b = rnd(3) === 0 && a !== undefined ? a.slice(rnd(a.length + 1)) : shape();
      const got = rule(context('Add', a, b))?.[0];
      const want = broadcastShapes([a, b]);
      expect(got, `${JSON.stringify(a)} ${JSON.stringify(b)}`).to.deep.equal(want);
      if (got !== undefined && got === a) reused++;
    }
    expect(reused).to.be.greaterThan(300);
  });
});

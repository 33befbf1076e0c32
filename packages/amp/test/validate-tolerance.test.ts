import { expect } from 'chai';
import { formatTolerance, parseTolerance, type Tolerance } from '../src/index.js';

function ok(input: Parameters<typeof parseTolerance>[0]): Tolerance {
  const r = parseTolerance(input);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

function bad(input: Parameters<typeof parseTolerance>[0]): string {
  const r = parseTolerance(input);
  if (r._tag === 'Right') throw new Error(`'${String(input)}' was accepted as ${JSON.stringify(r.right)}`);
  expect(r.left._tag).to.equal('ToleranceError');
  expect(r.left.message).to.not.include('\n');
  return r.left.message;
}

describe('validate: tolerance syntax', () => {
  it('a number is the max absolute error', () => {
    expect(ok('1e-3')).to.deep.equal({ atol: 1e-3, rtol: 0 });
    expect(ok(' 0.5 ')).to.deep.equal({ atol: 0.5, rtol: 0 });
    expect(ok('0')).to.deep.equal({ atol: 0, rtol: 0 });
    expect(ok(2e-2)).to.deep.equal({ atol: 2e-2, rtol: 0 });
  });

  it('atol=…,rtol=… in any order, either alone, comma or space separated', () => {
    expect(ok('atol=1e-4,rtol=1e-2')).to.deep.equal({ atol: 1e-4, rtol: 1e-2 });
    expect(ok('rtol=0.01 atol=.5')).to.deep.equal({ atol: 0.5, rtol: 0.01 });
    expect(ok('rtol=1e-3')).to.deep.equal({ atol: 0, rtol: 1e-3 });
    expect(ok('atol=3')).to.deep.equal({ atol: 3, rtol: 0 });
    expect(ok({ atol: 1, rtol: 2 })).to.deep.equal({ atol: 1, rtol: 2 });
  });

  it('rejects what it cannot read with a one-line message saying what to write', () => {
    expect(bad('')).to.match(/empty.*atol=A,rtol=R/);
    expect(bad('-1')).to.match(/atol must be a finite number ≥ 0, got -1/);
    expect(bad('atol=-1e-3')).to.match(/atol must be a finite number ≥ 0/);
    expect(bad('atol=abc')).to.match(/atol must be a finite number ≥ 0, got "abc"/);
    expect(bad('btol=1')).to.match(/unknown key 'btol'/);
    expect(bad('atol=1,atol=2')).to.match(/atol is given twice/);
    expect(bad('tight')).to.match(/cannot read 'tight'/);
    expect(bad('1e-3 rtol')).to.match(/cannot read/);
    expect(bad(Number.NaN)).to.match(/atol must be a finite number/);
    expect(bad(Number.POSITIVE_INFINITY)).to.match(/atol must be a finite number/);
    expect(bad({ atol: 1, extra: 2 })).to.match(/unknown key 'extra'/);
    expect(bad({})).to.match(/give atol and\/or rtol/);
  });

  it('formatTolerance spells it canonically and parses back', () => {
    for (const t of [{ atol: 1e-3, rtol: 0 }, { atol: 0, rtol: 0.01 }, { atol: 1e-4, rtol: 2e-2 }, { atol: 0, rtol: 0 }]) {
      expect(ok(formatTolerance(t))).to.deep.equal(t);
    }
    expect(formatTolerance({ atol: 1e-4, rtol: 2e-2 })).to.equal('atol=0.0001,rtol=0.02');
  });
});

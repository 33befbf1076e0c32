import { expect } from 'chai';
import { lineDiff } from '../src/index.js';

describe('lineDiff', () => {
  it('shows changed lines with context and the expected line number', () => {
    const e = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n');
    const a = ['a', 'b', 'c', 'D', 'e', 'f', 'g'].join('\n');
    expect(lineDiff(e, a, { context: 1 })).to.equal(['@@ expected line 3 @@', '  c', '- d', '+ D', '  e'].join('\n'));
  });

  it('handles insertions, deletions and separate hunks', () => {
    const e = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const a = ['1', 'x', '2', '3', '4', '5', '6', '7', '9'].join('\n');
    expect(lineDiff(e, a, { context: 0 })).to.equal(['@@ expected line 1 @@', '+ x', '@@ expected line 8 @@', '- 8'].join('\n'));
  });

  it('cuts long diffs', () => {
    const e = Array.from({ length: 200 }, (_, i) => `l${i}`).join('\n');
    const a = Array.from({ length: 200 }, (_, i) => `m${i}`).join('\n');
    const d = lineDiff(e, a, { maxLines: 10 }).split('\n');
    expect(d.length).to.equal(11);
    expect(d[10]).to.equal('… (diff cut at 10 lines)');
  });
});

import { execFileSync } from 'node:child_process';
import { expect } from 'chai';

// The CLI's convert must not pay for TensorFlow.js at start-up: the validation code loads the
// executor on first use only.
describe('validate: the executor is loaded lazily', () => {
  it('importing @mixprec/amp loads no TensorFlow.js module; running a validation does', () => {
    const script = `
      const count = () => Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length;
      import('@mixprec/amp').then(async (amp) => {
        const before = count();
        const { GraphBuilder, DataType } = await import('@mixprec/ir');
        const b = new GraphBuilder();
        b.output(b.op1('Neg', [b.input('X', DataType.FLOAT, [2])]), 'Y');
        await amp.randomFeedSets(b.model());
        console.log(JSON.stringify([before, count() > 0]));
      });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: process.cwd(), encoding: 'utf8' });
    expect(JSON.parse(out.trim())).to.deep.equal([0, true]);
  });
});

import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { CLS, cli, tempDir } from './helpers.js';

describe('mixprec inspect', () => {
  it('prints a census as JSON: ops, weights by dtype, casts, IO', async () => {
    const r = await cli('inspect', CLS, '--json');
    expect(r.code).to.equal(0);
    const c = JSON.parse(r.stdout);
    expect(c.ops.Conv).to.equal(53);
    expect(c.ops.BatchNormalization).to.equal(35);
    expect(c.initializers.FLOAT.count).to.be.greaterThan(100);
    expect(c.weights16BitFraction).to.equal(0);
    expect(c.inputs).to.deep.equal([{ name: 'x', dtype: 'FLOAT', shape: '[p2o.DynamicDimension.0,3,p2o.DynamicDimension.1,p2o.DynamicDimension.2]' }]);
    expect(c.casts['INT32->INT64']).to.equal(2); // input dtypes inferred
    expect(c.opsets).to.deep.equal({ 'ai.onnx': 9 });
  });

  it('prints a human-readable census', async () => {
    const r = await cli('inspect', CLS);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/471 nodes in 1 graph/);
    expect(r.stdout).to.match(/Cast edges:/);
  });

  it('fails with one line and exit code 2 on a truncated file', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'trunc.onnx');
    fs.writeFileSync(bad, fs.readFileSync(CLS).subarray(0, 1000));
    const r = await cli('inspect', bad);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain(bad);
    expect(r.stderr).to.not.match(/\bat .*\.js:\d+/);
  });
});

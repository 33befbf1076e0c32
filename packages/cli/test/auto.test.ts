import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { cli, tempDir } from './helpers.js';
import { overflowModel, save, testData, uniformTensor } from './validate-models.js';

describe('mixprec auto', function () {
  this.timeout(120000);
  let dir: string;
  let ovf: string;
  let data: string;
  before(() => {
    dir = tempDir();
    ovf = save(dir, 'overflow.onnx', overflowModel());
    data = testData(dir, 'data', [uniformTensor([1, 16], 1, 0, 1), uniformTensor([1, 16], 2, 0, 1)]);
  });

  it('finds the nodes to keep in float32, writes the model and prints the attempts', async () => {
    const out = path.join(dir, 'ovf.auto.onnx');
    const r = await cli('auto', ovf, '-o', out, '--data', data, '--tolerance', '1e-2', '--no-calibration');
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(out)).to.equal(true);
    expect(r.stdout).to.match(/overflow\.onnx -> .*ovf\.auto\.onnx .*: tolerance atol=0\.01 on 2 sample\(s\)/);
    expect(r.stdout).to.match(/1 +aggressive +- +0 +Y +16 non-finite/);
    expect(r.stdout).to.match(/2 +root-causes +\+1 +1 +Y/);
    expect(r.stdout).to.match(/3 +root-causes +\+1 +2 +Y/);
    expect(r.stdout).to.match(/planted \(Mul\) \[overflow\]: produces non-finite values while its inputs agree/);
    expect(r.stdout).to.match(/PASSED: tolerance met after 3 attempt\(s\): 2 node\(s\) kept in float32 by the search/);
    expect(r.stdout).to.match(/6 executor runs, \d+ node replays/); // 2 reference, 1 + 1 failing (stop at the first failing sample), 2 passing
    // The result validates.
    const v = await cli('validate', ovf, out, '--data', data, '--tolerance', '1e-2');
    expect(v.code, v.stdout).to.equal(0);
  });

  it('with calibration (default) the first attempt passes; --json is one document; --report writes it too', async () => {
    const out = path.join(dir, 'ovf.cal.onnx');
    const rep = path.join(dir, 'auto.json');
    const r = await cli('auto', ovf, '-o', out, '--data', data, '--tolerance', 'atol=1e-2,rtol=0', '--json', '--report', rep);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).to.equal('mixprec-auto/1');
    expect(Object.keys(j)).to.include.members(['input', 'output', 'samples', 'passed', 'tolerance', 'summary', 'attempts', 'blocked', 'calibrationKept', 'amp', 'weights16', 'flops16', 'runs', 'replays', 'ms']);
    expect(j.passed).to.equal(true);
    expect(j.attempts).to.have.length(1);
    expect(j.calibrationKept.map((k: { node: string }) => k.node)).to.deep.equal(['planted', 'unscale']);
    expect(j.runs).to.equal(4);
    expect(JSON.parse(fs.readFileSync(rep, 'utf8')).summary).to.equal(j.summary);
    expect(r.stderr).to.equal('');
    const html = path.join(dir, 'auto.html');
    const h = await cli('auto', ovf, '-o', path.join(dir, 'ovf.h.onnx'), '--data', data, '--tolerance', '1e-2', '--report', html, '-q');
    expect(h.code).to.equal(0);
    expect(h.stdout).to.equal('');
    expect(fs.readFileSync(html, 'utf8')).to.match(/^<!DOCTYPE html>/i);
  });

  it('exits 1 and writes nothing when no configuration meets the tolerance', async () => {
    const out = path.join(dir, 'never.onnx');
    const r = await cli('auto', ovf, '-o', out, '--data', data, '--tolerance', '1e-9', '--no-calibration');
    expect(r.code).to.equal(1);
    expect(fs.existsSync(out)).to.equal(false);
    expect(r.stdout).to.match(/FAILED: unreachable: even with every node in float32 Y/);
    expect(r.stderr).to.match(/^mixprec: auto: unreachable: .*; nothing written\n$/);
  });

  it('rejects bad options with exit 2', async () => {
    const out = path.join(dir, 'bad.onnx');
    const cases: [string[], RegExp][] = [
      [['--tolerance', 'x'], /--tolerance: Tolerance 'x'/],
      [['--tolerance', '1e-3', '--max-runs', '1'], /--max-runs: expected an integer ≥ 2/],
      [['--tolerance', '1e-3', '--min-16bit-weights', '2'], /--min-16bit-weights: expected a number in \[0, 1\]/],
      [['--tolerance', '1e-3', '--calibration-margin', '0'], /--calibration-margin: expected a number in \(0, 1\]/],
      [['--tolerance', '1e-3', '--target', 'int8'], /--target: expected float16 or bfloat16/],
      [['--tolerance', '1e-3', '--report', 'r.txt'], /--report: the file must end in \.json or \.html/],
    ];
    for (const [args, re] of cases) {
      const r = await cli('auto', ovf, '-o', out, '--data', data, ...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.match(re);
    }
    const noTol = await cli('auto', ovf, '-o', out);
    expect(noTol.code).to.equal(2);
    expect(noTol.stderr).to.match(/required option '--tolerance <tol>' not specified/);
    expect(fs.existsSync(out)).to.equal(false);
  });
});

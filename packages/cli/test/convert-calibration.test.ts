import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { run, type CliIO } from '../src/index.js';
import { CLS, cli, tempDir } from './helpers.js';
import { audio, npy, save, spectrumModel } from './validate-models.js';

describe('mixprec convert --calibration-data', function () {
  this.timeout(120000);
  let dir: string;
  let model: string;
  let calib: string[];
  before(() => {
    dir = tempDir();
    model = save(dir, 'spectrum.onnx', spectrumModel());
    calib = [1, 2].map((s) => npy(dir, `cal${s}.npy`, audio(4096, s, 20000)));
  });

  it('keeps in float32 the nodes whose values would overflow, and says why', async () => {
    const out = path.join(dir, 'spectrum.cal.onnx');
    const r = await cli('convert', model, '-o', out, '--calibration-data', ...calib);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/calibration +3 +Pow 'power', Add 'floor', Log 'log'/);
    expect(r.stdout).to.match(/kept in float32 by calibration \(3\):\n {2}power \(Pow\): 'power_out' reaches \|x\| = [\d.]+e\+6 > 3\.275e\+4 on calibration data/);
    const j = await cli('convert', model, '-o', path.join(dir, 'spectrum.cal2.onnx'), '--calibration-data', calib[0]!, '--calibration-margin', '0.01', '--json');
    expect(j.code).to.equal(0);
    const rep = JSON.parse(j.stdout);
    const kept = rep.float.nodes.filter((n: { rule: string }) => n.rule === 'calibration').map((n: { name: string }) => n.name);
    expect(kept).to.deep.equal(['frames', 'power', 'floor', 'log']); // a tighter margin also keeps the Conv
  });

  it('draws a progress bar on a terminal while calibrating, and one over several models', async () => {
    const capture = async (...args: string[]): Promise<string> => {
      let err = '';
      const io: CliIO = { stdout: () => undefined, stderr: (t) => { err += t; }, isTTY: true };
      expect(await run(['node', 'mixprec', 'convert', ...args], io)).to.equal(0);
      return err;
    };
    expect(await capture(model, '-o', path.join(dir, 'p1.onnx'), '--calibration-data', ...calib)).to.include('calibrating [');
    const second = save(dir, 'spectrum2.onnx', spectrumModel(2048));
    const out = path.join(dir, 'batch') + path.sep;
    expect(await capture(model, second, '-o', out)).to.include('convert [');
    expect(await capture(model, second, '-o', out, '--json')).to.equal('');
  });

  it('rejects calibration flags that cannot apply', async () => {
    const out = path.join(dir, 'x.onnx');
    const cases: [string[], RegExp][] = [
      [['--calibration-margin', '0.5'], /--calibration-margin: give the samples with --calibration-data/],
      [['--calibration-data', calib[0]!, '--calibration-margin', '2'], /--calibration-margin: expected a number in \(0, 1\]/],
      [['--calibration-data', calib[0]!, '--no-float', '--int16'], /--calibration-data: calibration guides the float conversion/],
      [['--calibration-data', path.join(dir, 'none.npy')], /none\.npy: no such file or directory/],
    ];
    for (const [args, re] of cases) {
      const r = await cli('convert', model, '-o', out, ...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr).to.match(re);
    }
    const wrong = await cli('convert', CLS, '-o', out, '--calibration-data', calib[0]!);
    expect(wrong.code).to.equal(2);
    expect(fs.existsSync(out)).to.equal(false);
  });
});

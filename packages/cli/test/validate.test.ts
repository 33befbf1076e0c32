import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { run, type CliIO } from '../src/index.js';
import { CLS, cli, tempDir } from './helpers.js';
import { overflowModel, save, testData, uniformTensor } from './validate-models.js';

/** Real input sizes of PaddleOCR cls (its input dims are symbolic). */
const DIMS = ['--dim', 'p2o.DynamicDimension.0=1', '--dim', 'p2o.DynamicDimension.1=48', '--dim', 'p2o.DynamicDimension.2=192'];

describe('mixprec validate', function () {
  this.timeout(120000);
  let dir: string;
  let cls16: string;
  let ovf: string;
  let ovf16: string;
  before(async () => {
    dir = tempDir();
    cls16 = path.join(dir, 'cls16.onnx');
    expect((await cli('convert', CLS, '-o', cls16, '-q')).code).to.equal(0);
    ovf = save(dir, 'overflow.onnx', overflowModel());
    ovf16 = path.join(dir, 'overflow16.onnx');
    expect((await cli('convert', ovf, '-o', ovf16, '-q')).code).to.equal(0);
  });

  it('passes within the tolerance: a table per output, exit 0', async () => {
    const r = await cli('validate', CLS, cls16, '--tolerance', '0.2', '--samples', '2', ...DIMS);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/on executor: 2 sample\(s\), tolerance atol=0\.2/);
    expect(r.stdout).to.match(/softmax_0\.tmp_0 +[\d.e-]+ +[\d.e-]+ +[\d.e-]+ +[01]\.\d{6} +100\.0% +0 +ok/);
    expect(r.stdout).to.include('PASSED on 2 sample(s)');
    expect(r.stderr).to.equal('');
  });

  it('exits 1 when the tolerance fails, one line per failing sample on stdout and one on stderr (a CI gate)', async () => {
    const r = await cli('validate', CLS, cls16, '--tolerance', 'atol=1e-7,rtol=0', '--samples', '2', ...DIMS);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/FAILED: 2 of 2 sample\(s\) miss the tolerance/);
    expect(r.stdout).to.match(/random #0 \(seed 0\): softmax_0\.tmp_0: \d of 2 elements beyond atol 1e-7/);
    expect(r.stderr).to.equal('mixprec: validation failed: 2 output(s) of 2 sample(s) miss the tolerance\n');
  });

  it('without a tolerance only non-finite values fail; --localize names the planted culprit', async () => {
    const data = testData(dir, 'ovf-data', [uniformTensor([1, 16], 1, 0, 1)]);
    const r = await cli('validate', ovf, ovf16, '--data', data, '--localize');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/no tolerance \(only non-finite values fail\)/);
    expect(r.stdout).to.match(/Y +0 +0 +0 +0\.000000 +0\.0% +16 new +FAIL/);
    expect(r.stdout).to.match(/16 non-finite value\(s\) where the reference is finite/);
    expect(r.stdout).to.match(/root cause {2}planted \(Mul\): produces non-finite values while its inputs agree/);
    expect(r.stdout).to.match(/first divergent value: 'planted_out' from planted/);
  });

  it('--json prints one machine-readable document (stable keys), and nothing else', async () => {
    const data = testData(dir, 'ovf-json', [uniformTensor([1, 16], 2, 0, 1), uniformTensor([1, 16], 3, 0, 1)]);
    const r = await cli('validate', ovf, ovf16, '--data', data, '--tolerance', '1e-2', '--json', '--localize');
    expect(r.code).to.equal(1);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).to.deep.equal(['schema', 'reference', 'candidate', 'runtime', 'tolerance', 'samples', 'outputs', 'passed', 'failures', 'runs', 'ms', 'localization']);
    expect(j.schema).to.equal('mixprec-validate/1');
    expect(j.tolerance).to.deep.equal({ atol: 1e-2, rtol: 0 });
    expect(j.samples.map((s: { label: string }) => path.basename(s.label))).to.deep.equal(['test_data_set_0', 'test_data_set_1']);
    expect(Object.keys(j.outputs.Y)).to.include.members(['maxAbs', 'meanAbs', 'maxRel', 'meanRel', 'cosine', 'refAbsMax', 'nonFinite', 'violations', 'worstRatio', 'passed']);
    expect(j.outputs.Y.nonFinite.introduced).to.equal(32);
    expect(j.runs).to.equal(4);
    expect(j.localization.rootCauses[0].node).to.equal('planted');
    expect(r.stderr).to.match(/^mixprec: validation failed/);
  });

  it('--runtime ort runs both models in onnxruntime-node', async () => {
    const r = await cli('validate', CLS, cls16, '--runtime', 'ort', '--tolerance', 'atol=1e-2,rtol=1e-2', '--samples', '2', '--json', ...DIMS);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.runtime).to.equal('onnxruntime-node');
    expect(j.passed).to.equal(true);
    expect(j.outputs['softmax_0.tmp_0'].maxAbs).to.be.lessThan(1e-2);
  });

  it('rejects bad input with exit 2 and one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--tolerance', 'atol=-1'], /--tolerance: Tolerance 'atol=-1': atol must be a finite number ≥ 0, got -1/],
      [['--tolerance', 'tight'], /--tolerance: Tolerance 'tight': cannot read 'tight'/],
      [['--runtime', 'gpu'], /--runtime: expected executor or ort, got 'gpu'/],
      [['--data', path.join(dir, 'nope')], /nope: no such file or directory/],
      [['--samples', '0'], /--samples: expected an integer ≥ 1, got '0'/],
      [['--threshold', '-1'], /--threshold: expected a number > 0/],
    ];
    for (const [args, re] of cases) {
      const r = await cli('validate', CLS, cls16, ...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(re);
    }
    const missing = await cli('validate', CLS, path.join(dir, 'missing.onnx'));
    expect(missing.code).to.equal(2);
    const other = await cli('validate', CLS, ovf16, '--samples', '1', ...DIMS);
    expect(other.code).to.equal(2);
    // Symbolic dims left to the random samples are set to 1, and the user is told so.
    const note = await cli('validate', CLS, cls16, '--samples', '1', '--tolerance', '1', ...DIMS.slice(2));
    expect(note.code, note.stderr).to.equal(0);
    expect(note.stderr).to.equal('note: random samples set the symbolic input dims p2o.DynamicDimension.0 to 1; give real sizes with --dim NAME=SIZE\n');
    // A 1x1 image is too small for the classifier: the note comes first, then one line naming the node.
    const tiny = await cli('validate', CLS, cls16, '--samples', '1', '--tolerance', '1');
    expect(tiny.code).to.equal(2);
    const lines = tiny.stderr.trim().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal('note: random samples set the symbolic input dims p2o.DynamicDimension.0, p2o.DynamicDimension.1, p2o.DynamicDimension.2 to 1; give real sizes with --dim NAME=SIZE');
    expect(lines[1]).to.match(/GlobalAveragePool 'p2o\.GlobalAveragePool\.18': input \[1, 200, 0, 0\] is empty/);
  });

  it('shows a progress bar on a terminal only, and never with --json or --quiet', async () => {
    const capture = async (isTTY: boolean, ...extra: string[]): Promise<{ out: string; err: string; code: number }> => {
      let out = '';
      let err = '';
      const io: CliIO = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY };
      const code = await run(['node', 'mixprec', 'validate', CLS, cls16, '--samples', '2', '--tolerance', '0.2', ...DIMS, ...extra], io);
      return { out, err, code };
    };
    const tty = await capture(true);
    expect(tty.code).to.equal(0);
    expect(tty.err).to.include('validate [');
    expect(tty.err).to.include('\x1B[?25l'); // hides the cursor while drawing
    expect(tty.out).to.not.include('validate [');
    for (const extra of [['--json'], ['--quiet']]) {
      const r = await capture(true, ...extra);
      expect(r.err, extra[0]).to.equal('');
    }
    expect((await capture(false)).err).to.equal('');
    const quiet = await capture(true, '--quiet');
    expect(quiet.out).to.equal('');
    expect(fs.existsSync(cls16)).to.equal(true);
  });
});

/**
 * `mixprec validate` / `convert --calibration-data` / `auto` end to end, through the real binary:
 * exit codes 0/1/2 (a CI gate), the --json document, onnxruntime-node as the runtime, and the
 * calibration acceptance on a power spectrum of int16-amplitude audio.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { audioTensor, overflowModel, realModelPath, spectrumModel } from '@mixprec/testing';
import { floatTensor } from '@mixprec/ir';
import { mixprec, saveTo, tempDir, testData } from './harness.js';

/** Real input sizes of PaddleOCR cls (its input dims are symbolic). */
const DIMS = ['--dim', 'p2o.DynamicDimension.0=1', '--dim', 'p2o.DynamicDimension.1=48', '--dim', 'p2o.DynamicDimension.2=192'];

describe('mixprec validate, calibration and auto (the binary)', function () {
  this.timeout(300000);
  const dir = tempDir();
  const cls = realModelPath('ppocr-cls');

  it('validate: exit 0 within the tolerance, 1 beyond it, 2 for bad input; --json is one document', () => {
    const cls16 = path.join(dir, 'cls16.onnx');
    expect(mixprec('convert', cls, '-o', cls16, '-q').code).to.equal(0);
    const ok = mixprec('validate', cls, cls16, '--samples', '3', '--tolerance', 'atol=0.2', '--json', ...DIMS);
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stderr).to.equal('');
    const j = JSON.parse(ok.stdout);
    expect(j).to.include({ schema: 'mixprec-validate/1', reference: cls, candidate: cls16, runtime: 'executor', passed: true, runs: 6 });
    expect(j.samples).to.have.length(3);
    const out = j.outputs['softmax_0.tmp_0'];
    for (const k of ['maxAbs', 'meanAbs', 'maxRel', 'meanRel', 'cosine', 'refAbsMax', 'violations']) expect(out[k], k).to.be.a('number');
    expect(out.top1).to.equal(1);
    expect(out.nonFinite).to.deep.equal({ ref: 0, got: 0, introduced: 0 });
    const bad = mixprec('validate', cls, cls16, '--samples', '3', '--tolerance', '1e-6', ...DIMS);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(/FAILED: 3 of 3 sample\(s\) miss the tolerance/);
    expect(bad.stderr).to.match(/^mixprec: validation failed/);
    const usage = mixprec('validate', cls, cls16, '--tolerance', 'rtol=-1');
    expect(usage.code).to.equal(2);
    expect(usage.stderr.trim().split('\n')).to.have.length(1);
  });

  it('validate --runtime ort: onnxruntime-node runs both models', () => {
    const cls16 = path.join(dir, 'cls16-ort.onnx');
    expect(mixprec('convert', cls, '-o', cls16, '-q', '--keep-io-types').code).to.equal(0);
    const r = mixprec('validate', cls, cls16, '--runtime', 'ort', '--samples', '4', '--tolerance', 'atol=1e-2,rtol=1e-2', '--json', ...DIMS);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.runtime).to.equal('onnxruntime-node');
    expect(j.outputs['softmax_0.tmp_0'].maxAbs).to.be.lessThan(1e-2);
  });

  it('calibration acceptance: int16 audio overflows the FP16 power spectrum (non-finite, exit 1); with --calibration-data it is finite and within tolerance', () => {
    const model = saveTo(dir, 'spectrum.onnx', spectrumModel());
    const calib = testData(dir, 'calib', 'X', [1, 2, 3].map((s) => audioTensor(4096, s, 20000)));
    const held = testData(dir, 'held-out', 'X', [7, 8].map((s) => audioTensor(4096, s, 20000)));
    const tol = 'atol=0.05,rtol=0.01';
    const plain = path.join(dir, 'spectrum.fp16.onnx');
    expect(mixprec('convert', model, '-o', plain, '-q').code).to.equal(0);
    const before = mixprec('validate', model, plain, '--data', held, '--tolerance', tol, '--json');
    expect(before.code).to.equal(1);
    const b = JSON.parse(before.stdout);
    expect(b.outputs.Y.nonFinite.introduced).to.be.greaterThan(1000);
    const fixed = path.join(dir, 'spectrum.cal.onnx');
    const conv = mixprec('convert', model, '-o', fixed, '--calibration-data', calib);
    expect(conv.code, conv.stderr).to.equal(0);
    expect(conv.stdout).to.match(/kept in float32 by calibration \(3\):/);
    for (const n of ['power (Pow)', 'floor (Add)', 'log (Log)']) expect(conv.stdout).to.include(`  ${n}: `);
    const after = mixprec('validate', model, fixed, '--data', held, '--tolerance', tol, '--json');
    expect(after.code, after.stdout).to.equal(0);
    const a = JSON.parse(after.stdout);
    expect(a.outputs.Y.nonFinite.got).to.equal(0);
    expect(a.outputs.Y.maxAbs).to.be.lessThan(0.05);
    console.log(`      spectrum: without calibration ${b.outputs.Y.nonFinite.introduced} non-finite of ${2 * 32 * 127}; with calibration max abs ${a.outputs.Y.maxAbs.toExponential(2)}, mean abs ${a.outputs.Y.meanAbs.toExponential(2)} (log power)`);
    // Quiet audio never needed calibration.
    const quiet = testData(dir, 'quiet', 'X', [audioTensor(4096, 9, 100)]);
    expect(mixprec('validate', model, plain, '--data', quiet, '--tolerance', tol).code).to.equal(0);
  });

  it('validate --localize names the planted culprit; auto keeps it (and its consumer) in float32 and the result validates', () => {
    const model = saveTo(dir, 'overflow.onnx', overflowModel());
    const x = floatTensor([1, 16], Float32Array.from({ length: 16 }, (_, i) => (i + 0.5) / 16));
    const data = testData(dir, 'ovf', 'X', [x]);
    const plain = path.join(dir, 'overflow.fp16.onnx');
    expect(mixprec('convert', model, '-o', plain, '-q').code).to.equal(0);
    const loc = mixprec('validate', model, plain, '--data', data, '--localize');
    expect(loc.code).to.equal(1);
    expect(loc.stdout).to.match(/root cause {2}planted \(Mul\): produces non-finite values while its inputs agree/);
    const out = path.join(dir, 'overflow.auto.onnx');
    const auto = mixprec('auto', model, '-o', out, '--data', data, '--tolerance', '1e-2', '--no-calibration', '--json');
    expect(auto.code, auto.stderr).to.equal(0);
    const j = JSON.parse(auto.stdout);
    expect(j.blocked.map((b: { node: string }) => b.node)).to.deep.equal(['planted', 'unscale']);
    expect(fs.existsSync(out)).to.equal(true);
    expect(mixprec('validate', model, out, '--data', data, '--tolerance', '1e-2').code).to.equal(0);
  });
});

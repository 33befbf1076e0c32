import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { countNodes, DataType } from '@mixprec/ir';
import { loadModel } from '@mixprec/onnx';
import { validateRecognizer, type ValidationOutcome } from '../src/index.js';

describe('validate a real model: PaddleOCR rec in FP16', function () {
  this.timeout(300000);
  let dir: string;
  let r: ValidationOutcome;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-validate-real-model-'));
    r = await validateRecognizer({ outDir: dir });
    const o = Object.values(r.validation.outputs)[0]!;
    process.stdout.write(`      ${r.validation.samples.length} lines, max |Δp| ${o.maxAbs.toExponential(3)}, cosine ${o.cosine.toFixed(6)}, top-1 ${o.top1}; `
      + `${r.localization.rootCauses.length} root causes, ${r.localization.amplifiers.length} amplifiers; ${r.validation.ms + r.localization.ms} ms\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('converts every float weight and op to float16 (half the weights)', () => {
    expect(r.report.weights.fraction16).to.equal(1);
    expect(r.report.weights.bytesAfter / r.report.weights.bytesBefore).to.be.closeTo(0.5, 1e-3);
    expect(r.report.counts.red).to.equal(0);
    expect(r.report.flops.unknownNodes).to.equal(0);
    expect(r.report.flops.fraction16).to.equal(1);
  });

  it('reads the same text in FP32 and FP16 — the text that was printed', () => {
    expect(r.readings.map((x) => [x.fp32, x.fp16])).to.deep.equal(r.readings.map((x) => [x.text, x.text]));
  });

  it('passes the validation: probabilities within 0.03, the same top-1 class at every step, no new non-finite values', () => {
    const v = r.validation;
    expect(v.passed, JSON.stringify(v.failures)).to.equal(true);
    expect(v.runtime).to.equal('executor');
    expect(v.runs).to.equal(6);
    const o = Object.values(v.outputs)[0]!;
    expect(o.top1).to.equal(1);
    expect(o.nonFinite.introduced).to.equal(0);
    expect(o.cosine).to.be.greaterThan(0.9999);
    expect(o.maxAbs).to.be.greaterThan(0); // FP16 really rounds
  });

  it('localises where FP16 first departs from FP32 (values compared along the graph, culprits named)', () => {
    const l = r.localization;
    expect(l.values.length).to.be.greaterThan(500);
    expect(l.outputs).to.have.length(1);
    for (const c of [...l.rootCauses, ...l.amplifiers]) {
      expect(c.node).to.not.equal('');
      expect(c.reason).to.not.equal('');
    }
  });

  it('writes the converted model and a self-contained HTML report with the validation and the localisation', () => {
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['ch_PP-OCRv4_rec_infer.fp16.html', 'ch_PP-OCRv4_rec_infer.fp16.onnx']);
    const saved = loadModel(r.modelFile);
    if (saved._tag === 'Left') throw new Error(saved.left.message);
    expect(saved.right.graph.inputs[0]!.dtype).to.equal(DataType.FLOAT16);
    const html = fs.readFileSync(r.htmlFile, 'utf8');
    expect(html).to.contain(`<span id="node-count">${countNodes(saved.right)}</span>`);
    expect(html).to.contain('id="validation-verdict">PASSED: 3 samples on executor');
    expect(html).to.contain("<tr class=\"pass\"><td>softmax_11.tmp_0</td>");
    expect(html).to.contain('id="localization"');
    expect(html).to.contain(`root cause <b>${r.localization.rootCauses.length}</b>`);
  });
});

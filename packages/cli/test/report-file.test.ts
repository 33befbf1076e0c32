import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { countNodes } from '@mixprec/ir';
import { loadModel } from '@mixprec/onnx';
import { CLS, cli, tempDir } from './helpers.js';

function nodesOf(file: string): number {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return countNodes(r.right);
}

describe('mixprec convert --report FILE.html', () => {
  it('writes one self-contained page drawing the converted model (and nothing else in the folder)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'cls16.onnx');
    const report = path.join(dir, 'report.html');
    const r = await cli('convert', CLS, '-o', out, '--report', report, '-q');
    expect(r.code, r.stderr).to.equal(0);
    const html = fs.readFileSync(report, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    expect(html).to.contain(`<span id="node-count">${nodesOf(out)}</span>`);
    expect(html).to.contain('cls16.onnx');
    expect(html).to.contain('id="casts-inserted"');
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['cls16.onnx', 'report.html']);
  });

  it('writes one page per model for several inputs', async () => {
    const dir = tempDir();
    const inDir = path.join(dir, 'in');
    fs.mkdirSync(inDir);
    fs.copyFileSync(CLS, path.join(inDir, 'a.onnx'));
    fs.copyFileSync(CLS, path.join(inDir, 'b.onnx'));
    const r = await cli('convert', inDir, '-o', path.join(dir, 'out'), '--report', path.join(dir, 'r.html'), '-q');
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'r.a.html')) && fs.existsSync(path.join(dir, 'r.b.html'))).to.equal(true);
  });

  it('refuses an HTML report without the float conversion, in one line', async () => {
    const dir = tempDir();
    const r = await cli('convert', CLS, '-o', path.join(dir, 'o.onnx'), '--no-float', '--narrow-int64', '--report', path.join(dir, 'r.html'));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--report .*r\.html: the HTML report draws the float conversion, which --no-float skipped; use a \.json report/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });
});

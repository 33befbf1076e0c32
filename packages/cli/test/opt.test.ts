import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { CLS, cli, tempDir } from './helpers.js';

describe('mixprec opt', () => {
  it('round-trips a real model byte for byte with an empty pipeline', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'cls.onnx');
    const r = await cli('opt', CLS, '-o', out, '-p', '');
    expect(r.code, r.stderr).to.equal(0);
    expect(Buffer.compare(fs.readFileSync(out), fs.readFileSync(CLS))).to.equal(0);
  });

  it('runs a pipeline and reports timing', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'cls.onnx');
    const r = await cli('opt', CLS, '-o', out, '-p', 'cleanup', '--timing', '--verify-each');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/Pass execution timing report/);
    expect(fs.existsSync(out)).to.equal(true);
  });

  it('writes IR dumps after every pass into --dump-ir', async () => {
    const dir = tempDir();
    const dumps = path.join(dir, 'dumps');
    const r = await cli('opt', CLS, '-o', path.join(dir, 'o.onnx'), '-p', 'dce,topo-sort', '--dump-ir', dumps);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.readdirSync(dumps).sort()).to.deep.equal(['001_after_dce.onnxtxt', '002_after_topo-sort.onnxtxt']);
  });

  it('converts several inputs into an output folder', async () => {
    const dir = tempDir();
    const inDir = path.join(dir, 'in');
    fs.mkdirSync(path.join(inDir, 'sub'), { recursive: true });
    fs.copyFileSync(CLS, path.join(inDir, 'a.onnx'));
    fs.copyFileSync(CLS, path.join(inDir, 'sub', 'b.onnx'));
    const out = path.join(dir, 'out');
    const r = await cli('opt', inDir, '-o', out);
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(out, 'a.onnx'))).to.equal(true);
    expect(fs.existsSync(path.join(out, 'sub', 'b.onnx'))).to.equal(true);
  });

  it('refuses to overwrite its input unless --in-place', async () => {
    const dir = tempDir();
    const m = path.join(dir, 'm.onnx');
    fs.copyFileSync(CLS, m);
    const before = fs.readFileSync(m);
    const r = await cli('opt', m, '-o', m);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/refusing to overwrite the input model/);
    expect(Buffer.compare(fs.readFileSync(m), before)).to.equal(0);
    const r2 = await cli('opt', m, '-o', m, '--in-place', '-p', 'dce');
    expect(r2.code, r2.stderr).to.equal(0);
  });

  it('rejects an unknown pass or option with the valid candidates, writing nothing', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'o.onnx');
    const r = await cli('opt', CLS, '-o', out, '-p', 'dcee');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/unknown pass 'dcee'.*dce/);
    expect(fs.existsSync(out)).to.equal(false);
    const r2 = await cli('opt', CLS, '-o', out, '-p', 'dce{foo=1}');
    expect(r2.code).to.equal(2);
    expect(r2.stderr).to.match(/valid options of 'dce'/);
  });

  it('writes external data on request', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'ext.onnx');
    const r = await cli('opt', CLS, '-o', out, '--external-data', '0');
    expect(r.code, r.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'ext.data'))).to.equal(true);
    const r2 = await cli('inspect', out, '--json');
    expect(JSON.parse(r2.stdout).ops.Conv).to.equal(53);
  });

  it('names a missing input and exits 2', async () => {
    const r = await cli('opt', '/no/such/model.onnx', '-o', '/tmp/never.onnx');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/\/no\/such\/model\.onnx: no such file/);
  });
});

describe('mixprec passes and --help', () => {
  it('lists passes with options and defaults', async () => {
    const r = await cli('passes');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/dce {2}\(opt level \d\)/);
    expect(r.stdout).to.match(/cast-cleanup/);
  });

  for (const cmd of ['convert', 'opt', 'inspect', 'run', 'passes']) {
    it(`has --help on ${cmd}`, async () => {
      const r = await cli(cmd, '--help');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/Usage: mixprec/);
    });
  }
});

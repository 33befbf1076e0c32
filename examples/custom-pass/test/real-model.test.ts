import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { countNodes, tensorToFloat32, type Model } from '@mixprec/ir';
import { encodeModel, loadModel } from '@mixprec/onnx';
import { REAL_MODELS, realModelFeeds, realModelPath } from '@mixprec/testing';
import { fuseFromCode } from '../src/index.js';

const REC = REAL_MODELS.find((m) => m.name === 'ppocr-rec')!;
const PLUGIN = fileURLToPath(new URL('../dist/plugin.js', import.meta.url));
/** The `mixprec` binary of the installed CLI package. */
const MIXPREC = path.join(path.dirname(createRequire(import.meta.url).resolve('@mixprec/cli')), '..', 'bin', 'mixprec.js');

function load(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

const count = (m: Model, op: string): number => [...m.graph].filter((n) => n.opType === op).length;

/** Runs a model in onnxruntime-node on the seeded PaddleOCR feeds; returns its first output. */
async function ortRun(model: Model): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(realModelFeeds(REC))) feeds[k] = new ort.Tensor('float32', tensorToFloat32(t), [...t.dims]);
    const out = await s.run(feeds);
    return out[s.outputNames[0]!]!.data as Float32Array;
  } finally {
    await s.release();
  }
}

function mixprec(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MIXPREC, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('fuse-hard-swish on PaddleOCR rec', () => {
  const original = load(realModelPath(REC));

  it('from code: fuses the 28 hard-swish blocks; onnxruntime gives the same outputs', async () => {
    const model = load(realModelPath(REC));
    const { diagnostics } = fuseFromCode(model);
    expect(diagnostics.map((d) => d.message)).to.deep.equal(['fuse-hard-swish: 28 hard-swish pattern(s) fused into HardSigmoid and Mul']);
    expect(count(model, 'HardSigmoid')).to.equal(count(original, 'HardSigmoid') + 28);
    expect(count(model, 'Clip')).to.equal(count(original, 'Clip') - 28);
    expect(count(model, 'Div')).to.equal(count(original, 'Div') - 28);
    // 4 nodes → 2 per block, and the constants 3 and 6 the blocks used are gone
    expect(countNodes(model)).to.be.at.most(countNodes(original) - 2 * 28);
    const [a, b] = [await ortRun(original), await ortRun(model)];
    expect(b.length).to.equal(a.length);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).to.be.lessThan(1e-4);
  });

  it('from the CLI, by name, after --plugin registers it (`passes` lists it; a pass and an alias run)', () => {
    expect(fs.existsSync(PLUGIN), `${PLUGIN} (npm run build)`).to.equal(true);
    const listed = mixprec('passes', '--plugin', PLUGIN);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.match(/^ {2}fuse-hard-swish {2}\(opt level 1\) {2}Fuse x\*Clip\(x\+3,0,6\)\/6/m);
    expect(listed.stdout).to.match(/^ {6}hard-swish: boolean = true/m);
    expect(listed.stdout).to.match(/^ {2}hard-swish {2}Fuse hard-swish patterns, then drop the dead constants\n {6}= fuse-hard-swish,dce$/m);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-custom-pass-'));
    try {
      const out = path.join(dir, 'rec.fused.onnx');
      const r = mixprec('opt', realModelPath(REC), '-o', out, '--plugin', PLUGIN, '-p', 'fuse-hard-swish{hard-swish=false},dce', '--verify-each', '--timing');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain("with -p 'fuse-hard-swish{hard-swish=false},dce'");
      expect(r.stderr).to.contain('fuse-hard-swish');
      const fused = load(out);
      expect(count(fused, 'HardSigmoid')).to.equal(count(original, 'HardSigmoid') + 28);
      const viaAlias = path.join(dir, 'rec.alias.onnx');
      const r2 = mixprec('opt', realModelPath(REC), '-o', viaAlias, '--plugin', PLUGIN, '-p', 'hard-swish', '-q');
      expect(r2.code, r2.stderr).to.equal(0);
      expect(Buffer.compare(fs.readFileSync(viaAlias), fs.readFileSync(out))).to.equal(0);
      // without the plugin the CLI does not know the pass
      const r3 = mixprec('opt', realModelPath(REC), '-o', path.join(dir, 'x.onnx'), '-p', 'fuse-hard-swish');
      expect(r3.code).to.equal(2);
      expect(r3.stderr).to.match(/unknown pass 'fuse-hard-swish'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

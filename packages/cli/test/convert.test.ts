import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { realModelPath } from '@mixprec/testing';
import { CLS, cli, tempDir } from './helpers.js';

async function ortLoads(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
}

describe('mixprec convert', () => {
  it('converts a real model to FP16 with 16-bit IO by default; onnxruntime-node loads it', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'cls16.onnx');
    const report = path.join(dir, 'report.json');
    const r = await cli('convert', CLS, '-o', out, '--report', report);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/target float16, policy aggressive/);
    const j = JSON.parse(fs.readFileSync(report, 'utf8'));
    expect(j.schema).to.equal('mixprec-report/1');
    expect(j.float.io.inputs[0]).to.include({ name: 'x' });
    expect(fs.statSync(out).size).to.be.lessThan(0.6 * fs.statSync(CLS).size);
    const s = await ortLoads(out);
    expect(s.inputNames).to.deep.equal(['x']);
    const insp = JSON.parse((await cli('inspect', out, '--json')).stdout);
    expect(insp.inputs[0].dtype).to.equal('FLOAT16');
    expect(insp.weights16BitFraction).to.equal(1);
  });

  it('keeps IO dtypes with --keep-io-types', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'keep.onnx');
    const r = await cli('convert', CLS, '-o', out, '--keep-io-types', '--policy', 'balanced', '-q');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('');
    const insp = JSON.parse((await cli('inspect', out, '--json')).stdout);
    expect(insp.inputs[0].dtype).to.equal('FLOAT');
    expect(insp.outputs[0].dtype).to.equal('FLOAT');
    await ortLoads(out);
  });

  it('prints the report as JSON only with --json', async () => {
    const dir = tempDir();
    const r = await cli('convert', CLS, '-o', path.join(dir, 'o.onnx'), '--json');
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.float.counts.nodes).to.equal(471);
  });

  it('takes a policy file and reports its errors with a path', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'p.json');
    fs.writeFileSync(good, JSON.stringify({ name: 'mine', extends: 'aggressive', red: ['Softmax'] }));
    const r = await cli('convert', CLS, '-o', path.join(dir, 'o.onnx'), '--policy', good, '--json');
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).float.policy).to.equal('mine');
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ name: 'bad', rules: [{ level: 20, color: 'blue' }] }));
    const r2 = await cli('convert', CLS, '-o', path.join(dir, 'o2.onnx'), '--policy', bad);
    expect(r2.code).to.equal(2);
    expect(r2.stderr).to.match(/rules\[0\]\.color/);
    expect(fs.existsSync(path.join(dir, 'o2.onnx'))).to.equal(false);
  });

  it('rejects bad options with exit code 2 and writes nothing', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'o.onnx');
    for (const args of [
      ['--target', 'float8'], ['--policy', 'nope'], ['--accumulation', 'sometimes'], ['--no-float'],
      ['--block-nodes', '(unclosed'], ['--report', 'r.txt'], ['--runtime', 'tensorrt'],
    ]) {
      const r = await cli('convert', CLS, '-o', out, ...args);
      expect(r.code, args.join(' ')).to.equal(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      expect(fs.existsSync(out)).to.equal(false);
    }
  });

  it('--runtime: ort-cpu (default) keeps float32 what onnxruntime cannot run in bfloat16; onnx converts by the schemas', async () => {
    const dir = tempDir();
    const silero = realModelPath('silero-v5');
    const rules = async (out: string, ...extra: string[]): Promise<Record<string, number>> => {
      const r = await cli('convert', silero, '-o', out, '--policy', 'bf16', '--keep-io-types', '--json', ...extra);
      expect(r.code, r.stderr).to.equal(0);
      const count: Record<string, number> = {};
      const visit = (nodes: { rule: string; color: string }[]): void => {
        for (const n of nodes) count[`${n.rule}:${n.color}`] = (count[`${n.rule}:${n.color}`] ?? 0) + 1;
      };
      const float = JSON.parse(r.stdout).float;
      visit(float.nodes);
      for (const g of float.subgraphs ?? []) visit(g.nodes);
      return count;
    };
    const ortOut = path.join(dir, 'ort.onnx');
    const onnxOut = path.join(dir, 'onnx.onnx');
    const byOrt = await rules(ortOut);
    const byOnnx = await rules(onnxOut, '--runtime', 'onnx');
    expect(byOrt['runtime:red'] ?? 0).to.be.greaterThan(0);
    expect(byOnnx['runtime:red'] ?? 0).to.equal(0);
    // The default result runs in onnxruntime-node; the schema-only one has bfloat16 arithmetic it has no kernel for.
    await ortLoads(ortOut);
    let refused = '';
    try {
      await ortLoads(onnxOut);
    } catch (e) {
      refused = (e as Error).message;
    }
    expect(refused).to.match(/implementation/i);
  });

  it('blocks nodes by regex and op type', async () => {
    const dir = tempDir();
    const r = await cli('convert', CLS, '-o', path.join(dir, 'o.onnx'), '--block-ops', 'Softmax', '--block-nodes', 'conv2d_1[0-9]+\\.tmp_0', '--json');
    expect(r.code, r.stderr).to.equal(0);
    const nodes = JSON.parse(r.stdout).float.nodes as { opType: string; color: string; rule: string }[];
    expect(nodes.filter((n) => n.opType === 'Softmax').every((n) => n.rule === 'user-block')).to.equal(true);
  });
});

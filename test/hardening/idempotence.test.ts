/**
 * Idempotence: converting an already converted model changes no byte (every real model, inline
 * and with external data), and converting a model that is already partly 16-bit creates no
 * duplicate nodes, names or Casts.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { verify, walkNodes, type Model } from '@mixprec/ir';
import { decodeModel, encodeModel, formatLoadError, loadModel } from '@mixprec/onnx';
import { REAL_MODELS, mulberry32, realModelPath } from '@mixprec/testing';
import { cliProcess, conversionArgs, hasConvert, listFiles, tempDir } from './helpers.js';
import { partly16 } from '../fuzz/hostile-data.js';
import { makeRng } from '../fuzz/rng.js';
import { selectStep } from '../fuzz/steps.js';

/** Problems that would show a conversion duplicated something: verifier errors, repeated Casts. */
function duplicates(m: Model): string[] {
  const out = verify(m).filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  const casts = new Map<string, number>();
  for (const n of walkNodes(m)) {
    if (n.opType !== 'Cast' || n.domain !== '') continue;
    const key = `${n.inputs[0]?.name ?? ''}->${n.getInt('to') ?? '?'}`;
    casts.set(key, (casts.get(key) ?? 0) + 1);
  }
  for (const [k, c] of casts) if (c > 1) out.push(`${c} Casts ${k}`);
  return out;
}

function mustLoad(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

describe('hardening: idempotence', function () {
  this.timeout(300_000);
  const inputs = REAL_MODELS.map((m) => realModelPath(m));
  let dir: string;
  before(() => {
    dir = tempDir('mixprec-hardening-idempotence-');
  });

  async function run(files: readonly string[], out: string, extra: readonly string[] = []): Promise<void> {
    const args = conversionArgs(files[0]!, `${out}${path.sep}`, extra);
    args.splice(2, 0, ...files.slice(1));
    const r = await cliProcess(args);
    expect(r.code, r.stderr).to.equal(0);
  }

  for (const [label, extra] of [['inline', []], ['external data', ['--external-data', '1024']]] as const) {
    it(`${label}: converting the converted real models again changes no byte`, async () => {
      const once = path.join(dir, `${label.replace(' ', '-')}-once`);
      const twice = path.join(dir, `${label.replace(' ', '-')}-twice`);
      await run(inputs, once, extra);
      const converted = listFiles(once).filter((f) => f.endsWith('.onnx')).map((f) => path.join(once, f));
      expect(converted).to.have.length(inputs.length);
      await run(converted, twice, extra);
      expect(listFiles(twice)).to.deep.equal(listFiles(once));
      for (const f of listFiles(once)) {
        const a = fs.readFileSync(path.join(once, f));
        const b = fs.readFileSync(path.join(twice, f));
        expect(a.equals(b), `${f}: ${a.length} vs ${b.length} bytes`).to.equal(true);
      }
      for (const f of converted) expect(duplicates(mustLoad(f)), f).to.deep.equal([]);
    });
  }

  it('a real model converted with Conv blocked, then converted fully: no duplicates, and stable afterwards', async function () {
    if (!hasConvert()) this.skip(); // needs convert --block-ops
    await Promise.all(['ppocr-cls', 'silero-v5'].map(async (name) => {
      const input = realModelPath(name);
      const partial = path.join(dir, `${name}-partial.onnx`);
      const full = path.join(dir, `${name}-full.onnx`);
      const again = path.join(dir, `${name}-again.onnx`);
      for (const [from, to, extra] of [[input, partial, ['--block-ops', 'Conv']], [partial, full, []], [full, again, []]] as const) {
        const r = await cliProcess(conversionArgs(from, to, extra));
        expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      }
      expect(duplicates(mustLoad(partial)), `${name} partial`).to.deep.equal([]);
      expect(duplicates(mustLoad(full)), `${name} full`).to.deep.equal([]);
      expect(fs.readFileSync(again).equals(fs.readFileSync(full)), `${name}: converting the full result again changes it`).to.equal(true);
    }));
  });

  it('hand-made partly 16-bit models (FLOAT16 weights behind Casts, Cast pairs, 16-bit IO) convert without duplicates, then stay fixed', async () => {
    const step = await selectStep('auto');
    const seen = new Set<string>();
    for (let seed = 0; seen.size < 4 && seed < 200; seed++) {
      const { bytes, variant } = partly16(makeRng(mulberry32(seed)));
      if (seen.has(variant)) continue;
      seen.add(variant);
      const m = decodeModel(bytes);
      if (m._tag === 'Left') throw new Error(formatLoadError(m.left));
      const r1 = step.run(m.right);
      expect(r1._tag, variant).to.equal('Right');
      expect(duplicates(m.right), variant).to.deep.equal([]);
      const once = encodeModel(m.right);
      const m2 = decodeModel(once);
      if (m2._tag === 'Left') throw new Error(formatLoadError(m2.left));
      step.run(m2.right);
      expect(Buffer.from(encodeModel(m2.right)).equals(Buffer.from(once)), `${variant}: a second conversion changed the model`).to.equal(true);
    }
    expect(seen.size).to.equal(4);
  });
});

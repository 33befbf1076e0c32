/**
 * Determinism: the same input and options give byte-identical output across processes — model
 * files (node names included) and external-data files (layout included). Two separate `mixprec`
 * processes convert every real model, the second in the reverse order so that no state carried
 * from one model to the next could go unnoticed.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { REAL_MODELS, realModelPath } from '@mixprec/testing';
import { cliProcess, conversionArgs, listFiles, tempDir } from './helpers.js';

describe('hardening: determinism across processes (every real model)', function () {
  this.timeout(300_000);
  const inputs = REAL_MODELS.map((m) => realModelPath(m));
  let dir: string;
  before(() => {
    dir = tempDir('mixprec-hardening-determinism-');
  });

  /** Converts `files` in one process into `out/` (batch mode), optionally with extra flags. */
  async function convertAll(files: readonly string[], out: string, extra: readonly string[]): Promise<void> {
    // conversionArgs puts the first input before -o; the others go after it as more inputs.
    const args = conversionArgs(files[0]!, `${out}${path.sep}`, extra);
    args.splice(2, 0, ...files.slice(1));
    const r = await cliProcess(args);
    expect(r.code, r.stderr).to.equal(0);
  }

  for (const [label, extra] of [['inline', []], ['external data', ['--external-data', '1024']]] as const) {
    it(`${label}: two processes (forward and reverse order) write identical bytes`, async () => {
      const a = path.join(dir, `${label.replace(' ', '-')}-a`);
      const b = path.join(dir, `${label.replace(' ', '-')}-b`);
      await Promise.all([convertAll(inputs, a, extra), convertAll([...inputs].reverse(), b, extra)]);
      const files = listFiles(a);
      const expected = inputs.map((f) => path.basename(f)).flatMap((f) => (label === 'inline' ? [f] : [f, f.replace(/\.onnx$/, '.data')]));
      expect(files).to.deep.equal(expected.sort());
      expect(listFiles(b)).to.deep.equal(files);
      for (const f of files) {
        const x = fs.readFileSync(path.join(a, f));
        const y = fs.readFileSync(path.join(b, f));
        expect(x.equals(y), `${f}: ${x.length} vs ${y.length} bytes`).to.equal(true);
      }
    });
  }
});

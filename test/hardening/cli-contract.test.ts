/**
 * The CLI contract on hostile files, as a deterministic table: every variant of every hostile
 * generator, plus empty, garbage and truncated files, through the conversion command. Exit 0
 * means a written model that loads and verifies; exit 2 means one `mixprec: <file>: …` line on
 * stderr and nothing written; the input is never modified. Usage errors exit 2 too.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32, realModelPath } from '@mixprec/testing';
import { checkCli, cliHasConvert } from '../fuzz/cli-check.js';
import { GENERATORS } from '../fuzz/corpus.js';
import { makeRng } from '../fuzz/rng.js';
import { cli, conversionArgs, listFiles, snapshot, tempDir } from './helpers.js';

/** Every distinct variant of the hostile generators (long chains and external data have their own tests). */
function variants(): [string, Uint8Array][] {
  const out = new Map<string, Uint8Array>();
  for (const [name, gen] of GENERATORS) {
    if (name === 'long-chain' || name === 'external-data') continue;
    for (let seed = 0; seed < 80; seed++) {
      const { bytes, variant } = gen(makeRng(mulberry32(seed * 7919 + 1)));
      if (!out.has(variant)) out.set(variant, bytes);
    }
  }
  return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('hardening: CLI contract on hostile files (exit 0 with a valid model, or 2 with one line)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = tempDir('mixprec-hardening-cli-');
  });
  const convert = cliHasConvert();
  const all = variants();

  it(`every hostile generator variant (${all.length}) keeps the contract`, async () => {
    const broken: string[] = [];
    const codes = new Map<number, number>();
    for (const [variant, bytes] of all) {
      const input = path.join(dir, 'in.onnx');
      fs.writeFileSync(input, bytes);
      const r = await checkCli(input, path.join(dir, 'out'), convert);
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      if (r.failure !== undefined) broken.push(`${variant}: ${r.failure}`);
    }
    expect(broken, broken.join('\n')).to.deep.equal([]);
    expect(codes.get(2) ?? 0, 'some variants refused').to.be.greaterThan(20);
    expect(codes.get(0) ?? 0, 'some variants converted').to.be.greaterThan(5);
  });

  it('empty, garbage and truncated files exit 2 with one line naming the file, and write nothing', async () => {
    const cls = fs.readFileSync(realModelPath('ppocr-cls'));
    const garbage = new Uint8Array(4096);
    const rng = mulberry32(7);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rng() * 256);
    const files: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)], ['garbage', garbage], ['text', new TextEncoder().encode('this is not a model\n')],
      ['half', cls.subarray(0, cls.length >> 1)], ['cut-in-header', cls.subarray(0, 5)], ['all-but-one-byte', cls.subarray(0, cls.length - 1)],
    ];
    for (const [name, bytes] of files) {
      const input = path.join(dir, `${name}.onnx`);
      fs.writeFileSync(input, bytes);
      const before = snapshot(input);
      const outDir = path.join(dir, `out-${name}`);
      const r = await cli(conversionArgs(input, path.join(outDir, 'x.onnx')));
      expect(r.code, `${name}: ${r.stderr}`).to.equal(2);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, name).to.have.length(1);
      expect(lines[0]).to.match(/^mixprec: /).and.include(input);
      expect(listFiles(outDir), name).to.deep.equal([]);
      expect(snapshot(input), name).to.deep.equal(before);
    }
  });

  it('usage errors exit 2: unknown command or option, missing -o, missing input, a folder without models', async () => {
    const cls = realModelPath('ppocr-cls');
    const empty = path.join(dir, 'no-models');
    fs.mkdirSync(empty);
    const cases: [string, string[], RegExp][] = [
      ['unknown command', ['frobnicate'], /unknown command/],
      ['unknown option', [...conversionArgs(cls, path.join(dir, 'u.onnx')), '--no-such-flag'], /unknown option/],
      ['missing -o', [conversionArgs(cls, 'x')[0]!, cls], /required option '-o, --output <path>'/],
      ['missing input', conversionArgs(path.join(dir, 'nope.onnx'), path.join(dir, 'n.onnx')), /nope\.onnx: no such file or directory/],
      ['folder without models', conversionArgs(empty, path.join(dir, 'e')), /holds no \.onnx file/],
    ];
    for (const [label, args, re] of cases) {
      const r = await cli(args);
      expect(r.code, `${label}: ${r.stderr}`).to.equal(2);
      expect(r.stderr, label).to.match(re);
    }
    expect(listFiles(dir).filter((f) => /^(u|n|x)\.onnx$/.test(f))).to.deep.equal([]);
  });
});

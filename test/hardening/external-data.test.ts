/**
 * External-data attacks, through the library and through the CLI: every hostile location is a
 * one-line ExternalDataError naming the model file and the tensor; the CLI exits 2 and writes
 * nothing; the input and the files the location points at are untouched.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { walkGraphs, type Tensor } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import { REAL_MODELS, realModelPath } from '@mixprec/testing';
import { FLOAT, baseGraph, encode, model } from '../fuzz/proto-build.js';
import { cli, cliProcess, conversionArgs, listFiles, oneLine, snapshot, tempDir } from './helpers.js';

/** A model whose 4-float initializer W lives in external data described by `entries`. */
function hostileModel(entries: readonly (readonly [string, string])[]): Uint8Array {
  const g = baseGraph(4);
  g.initializer = [{ name: 'W', dims: [4], dataType: FLOAT, dataLocation: 1, externalData: entries.map(([key, value]) => ({ key, value })) }];
  return encode(model(g));
}

interface Attack {
  readonly name: string;
  readonly entries: (root: string) => [string, string][];
  /** Extra files for the attack, created in the model folder. */
  readonly setup?: (modelDir: string, outside: string) => boolean | void;
  readonly error: RegExp;
}

const loc = (location: string, extra: [string, string][] = []): [string, string][] => [['location', location], ...extra];

const ATTACKS: readonly Attack[] = [
  { name: 'an absolute path', entries: (root) => loc(path.join(root, 'outside', 'secret.bin')), error: /absolute external data location/ },
  { name: 'an absolute device path (/dev/zero)', entries: () => loc('/dev/zero'), error: /absolute external data location/ },
  { name: 'a Windows drive path', entries: () => loc('C:\\secret.bin'), error: /absolute external data location/ },
  { name: 'a UNC path', entries: () => loc('\\\\server\\share\\secret.bin'), error: /absolute external data location/ },
  { name: 'a .. segment', entries: () => loc('../outside/secret.bin'), error: /'\.\.' segment/ },
  { name: 'a .. segment after a folder', entries: () => loc('sub/../../outside/secret.bin'), error: /'\.\.' segment/ },
  { name: 'a .. segment with backslashes', entries: () => loc('sub\\..\\..\\outside\\secret.bin'), error: /'\.\.' segment/ },
  {
    name: 'a symlink to a file outside the folder', entries: () => loc('link.bin'), error: /resolves outside the model's folder/,
    setup: (dir, outside) => fs.symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin')),
  },
  {
    name: 'a file in a symlinked folder outside', entries: () => loc('linked/secret.bin'), error: /resolves outside the model's folder/,
    setup: (dir, outside) => fs.symlinkSync(outside, path.join(dir, 'linked')),
  },
  {
    name: 'a symlink to /dev/zero', entries: () => loc('zero'), error: /resolves outside the model's folder/,
    setup: (dir) => fs.symlinkSync('/dev/zero', path.join(dir, 'zero')),
  },
  { name: 'an offset past the end of the file', entries: () => loc('w.bin', [['offset', '32']]), error: /offset 32 past the end of 'w\.bin'/ },
  { name: 'a length past the end of the file', entries: () => loc('w.bin', [['offset', '8'], ['length', '16']]), error: /range 8\+16 past the end/ },
  { name: 'a negative offset', entries: () => loc('w.bin', [['offset', '-4']]), error: /offset '-4', which is not a non-negative integer/ },
  { name: 'an offset beyond 2^64', entries: () => loc('w.bin', [['offset', '18446744073709551616']]), error: /offset 18446744073709551616, which is too large/ },
  { name: 'a length that does not fit the tensor', entries: () => loc('w.bin', [['length', '12']]), error: /needs 16 bytes/ },
  { name: 'a missing file', entries: () => loc('missing.bin'), error: /'missing\.bin', which does not exist/ },
  { name: 'no location at all', entries: () => [['offset', '0']], error: /no 'location' entry/ },
  { name: 'a NUL byte in the location', entries: () => loc('w.bin\u0000.txt'), error: /NUL byte/ },
  { name: 'the model file itself', entries: () => loc('model.onnx', [['offset', '0'], ['length', '16']]), error: /'model\.onnx', which is the model file itself/ },
  { name: 'the model file itself, spelled ./model.onnx', entries: () => loc('./model.onnx'), error: /which is the model file itself/ },
  {
    name: 'a FIFO (opening it for reading would block forever)', entries: () => loc('pipe'), error: /'pipe', which is not a regular file/,
    setup: (dir) => {
      try {
        execFileSync('mkfifo', [path.join(dir, 'pipe')], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'a folder', entries: () => loc('sub'), error: /'sub', which is not a regular file/,
    setup: (dir) => fs.mkdirSync(path.join(dir, 'sub')),
  },
];

describe('hardening: external data attacks are rejected (library and CLI)', () => {
  let base: string;
  before(() => {
    base = tempDir('mixprec-hardening-ext-');
  });

  /** A fresh layout: <root>/model/{model.onnx,w.bin}, <root>/outside/secret.bin, <root>/out/. */
  function layout(a: Attack, k: number): { root: string; modelDir: string; outside: string; file: string; outDir: string } | undefined {
    const root = path.join(base, `case${k}`);
    const modelDir = path.join(root, 'model');
    const outside = path.join(root, 'outside');
    const outDir = path.join(root, 'out');
    for (const d of [modelDir, outside, outDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(modelDir, 'w.bin'), new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    fs.writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(new Float32Array([9, 9, 9, 9]).buffer));
    if (a.setup?.(modelDir, outside) === false) return undefined;
    const file = path.join(modelDir, 'model.onnx');
    fs.writeFileSync(file, hostileModel(a.entries(root)));
    return { root, modelDir, outside, file, outDir };
  }

  ATTACKS.forEach((a, k) => {
    it(`rejects ${a.name}`, async function () {
      const l = layout(a, k);
      if (l === undefined) this.skip(); // e.g. no mkfifo on this system
      const { file, outDir, outside } = l!;
      const before = snapshot(file);
      const secret = snapshot(path.join(outside, 'secret.bin'));

      const r = loadModel(file);
      expect(r._tag, a.name).to.equal('Left');
      if (r._tag !== 'Left') return;
      expect(r.left._tag).to.equal('ExternalDataError');
      const line = formatLoadError(r.left);
      expect(line).to.match(a.error).and.include(file).and.include("initializer 'W'").and.not.match(/[\n\r]/);

      const out = path.join(outDir, 'out.onnx');
      const c = await cli(conversionArgs(file, out));
      expect(c.code, c.stderr).to.equal(2);
      expect(oneLine(c.stderr)).to.match(/^mixprec: /).and.match(a.error).and.include(file);
      expect(listFiles(outDir), 'nothing written').to.deep.equal([]);
      expect(snapshot(file)).to.deep.equal(before);
      expect(snapshot(path.join(outside, 'secret.bin'))).to.deep.equal(secret);
    });
  });

  it('the real binary exits 2 with one line for an attack, and converts the same model with a safe location', async () => {
    const l = layout(ATTACKS[4]!, ATTACKS.length);
    const { file, outDir, modelDir } = l!;
    const bad = await cliProcess(conversionArgs(file, path.join(outDir, 'out.onnx')));
    expect(bad.code, bad.stderr).to.equal(2);
    expect(oneLine(bad.stderr)).to.match(/'\.\.' segment/);
    expect(listFiles(outDir)).to.deep.equal([]);

    // The control: the same model reading w.bin inside its folder converts.
    fs.writeFileSync(file, hostileModel(loc('w.bin')));
    const good = await cliProcess(conversionArgs(file, path.join(outDir, 'out.onnx')));
    expect(good.code, good.stderr).to.equal(0);
    expect(listFiles(outDir)).to.deep.equal(['out.onnx']);
    const again = loadModel(path.join(outDir, 'out.onnx'));
    expect(again._tag, again._tag === 'Left' ? formatLoadError(again.left) : '').to.equal('Right');
    expect(listFiles(modelDir)).to.deep.equal(['model.onnx', 'w.bin']);
  });
});

describe('hardening: models saved with --external-data 0 load in onnxruntime', () => {
  const dir = tempDir('mixprec-ext0-');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Counts tensors of the saved model by where they are (initializers and Constant values, every graph). */
  function placement(file: string): { external: number; inlineShapeOperands: number } {
    const m = loadModel(file);
    if (m._tag === 'Left') throw new Error(formatLoadError(m.left));
    let external = 0;
    let inlineShapeOperands = 0;
    const count = (t: Tensor): void => {
      if (t.meta.external !== undefined) external++;
      else if (t.dims.length <= 1 && t.size <= 64) inlineShapeOperands++;
    };
    for (const g of walkGraphs(m.right)) {
      for (const v of g.initializers.values()) if (v.constValue !== undefined) count(v.constValue);
      for (const n of g) for (const a of n.attributes.values()) if (a.type === 'TENSOR') count(a.value);
    }
    return { external, inlineShapeOperands };
  }

  // Shape operands (Resize scales, Squeeze axes, ConstantOfShape shapes) in Constant nodes and
  // in If branches went to the data file, and onnxruntime could not load Silero and PaddleOCR
  // det: "Cannot parse data from external tensors" (found by the hardening sweep).
  for (const m of REAL_MODELS) {
    for (const command of ['opt', 'convert'] as const) {
      it(`${m.name}: mixprec ${command} IN -o OUT --external-data 0`, async () => {
        const out = path.join(dir, `${m.name}-${command}.onnx`);
        const r = await cli([command, realModelPath(m), '-o', out, '--external-data', '0', '--quiet']);
        expect(r.code, r.stderr).to.equal(0);
        const where = placement(out);
        expect(where.external, 'weights went to the data file').to.be.greaterThan(0);
        expect(where.inlineShapeOperands, 'small vectors stayed inline').to.be.greaterThan(0);
        const session = await ort.InferenceSession.create(out, { logSeverityLevel: 4 });
        await session.release();
      });
    }
  }
});


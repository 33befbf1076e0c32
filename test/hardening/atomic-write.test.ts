/**
 * Output safety: a conversion killed mid-write (SIGKILL while the temporary file grows) leaves
 * the old output or none; a failed write (disk full on a tiny tmpfs, or an injected ENOSPC)
 * leaves nothing; `-o` equal to the input is refused unless `--in-place`; the input's bytes and
 * mtime never change.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DataType, GraphBuilder, floatTensor, tensorType } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { realModelPath } from '@mixprec/testing';
import { cli, conversionArgs, listFiles, oneLine, snapshot, spawnCli, tempDir } from './helpers.js';

/** Temporary files of the saver: hidden, named after the target, ending in .tmp. */
const TEMP = (target: string): RegExp => new RegExp(`^\\.${target.replace(/\./g, '\\.')}\\.\\d+\\.[0-9a-f]+\\.tmp$`);

/** A ~200 MB model: Y = X + W with W a 50M-float initializer (writing it takes long enough to interrupt). */
function writeBigModel(file: string): void {
  const n = 50_000_000;
  const w = new Float32Array(n);
  for (let i = 0; i < n; i++) w[i] = ((i % 1000) - 500) / 256;
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [n]);
  const wv = b.initializer('W', floatTensor([n], w));
  b.output(b.op1('Add', [x, wv], { output: 'Y', type: tensorType(DataType.FLOAT, [n]) }));
  const r = saveModel(b.model({ opset: 17 }), file, { externalData: false });
  if (r._tag === 'Left') throw new Error(formatSaveError(r.left));
}

/**
 * Starts the conversion and SIGKILLs it once the temporary file named after `watchTarget` has
 * grown past 1 MiB. Returns false when the process finished before it could be caught.
 */
async function killMidWrite(args: readonly string[], outDir: string, watchTarget: string): Promise<boolean> {
  const { child, done } = spawnCli(args);
  const pattern = TEMP(watchTarget);
  let caught = false;
  const poll = setInterval(() => {
    for (const f of fs.readdirSync(outDir)) {
      if (!pattern.test(f)) continue;
      let size = 0;
      try {
        size = fs.statSync(path.join(outDir, f)).size;
      } catch {
        continue; // renamed meanwhile
      }
      if (size > 1 << 20 && !caught) {
        caught = true;
        child.kill('SIGKILL');
      }
    }
  }, 1);
  const r = await done;
  clearInterval(poll);
  return caught && r.signal === 'SIGKILL';
}

describe('hardening: atomic output, the input never modified', function () {
  this.timeout(300_000);
  let dir: string;
  let big: string;
  let bigBefore: ReturnType<typeof snapshot>;
  before(() => {
    dir = tempDir('mixprec-hardening-atomic-');
    big = path.join(dir, 'big.onnx');
    writeBigModel(big);
    bigBefore = snapshot(big);
  });
  afterEach(() => {
    expect(snapshot(big), 'the input is never modified').to.deep.equal(bigBefore);
  });

  /** Runs `killMidWrite` up to three times (a fast machine may finish before the poll sees the file). */
  async function interrupted(args: readonly string[], outDir: string, watchTarget: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await killMidWrite(args, outDir, watchTarget)) return;
      for (const f of fs.readdirSync(outDir)) if (!f.startsWith('old')) fs.rmSync(path.join(outDir, f), { force: true });
    }
    expect.fail('could not catch the conversion mid-write in three attempts');
  }

  it('killed mid-write with no previous output: no output, only a hidden .tmp that batch runs ignore and the next write removes', async () => {
    const outDir = path.join(dir, 'kill-fresh');
    fs.mkdirSync(outDir);
    await interrupted(conversionArgs(big, path.join(outDir, 'out.onnx')), outDir, 'out.onnx');
    const left = listFiles(outDir);
    expect(left.filter((f) => !TEMP('out.onnx').test(f)), 'nothing but the temporary file').to.deep.equal([]);
    expect(left.some((f) => f.endsWith('.onnx')), 'no file named like a model').to.equal(false);
    // A batch conversion of that folder does not pick the leftover up as a model.
    const r = await cli(conversionArgs(outDir, path.join(dir, 'kill-fresh-batch')));
    expect(r.code).to.equal(2);
    expect(oneLine(r.stderr)).to.match(/holds no \.onnx file/);
    // The next run writing that output removes the killed process's leftover (its pid is gone).
    const next = await cli(conversionArgs(realModelPath('ppocr-cls'), path.join(outDir, 'out.onnx')));
    expect(next.code, next.stderr).to.equal(0);
    expect(listFiles(outDir)).to.deep.equal(['out.onnx']);
  });

  it('killed mid-write over a previous output: the previous output is intact', async () => {
    const outDir = path.join(dir, 'kill-old');
    fs.mkdirSync(outDir);
    const out = path.join(outDir, 'out.onnx');
    fs.copyFileSync(realModelPath('ppocr-cls'), out);
    const old = snapshot(out);
    await interrupted(conversionArgs(big, out), outDir, 'out.onnx');
    expect(snapshot(out)).to.deep.equal(old);
    expect(loadModel(out)._tag).to.equal('Right');
  });

  it('killed while writing external data over a previous model + data pair: both old files intact', async () => {
    const outDir = path.join(dir, 'kill-external');
    fs.mkdirSync(outDir);
    const out = path.join(outDir, 'out.onnx');
    const first = await cli(conversionArgs(realModelPath('ppocr-cls'), out, ['--external-data', '0']));
    expect(first.code, first.stderr).to.equal(0);
    expect(listFiles(outDir)).to.deep.equal(['out.data', 'out.onnx']);
    const oldModel = snapshot(out);
    const oldData = snapshot(path.join(outDir, 'out.data'));
    await interrupted(conversionArgs(big, out, ['--external-data', '0']), outDir, 'out.data');
    expect(snapshot(out)).to.deep.equal(oldModel);
    expect(snapshot(path.join(outDir, 'out.data'))).to.deep.equal(oldData);
    const again = loadModel(out);
    expect(again._tag, again._tag === 'Left' ? formatLoadError(again.left) : '').to.equal('Right');
  });

  it('a disk that fills up mid-write (1 MiB tmpfs) leaves nothing behind', async function () {
    const mnt = path.join(dir, 'tiny');
    fs.mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      this.skip(); // not allowed to mount here; the injected ENOSPC below covers the same path
    }
    try {
      const input = realModelPath('ppocr-det');
      const before = snapshot(input);
      for (const extra of [[], ['--external-data', '0']]) {
        const r = await cli(conversionArgs(input, path.join(mnt, 'out.onnx'), extra));
        expect(r.code, r.stderr).to.equal(2);
        expect(oneLine(r.stderr)).to.match(/ENOSPC|no space left/i);
        expect(listFiles(mnt), 'no partial output, no temporary file').to.deep.equal([]);
      }
      expect(snapshot(input)).to.deep.equal(before);
    } finally {
      execFileSync('umount', [mnt], { stdio: 'ignore' });
    }
  });

  it('an injected ENOSPC after 64 KiB leaves nothing behind and keeps a previous output', async () => {
    const outDir = path.join(dir, 'enospc');
    fs.mkdirSync(outDir);
    const out = path.join(outDir, 'out.onnx');
    fs.copyFileSync(realModelPath('silero-legacy'), out);
    const old = snapshot(out);
    const input = realModelPath('ppocr-cls');
    const original = fs.writeSync;
    let written = 0;
    (fs as { writeSync: unknown }).writeSync = (fd: number, buf: NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
      written += buf.byteLength;
      if (written > 64 * 1024) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (original as (...a: unknown[]) => number)(fd, buf, ...rest);
    };
    let r;
    try {
      r = await cli(conversionArgs(input, out, ['--external-data', '0']));
    } finally {
      (fs as { writeSync: unknown }).writeSync = original;
    }
    expect(written, 'the fault was injected').to.be.greaterThan(64 * 1024);
    expect(r.code, r.stderr).to.equal(2);
    expect(oneLine(r.stderr)).to.match(/ENOSPC/);
    expect(listFiles(outDir)).to.deep.equal(['out.onnx']);
    expect(snapshot(out)).to.deep.equal(old);
  });

  describe('-o equal to the input', () => {
    let work: string;
    let input: string;
    before(() => {
      work = path.join(dir, 'same');
      fs.mkdirSync(work);
      input = path.join(work, 'model.onnx');
      fs.copyFileSync(realModelPath('ppocr-cls'), input);
    });

    it('is refused (exit 2, one line), also through a symlink, and the input is untouched', async () => {
      const before = snapshot(input);
      fs.symlinkSync('model.onnx', path.join(work, 'alias.onnx'));
      for (const out of [input, path.join(work, '.', 'model.onnx'), path.join(work, 'alias.onnx')]) {
        const r = await cli(conversionArgs(input, out));
        expect(r.code, r.stderr).to.equal(2);
        expect(oneLine(r.stderr)).to.match(/refusing to overwrite the input model; choose another -o, or pass --in-place/);
        expect(snapshot(input)).to.deep.equal(before);
      }
      expect(listFiles(work)).to.deep.equal(['alias.onnx', 'model.onnx']);
    });

    it('a hard link to the input as -o gets a new file; the input keeps its bytes', async () => {
      const before = snapshot(input);
      const link = path.join(work, 'hard.onnx');
      fs.linkSync(input, link);
      const r = await cli(conversionArgs(input, link));
      expect(r.code, r.stderr).to.equal(0);
      expect(snapshot(input)).to.deep.equal(before);
      expect(fs.statSync(link).ino).to.not.equal(fs.statSync(input).ino);
      fs.rmSync(link);
    });

    it('--in-place replaces the file by rename: the old inode keeps its bytes, the new one is a valid model', async () => {
      const before = snapshot(input);
      const keep = path.join(work, 'old-inode.onnx');
      fs.linkSync(input, keep); // another name for the old inode
      const r = await cli(conversionArgs(input, input, ['--in-place']));
      expect(r.code, r.stderr).to.equal(0);
      expect(snapshot(keep).sha256, 'old bytes never overwritten in place').to.equal(before.sha256);
      expect(fs.statSync(input).ino).to.not.equal(fs.statSync(keep).ino);
      const m = loadModel(input);
      expect(m._tag, m._tag === 'Left' ? formatLoadError(m.left) : '').to.equal('Right');
      expect(listFiles(work).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    });
  });
});

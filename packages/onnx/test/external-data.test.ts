import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tensorToFloat64 } from '@mixprec/ir';
import { encodeModel, formatLoadError, loadModel, saveModel, type LoadError } from '../src/index.js';
import type { ITensorProto } from '../src/proto.js';
import { f32Bytes, mustDecode, protoBytes, vi } from './helpers.js';

/** A model with two float initializers, W (1024 values) and b (4 values). */
function weightsModel(): Uint8Array {
  const w = Array.from({ length: 1024 }, (_, i) => i / 7);
  return protoBytes({
    irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: [{ input: ['X', 'W'], output: ['t'], opType: 'Add' }, { input: ['t', 'b'], output: ['Y'], opType: 'Add' }],
      initializer: [
        { name: 'W', dims: [1024], dataType: 1, rawData: f32Bytes(w) },
        { name: 'b', dims: [4], dataType: 1, floatData: [1, 2, 3, 4] },
      ],
      input: [vi('X', 1, [1024])], output: [vi('Y', 1, [1024])],
    },
  });
}

function externalModel(entries: [string, string][], dims = [4]): Uint8Array {
  const t: ITensorProto = { name: 'W', dims, dataType: 1, dataLocation: 1, externalData: entries.map(([key, value]) => ({ key, value })) };
  return protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { initializer: [t], node: [{ input: ['W'], output: ['Y'], opType: 'Relu' }], output: [vi('Y', 1, dims)] } });
}

describe('external-data: write, read, lazy', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-ext-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('saves initializers over the threshold to <name>.data and loads them back (lazy and eager)', () => {
    const inline = mustDecode(weightsModel());
    const file = path.join(dir, 'm.onnx');
    const r = saveModel(inline, file, { externalData: { threshold: 1024 } });
    expect(r._tag).to.equal('Right');
    if (r._tag !== 'Right') return;
    expect(r.right.externalTensors).to.equal(1);
    expect(r.right.dataFile).to.equal(path.join(dir, 'm.data'));
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['m.data', 'm.onnx']);

    const lazy = loadModel(file, { externalData: 'lazy' });
    if (lazy._tag === 'Left') expect.fail(formatLoadError(lazy.left));
    const w = lazy.right.graph.initializers.get('W')!.constValue!;
    expect(w.isLazy).to.equal(true);
    expect(w.meta.external).to.deep.include({ location: 'm.data', offset: 0, length: 4096 });
    expect(tensorToFloat64(w)[7]).to.be.closeTo(1, 1e-6);
    expect(lazy.right.graph.initializers.get('b')!.constValue!.isLazy).to.equal(false);

    const eager = loadModel(file);
    if (eager._tag === 'Left') expect.fail(formatLoadError(eager.left));
    expect(eager.right.graph.initializers.get('W')!.constValue!.isLazy).to.equal(false);

    // Back inline: the same message as the original, apart from where W lives.
    const back = encodeModel(eager.right);
    expect(back.length).to.be.greaterThan(4096);
    const again = path.join(dir, 'again.onnx');
    const r2 = saveModel(lazy.right, again, { externalData: false });
    expect(r2._tag).to.equal('Right');
    const reread = loadModel(again);
    if (reread._tag === 'Left') expect.fail(formatLoadError(reread.left));
    expect([...reread.right.graph.initializers.get('W')!.constValue!.rawBytes()]).to.deep.equal([...inline.graph.initializers.get('W')!.constValue!.rawBytes()]);
  });

  it('external-data sources read ranges straight into a caller\'s buffer (readInto, at odd offsets)', () => {
    const file = path.join(dir, 'm.onnx');
    expect(saveModel(mustDecode(weightsModel()), file, { externalData: { threshold: 1024 } })._tag).to.equal('Right');
    const lazy = loadModel(file, { externalData: 'lazy' });
    if (lazy._tag === 'Left') return expect.fail(formatLoadError(lazy.left));
    const src = lazy.right.graph.initializers.get('W')!.constValue!.source!;
    const whole = Buffer.from(src.read());
    expect(whole.length).to.equal(4096);
    for (const [at, n] of [[0, 4096], [1, 3], [4093, 3], [777, 1000], [5, 0]] as const) {
      const dst = new Uint8Array(n + 3).subarray(3);
      src.readInto!(dst, at);
      expect(Buffer.from(dst).equals(whole.subarray(at, at + n)), `${at}+${n}`).to.equal(true);
    }
    expect(() => src.readInto!(new Uint8Array(4), 4093)).to.throw(RangeError, /m\.data @ \d+\+4096: cannot read 4 bytes at 4093 of 4096/);
  });

  it('writes every initializer with all: true, aligns offsets, and is deterministic', () => {
    const m = mustDecode(weightsModel());
    const a = path.join(dir, 'a.onnx');
    const b = path.join(dir, 'b.onnx');
    saveModel(m, a, { externalData: { all: true, location: 'w.bin' } });
    saveModel(m, b, { externalData: { all: true, location: 'w2.bin' } });
    expect(fs.readFileSync(path.join(dir, 'w.bin')).equals(fs.readFileSync(path.join(dir, 'w2.bin')))).to.equal(true);
    const lm = loadModel(a, { externalData: 'lazy' });
    if (lm._tag === 'Left') expect.fail(formatLoadError(lm.left));
    const offsets = [...lm.right.graph.initializers.values()].map((v) => v.constValue!.meta.external!.offset);
    expect(offsets).to.deep.equal([0, 4096]);
  });

  it('threshold 0 keeps scalars and short vectors inline: they may be shape operands runtimes read while loading (Silero, PaddleOCR det)', () => {
    const m = mustDecode(protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{ input: ['X', 'shape'], output: ['r'], opType: 'Reshape' }, { input: ['r', 'W'], output: ['Y'], opType: 'Add' }],
        initializer: [
          { name: 'shape', dims: [2], dataType: 7, int64Data: [2, 2] },
          { name: 'W', dims: [2, 2], dataType: 1, floatData: [1, 2, 3, 4] },
          { name: 'v64', dims: [64], dataType: 1, rawData: f32Bytes(new Array<number>(64).fill(1)) },
          { name: 'v65', dims: [65], dataType: 1, rawData: f32Bytes(new Array<number>(65).fill(1)) },
          { name: 's', dims: [], dataType: 1, floatData: [1] },
        ],
        input: [vi('X', 1, [4])], output: [vi('Y', 1, [2, 2])],
      },
    }));
    const file = path.join(dir, 'm.onnx');
    const r = saveModel(m, file, { externalData: { threshold: 0 } });
    if (r._tag === 'Left') expect.fail(r.left.message);
    const lm = loadModel(file, { externalData: 'lazy' });
    if (lm._tag === 'Left') expect.fail(formatLoadError(lm.left));
    const where = [...lm.right.graph.initializers].map(([name, v]) => [name, v.constValue!.meta.external !== undefined]);
    expect(where).to.deep.equal([['shape', false], ['W', true], ['v64', false], ['v65', true], ['s', false]]);
    // all: true still means every tensor.
    const r2 = saveModel(m, path.join(dir, 'all.onnx'), { externalData: { all: true } });
    expect(r2._tag === 'Right' && r2.right.externalTensors).to.equal(5);
  });

  it('keeps external tensors external by default when re-saving a model loaded with external data', () => {
    saveModel(mustDecode(weightsModel()), path.join(dir, 'm.onnx'), { externalData: {} });
    const lm = loadModel(path.join(dir, 'm.onnx'), { externalData: 'lazy' });
    if (lm._tag === 'Left') expect.fail(formatLoadError(lm.left));
    const out = path.join(dir, 'sub');
    fs.mkdirSync(out);
    const r = saveModel(lm.right, path.join(out, 'n.onnx'));
    expect(r._tag === 'Right' && r.right.externalTensors).to.equal(1);
    expect(fs.existsSync(path.join(out, 'n.data'))).to.equal(true);
  });

  it('moves Constant values to the data file only with attributes: true', () => {
    const bytes = protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [{ output: ['k'], opType: 'Constant', attribute: [{ name: 'value', type: 4, t: { dims: [512], dataType: 1, rawData: new Uint8Array(2048) } }] }],
        output: [vi('k', 1, [512])],
      },
    });
    const m = mustDecode(bytes);
    const a = saveModel(m, path.join(dir, 'a.onnx'), { externalData: {} });
    expect(a._tag === 'Right' && a.right.externalTensors).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'a.data'))).to.equal(false);
    const b = saveModel(m, path.join(dir, 'b.onnx'), { externalData: { attributes: true } });
    expect(b._tag === 'Right' && b.right.externalTensors).to.equal(1);
    const lb = loadModel(path.join(dir, 'b.onnx'), { externalData: 'lazy' });
    if (lb._tag === 'Left') expect.fail(formatLoadError(lb.left));
    const k = lb.right.graph.nodes()[0]!.getTensor('value')!;
    expect(k.isLazy).to.equal(true);
    expect(k.meta.external?.location).to.equal('b.data');
    expect(Buffer.from(encodeModel(lb.right)).equals(Buffer.from(bytes))).to.equal(true);
  });

  it('reads a model given as bytes when baseDir is passed, and says what to do when it is not', () => {
    fs.writeFileSync(path.join(dir, 'w.bin'), f32Bytes([1, 2, 3, 4]));
    const bytes = externalModel([['location', 'w.bin']]);
    const ok = mustDecode(bytes, { baseDir: dir });
    expect(tensorToFloat64(ok.graph.initializers.get('W')!.constValue!)).to.deep.equal(Float64Array.from([1, 2, 3, 4]));
    const noBase = loadModel(bytes);
    expect(noBase._tag === 'Left' && noBase.left.message).to.match(/pass baseDir/);
  });

  it('replaces the model it reads from only when allowed, and lazy tensors stay valid afterwards', () => {
    const file = path.join(dir, 'm.onnx');
    saveModel(mustDecode(weightsModel()), file, { externalData: {} });
    const lm = loadModel(file, { externalData: 'lazy' });
    if (lm._tag === 'Left') expect.fail(formatLoadError(lm.left));
    const before = [...lm.right.graph.initializers.get('W')!.constValue!.rawBytes()];
    const refused = saveModel(lm.right, file);
    expect(refused._tag === 'Left' && refused.left._tag).to.equal('Refused');
    // Re-save with all tensors external: offsets in the new m.data differ from the old ones.
    const r = saveModel(lm.right, file, { externalData: { all: true }, allowOverwriteInput: true });
    expect(r._tag).to.equal('Right');
    expect([...lm.right.graph.initializers.get('W')!.constValue!.rawBytes()]).to.deep.equal(before);
    const again = loadModel(file);
    if (again._tag === 'Left') expect.fail(formatLoadError(again.left));
    expect([...again.right.graph.initializers.get('W')!.constValue!.rawBytes()]).to.deep.equal(before);
  });

  describe('rejects unsafe or broken locations with a one-line error naming the file and the tensor', () => {
    const expectError = (bytes: Uint8Array, re: RegExp): LoadError => {
      const file = path.join(dir, 'model.onnx');
      fs.writeFileSync(file, bytes);
      const r = loadModel(file);
      expect(r._tag).to.equal('Left');
      if (r._tag !== 'Left') throw new Error('unreachable');
      expect(r.left._tag).to.equal('ExternalDataError');
      const line = formatLoadError(r.left);
      expect(line).to.include(file).and.include("'W'").and.match(re).and.not.include('\n');
      return r.left;
    };
    it('an absolute path', () => {
      expectError(externalModel([['location', '/etc/passwd']]), /absolute/);
    });
    it('a .. segment', () => {
      expectError(externalModel([['location', 'sub/../../w.bin']]), /'\.\.' segment/);
    });
    it('a symlink that resolves outside the model folder', () => {
      const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-outside-'));
      try {
        fs.writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(16));
        fs.symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'w.bin'));
        expectError(externalModel([['location', 'w.bin']]), /outside the model's folder/);
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
    it('a range past the end of the file', () => {
      fs.writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(16));
      expectError(externalModel([['location', 'w.bin'], ['offset', '8'], ['length', '16']]), /past the end/);
      expectError(externalModel([['location', 'w.bin'], ['offset', '64']]), /past the end/);
    });
    it('a length that does not match the tensor', () => {
      fs.writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(16));
      expectError(externalModel([['location', 'w.bin'], ['length', '12']]), /needs 16 bytes/);
    });
    it('a missing file', () => {
      expectError(externalModel([['location', 'nope.bin']]), /does not exist/);
    });
    it('a FIFO, a folder and the model file itself (found by fuzzing: a FIFO made the load hang)', function () {
      const fifo = path.join(dir, 'pipe');
      try {
        execFileSync('mkfifo', [fifo], { stdio: 'ignore' });
      } catch {
        this.skip(); // no mkfifo here
      }
      // Before the fix, opening the FIFO blocked until a writer appeared: this test hung.
      expectError(externalModel([['location', 'pipe']]), /'pipe', which is not a regular file/);
      fs.mkdirSync(path.join(dir, 'folder'));
      expectError(externalModel([['location', 'folder']]), /'folder', which is not a regular file/);
      expectError(externalModel([['location', 'model.onnx'], ['offset', '0'], ['length', '16']]), /'model\.onnx', which is the model file itself/);
      expectError(externalModel([['location', './model.onnx']]), /which is the model file itself/);
    });
    it('a malformed offset and a missing location', () => {
      fs.writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(16));
      expectError(externalModel([['location', 'w.bin'], ['offset', '-4']]), /not a non-negative integer/);
      expectError(externalModel([['offset', '0']]), /no 'location'/);
    });
  });
});

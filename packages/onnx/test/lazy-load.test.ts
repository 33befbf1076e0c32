import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { printModel, structuralHash, type Model, type Tensor } from '@mixprec/ir';
import { encodeModel, formatLoadError, formatSaveError, loadModel, saveModel, type LoadOptions } from '../src/index.js';
import { FILE_CHUNK, FileRangeSource } from '../src/model-file.js';
import { onnx } from '../src/proto.js';
import { f32Bytes, protoBytes, vi } from './helpers.js';

/** A length-delimited field framed by hand. */
function field(no: number, body: Uint8Array): Buffer {
  const len: number[] = [];
  let n = body.length;
  for (; n >= 0x80; n = Math.floor(n / 128)) len.push((n & 0x7f) | 0x80);
  len.push(n);
  return Buffer.concat([Buffer.from([no * 8 + 2, ...len]), body]);
}

/** Float values with a pattern that shows misplaced bytes. */
const values = (n: number, salt: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7919 + salt) % 10007) / 13);

/** A model whose main graph has big and small raw_data initializers, typed-field ones, and a Constant. */
function modelBytes(bigElements = 1000): Uint8Array {
  return protoBytes({
    irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'lazy-test',
    graph: {
      name: 'g',
      node: [
        { input: ['X', 'W1'], output: ['a'], opType: 'Add', name: 'add1' },
        { input: ['a', 'W2'], output: ['b'], opType: 'Mul', name: 'mul' },
        { input: ['b', 'small'], output: ['c'], opType: 'Add' },
        { output: ['k'], opType: 'Constant', attribute: [{ name: 'value', type: 4, t: { dims: [300], dataType: 1, rawData: f32Bytes(values(300, 5)) } }] },
        { input: ['c', 'k', 'typed', 'W3'], output: ['Y'], opType: 'Sum' },
      ],
      initializer: [
        { name: 'W1', dims: [bigElements], dataType: 1, rawData: f32Bytes(values(bigElements, 1)), docString: 'first' },
        { name: 'small', dims: [4], dataType: 1, rawData: f32Bytes([1, 2, 3, 4]) },
        { name: 'W2', dims: [bigElements], dataType: 1, rawData: f32Bytes(values(bigElements, 2)), metadataProps: [{ key: 'k', value: 'v' }] },
        { name: 'typed', dims: [300], dataType: 1, floatData: values(300, 3) },
        { name: 'W3', dims: [bigElements / 2, 2], dataType: 10, rawData: new Uint8Array(new Uint16Array(bigElements).map((_, i) => i * 3).buffer) },
      ],
      input: [vi('X', 1, [bigElements])], output: [vi('Y', 1, [bigElements])],
    },
  });
}

/** Lazy options with thresholds low enough for the small test models. */
const LAZY: LoadOptions = { inlineData: 'lazy', lazyTensorBytes: 1024 };

function mustLoad(file: string, options?: LoadOptions): Model {
  const r = loadModel(file, options);
  if (r._tag === 'Left') return expect.fail(formatLoadError(r.left));
  return r.right;
}

function init(m: Model, name: string): Tensor {
  const v = m.graph.initializers.get(name);
  if (v?.constValue === undefined) return expect.fail(`no initializer '${name}'`);
  return v.constValue;
}

/** All bytes streamed by `readChunks`, and the chunk sizes. */
function streamed(t: Tensor): { bytes: Buffer; sizes: number[] } {
  const parts: Buffer[] = [];
  const sizes: number[] = [];
  t.source!.readChunks!((c) => {
    parts.push(Buffer.from(c));
    sizes.push(c.length);
  });
  return { bytes: Buffer.concat(parts), sizes };
}

describe('lazy load: big raw_data stays in the model file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-lazy-'));
    file = path.join(dir, 'm.onnx');
    fs.writeFileSync(file, modelBytes());
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds the same model as an eager load; only main-graph raw_data of at least lazyTensorBytes is file-backed', () => {
    const lazy = mustLoad(file, LAZY);
    const eager = mustLoad(file, { inlineData: 'eager' });
    expect(printModel(lazy)).to.equal(printModel(eager));
    expect(structuralHash(lazy, { readLazyTensors: true })).to.equal(structuralHash(eager, { readLazyTensors: true }));
    expect(Buffer.from(encodeModel(lazy)).equals(fs.readFileSync(file))).to.equal(true);
    for (const name of ['W1', 'W2', 'W3']) {
      const t = init(lazy, name);
      expect(t.source, name).to.be.instanceOf(FileRangeSource);
      expect(Buffer.from(t.rawBytes()).equals(Buffer.from(init(eager, name).rawBytes())), name).to.equal(true);
    }
    for (const name of ['small', 'typed']) expect(init(lazy, name).source, name).to.equal(undefined);
    expect(init(lazy, 'W1').source!.description).to.match(/main graph: initializer 'W1' \(raw_data at \d+\+4000 in '.*m\.onnx'\)/);
    // The Constant's tensor is inside a node: read with the structure.
    const k = [...lazy.graph].find((n) => n.opType === 'Constant')!.attributes.get('value')!;
    expect((k.value as Tensor).isLazy).to.equal(false);
  });

  it('read, readChunks and readInto at odd offsets give the tensor\'s bytes', () => {
    const t = init(mustLoad(file, LAZY), 'W2');
    const whole = Buffer.from(f32Bytes(values(1000, 2)));
    const src = t.source!;
    expect(Buffer.from(src.read()).equals(whole)).to.equal(true);
    expect(streamed(t).bytes.equals(whole)).to.equal(true);
    for (const [at, n] of [[0, 1], [3, 7], [1001, 13], [3999, 1], [0, 4000], [17, 0]] as const) {
      const dst = new Uint8Array(n + 2).subarray(1, n + 1);
      src.readInto!(dst, at);
      expect(Buffer.from(dst).equals(whole.subarray(at, at + n)), `${at}+${n}`).to.equal(true);
    }
    expect(() => src.readInto!(new Uint8Array(2), 3999)).to.throw(RangeError, /cannot read 2 bytes at 3999 of 4000/);
    expect(() => src.readInto!(new Uint8Array(1), -1)).to.throw(RangeError);
  });

  it('streams a tensor bigger than one chunk in whole chunks through one buffer', () => {
    const n = FILE_CHUNK / 4 + 1000;
    fs.writeFileSync(file, modelBytes(2 * Math.ceil(n / 2)));
    const t = init(mustLoad(file, LAZY), 'W1');
    const s = streamed(t);
    expect(s.sizes.length).to.equal(2);
    expect(s.sizes[0]).to.equal(FILE_CHUNK);
    expect(s.bytes.equals(Buffer.from(f32Bytes(values(t.size, 1))))).to.equal(true);
  });

  it('a save over the input (in place) reads the old bytes through the descriptor opened at load', () => {
    const before = fs.readFileSync(file);
    const m = mustLoad(file, LAZY);
    const s = saveModel(m, file, { allowOverwriteInput: true });
    if (s._tag === 'Left') expect.fail(formatSaveError(s.left));
    expect(fs.readFileSync(file).equals(before)).to.equal(true);
    // The file was replaced (a new inode); the tensors still read the one they were loaded from.
    fs.writeFileSync(file, modelBytes(2000));
    expect(Buffer.from(init(m, 'W1').rawBytes()).equals(Buffer.from(f32Bytes(values(1000, 1))))).to.equal(true);
  });

  it('a model file truncated after the load gives an error naming the file and the tensor', () => {
    const m = mustLoad(file, LAZY);
    fs.truncateSync(file, 200);
    expect(() => init(m, 'W2').rawBytes()).to.throw(/m\.onnx' has 200 bytes now, too few for main graph: initializer 'W2' .*changed after the model was loaded/);
    const out = path.join(dir, 'out.onnx');
    const s = saveModel(m, out);
    expect(s._tag).to.equal('Left');
    if (s._tag === 'Left') {
      expect(s.left._tag).to.equal('SourceError');
      expect(formatSaveError(s.left)).to.match(/initializer 'W1'.*changed after the model was loaded/);
    }
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('auto mode: lazy from lazyFileBytes on, eager below it and by default for small files', () => {
    const size = fs.statSync(file).size;
    expect(init(mustLoad(file), 'W1').isLazy).to.equal(false);
    expect(init(mustLoad(file, { lazyFileBytes: size + 1, lazyTensorBytes: 1024 }), 'W1').isLazy).to.equal(false);
    expect(init(mustLoad(file, { lazyFileBytes: size, lazyTensorBytes: 1024 }), 'W1').source).to.be.instanceOf(FileRangeSource);
    // Bytes are always decoded eagerly.
    expect(loadModel(fs.readFileSync(file), LAZY)._tag).to.equal('Right');
  });

  it('a file the scan cannot take, or a broken one, loads (or fails) exactly as an eager load does', () => {
    const good = fs.readFileSync(file);
    const cases: Buffer[] = [
      good.subarray(0, good.length - 3),
      good.subarray(0, 40),
      Buffer.concat([good, Buffer.from([0x3a, 0x00])]), // a second (empty) graph field
      Buffer.concat([good, Buffer.from([0x0b])]), // a group wire type at the end
      Buffer.from('not a model at all'),
    ];
    for (const [i, bytes] of cases.entries()) {
      fs.writeFileSync(file, bytes);
      const lazy = loadModel(file, LAZY);
      const eager = loadModel(file, { inlineData: 'eager' });
      expect(lazy._tag, `case ${i}`).to.equal(eager._tag);
      if (lazy._tag === 'Left' && eager._tag === 'Left') expect(lazy.left, `case ${i}`).to.deep.equal(eager.left);
      if (lazy._tag === 'Right' && eager._tag === 'Right') expect(printModel(lazy.right)).to.equal(printModel(eager.right));
    }
  });

  it('seeded corruptions of the file: a lazy load gives exactly what an eager load gives (300 cases)', () => {
    const good = fs.readFileSync(file);
    let a = 12345;
    const next = (): number => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 4294967296;
    };
    let same = 0;
    for (let k = 0; k < 300; k++) {
      let b = Buffer.from(good);
      const at = Math.floor(next() * b.length);
      if (k % 3 === 0) b = b.subarray(0, at);
      else if (k % 3 === 1) b[at] = Math.floor(next() * 256);
      else b[at] = b[at]! ^ (1 << Math.floor(next() * 8));
      fs.writeFileSync(file, b);
      const lazy = loadModel(file, LAZY);
      const eager = loadModel(file, { inlineData: 'eager' });
      expect(lazy._tag, `case ${k}`).to.equal(eager._tag);
      if (lazy._tag === 'Left' && eager._tag === 'Left') expect(lazy.left, `case ${k}`).to.deep.equal(eager.left);
      if (lazy._tag === 'Right' && eager._tag === 'Right') {
        expect(Buffer.from(encodeModel(lazy.right)).equals(Buffer.from(encodeModel(eager.right))), `case ${k}`).to.equal(true);
        same++;
      }
    }
    // Flips inside the weights leave the structure intact: many cases load.
    expect(same).to.be.greaterThan(50);
  });

  it('a raw_data given twice: the last one counts, as for protobufjs', () => {
    const a = f32Bytes(values(300, 9));
    const b = f32Bytes(values(300, 10));
    for (const [first, second] of [[a, b], [new Uint8Array(8), b], [a, f32Bytes(values(300, 11)).subarray(0, 1200)]] as const) {
      const tensor = Buffer.concat([onnx.TensorProto.encode({ name: 'T', dims: [300], dataType: 1, rawData: first }).finish(), field(9, second)]);
      const graph = Buffer.concat([field(5, tensor), onnx.GraphProto.encode({ output: [vi('T', 1, [300])] }).finish()]);
      const bytes = Buffer.concat([onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] }).finish(), field(7, graph)]);
      fs.writeFileSync(file, bytes);
      const lazy = mustLoad(file, LAZY);
      const eager = mustLoad(file, { inlineData: 'eager' });
      expect(init(lazy, 'T').isLazy).to.equal(second.length >= 1024);
      expect(Buffer.from(init(lazy, 'T').rawBytes()).equals(Buffer.from(second))).to.equal(true);
      expect(Buffer.from(encodeModel(lazy)).equals(Buffer.from(encodeModel(eager)))).to.equal(true);
    }
  });
});

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataType, Graph, Model, Node, Tensor, Value, attr, floatTensor, tensorType } from '@mixprec/ir';
import { encodeModel, formatSaveError, loadModel, saveModel } from '../src/index.js';
import { expectLosslessRoundTrip, f32Bytes, protoBytes, vi } from './helpers.js';

/** Values 0..n-1 as float32 bytes (big enough to take the framed, streamed path). */
const bigF32 = (n: number): Uint8Array => f32Bytes(Array.from({ length: n }, (_, i) => i % 251));

describe('save: streaming, atomic, deterministic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-save-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('frames big tensors by hand exactly as protobufjs would encode them (initializers, Constant in a subgraph, typed fields)', () => {
    expectLosslessRoundTrip(protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [{
          input: ['c'], output: ['Y'], opType: 'If', name: 'if',
          attribute: [
            { name: 'then_branch', type: 5, g: { name: 't', node: [{ output: ['k'], opType: 'Constant', attribute: [{ name: 'value', type: 4, t: { dims: [40000], dataType: 1, rawData: bigF32(40000) } }] }], output: [vi('k', 1, [40000])] } },
            { name: 'else_branch', type: 5, g: { name: 'e', initializer: [{ name: 'e_w', dims: [40000], dataType: 1, floatData: Array.from({ length: 40000 }, (_, i) => i) }], output: [{ name: 'e_w' }] } },
          ],
        }],
        initializer: [
          { name: 'big', dims: [100, 200], dataType: 1, rawData: bigF32(20000), docString: 'after raw_data' },
          { name: 'big_i64', dims: [20000], dataType: 7, int64Data: Array.from({ length: 20000 }, (_, i) => i * 1000003) },
        ],
        input: [vi('c', 9, [])], output: [vi('Y', 1, [40000])],
      },
    }));
  });

  it('writes the same bytes as encodeModel, and the same bytes every time', () => {
    const bytes = protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { initializer: [{ name: 'W', dims: [30000], dataType: 1, rawData: bigF32(30000) }], output: [{ name: 'W' }] } });
    const m = loadModel(bytes);
    if (m._tag === 'Left') throw new Error('load');
    const a = path.join(dir, 'a.onnx');
    const b = path.join(dir, 'b.onnx');
    expect(saveModel(m.right, a)._tag).to.equal('Right');
    expect(saveModel(m.right, b)._tag).to.equal('Right');
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).to.equal(true);
    expect(fs.readFileSync(a).equals(Buffer.from(encodeModel(m.right)))).to.equal(true);
    expect(fs.readFileSync(a).equals(Buffer.from(bytes))).to.equal(true);
  });

  it('leaves no file behind when a tensor source fails mid-write, and keeps an existing target intact', () => {
    const g = new Graph('g');
    const good = new Value('good', undefined, floatTensor([1], [1]));
    g.addInitializer(good);
    let reads = 0;
    const failing = Tensor.lazy(DataType.FLOAT, [4096], {
      byteLength: 16384, description: 'failing source',
      read: () => {
        reads++;
        throw new Error('disk went away');
      },
    });
    const bad = new Value('bad', undefined, failing);
    g.addInitializer(bad);
    const y = new Node({ opType: 'Add', inputs: [good, bad], outputs: ['y'] });
    g.append(y);
    g.addOutput(y.outputs[0]!);
    const m = new Model(g, { irVersion: 8, opsetImports: [['', 13]] });
    const target = path.join(dir, 'out.onnx');
    fs.writeFileSync(target, 'previous content');
    for (const externalData of [false, { all: true }] as const) {
      const r = saveModel(m, target, { externalData });
      expect(r._tag).to.equal('Left');
      if (r._tag === 'Left') {
        expect(r.left._tag).to.equal('SourceError');
        expect(formatSaveError(r.left)).to.include('disk went away').and.not.include('\n');
      }
      expect(fs.readdirSync(dir)).to.deep.equal(['out.onnx']);
      expect(fs.readFileSync(target, 'utf8')).to.equal('previous content');
    }
    expect(reads).to.equal(2);
  });

  it('reports a missing folder and refuses to overwrite the input model', () => {
    const m = new Model(new Graph('g'));
    const r = saveModel(m, path.join(dir, 'no', 'such', 'm.onnx'));
    expect(r._tag === 'Left' && r.left._tag).to.equal('WriteError');
    const input = path.join(dir, 'in.onnx');
    fs.writeFileSync(input, encodeModel(m));
    const loaded = loadModel(input);
    if (loaded._tag === 'Left') throw new Error('load');
    const refused = saveModel(loaded.right, input);
    expect(refused._tag === 'Left' && refused.left._tag).to.equal('Refused');
    expect(saveModel(m, path.join(dir, 'other.onnx'), { inputPath: path.join(dir, 'other.onnx') })._tag).to.equal('Left');
    expect(saveModel(loaded.right, input, { allowOverwriteInput: true })._tag).to.equal('Right');
  });

  it('encodes a model built with the IR API (new values get value_info, int64 attributes exact)', () => {
    const g = new Graph('built');
    const x = new Value('x', tensorType(DataType.FLOAT, ['N', 3]));
    g.addInput(x);
    const n1 = new Node({ opType: 'Relu', name: 'r', inputs: [x], outputs: ['h'] });
    n1.outputs[0]!.type = tensorType(DataType.FLOAT, ['N', 3]);
    const n2 = new Node({ opType: 'Slice', name: 's', inputs: [n1.outputs[0]], outputs: ['y'], attributes: { ends: attr.ints([2n ** 63n - 1n]) } });
    g.append([n1, n2]);
    g.addOutput(n2.outputs[0]!);
    const m = new Model(g, { irVersion: 10, opsetImports: [['', 1]] });
    const back = loadModel(encodeModel(m));
    if (back._tag === 'Left') throw new Error(back.left.message);
    const [r, s] = back.right.graph.nodes();
    expect(r!.outputs[0]!.type).to.deep.equal(tensorType(DataType.FLOAT, ['N', 3]));
    expect(s!.getIntsExact('ends')).to.deep.equal([2n ** 63n - 1n]);
    expect([...back.right.opsetImports]).to.deep.equal([['', 1]]);
  });

  it('writes value_info for a typed value that a subgraph outputs directly (a capture)', () => {
    const g = new Graph('main');
    const c = new Value('c', tensorType(DataType.BOOL, []));
    g.addInput(c);
    const relu = new Node({ opType: 'Not', inputs: [c], outputs: ['h'] });
    relu.outputs[0]!.type = tensorType(DataType.BOOL, []);
    const body = new Graph('then');
    body.addOutput(relu.outputs[0]!);
    const other = new Graph('else');
    other.addOutput(c);
    const ifNode = new Node({ opType: 'If', inputs: [c], outputs: ['y'], attributes: { then_branch: attr.graph(body), else_branch: attr.graph(other) } });
    g.append([relu, ifNode]);
    g.addOutput(ifNode.outputs[0]!);
    const back = loadModel(encodeModel(new Model(g, { irVersion: 8, opsetImports: [['', 13]] })));
    if (back._tag === 'Left') throw new Error(back.left.message);
    expect(back.right.graph.nodes()[0]!.outputs[0]!.type).to.deep.equal(tensorType(DataType.BOOL, []));
  });

  it('removes temporaries of the same output left by killed processes, and nothing else (found by the hardening suite)', () => {
    // A pid that no longer exists: a child process that has exited.
    const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid!;
    const alive = process.ppid;
    const hex = 'a1b2c3d4e5f6';
    const names = {
      stale: `.out.onnx.${dead}.${hex}.tmp`,
      staleData: `.out.data.${dead}.${hex}.tmp`,
      live: `.out.onnx.${alive}.${hex}.tmp`,
      own: `.out.onnx.${process.pid}.${hex}.tmp`,
      otherOutput: `.other.onnx.${dead}.${hex}.tmp`,
      notOurs: `.out.onnx.${dead}.xyz.tmp`,
      folder: `.out.onnx.${dead}.ffffffffffff.tmp`,
      plain: 'notes.txt',
    };
    for (const [k, n] of Object.entries(names)) {
      if (k === 'folder') fs.mkdirSync(path.join(dir, n));
      else fs.writeFileSync(path.join(dir, n), 'x');
    }
    const m = new Model(new Graph('g'));
    const x = new Value('X', tensorType(DataType.FLOAT, [100]));
    m.graph.addInput(x);
    const w = new Value('W', tensorType(DataType.FLOAT, [100]));
    w.constValue = floatTensor([100], new Float32Array(100).fill(1));
    m.graph.addInitializer(w);
    const add = new Node({ opType: 'Add', inputs: [x, w], outputs: [new Value('Y', tensorType(DataType.FLOAT, [100]))] });
    m.graph.append(add);
    m.graph.addOutput(add.outputs[0]!);
    const r = saveModel(m, path.join(dir, 'out.onnx'), { externalData: { threshold: 0 } });
    if (r._tag === 'Left') expect.fail(formatSaveError(r.left));
    expect(r.right.removedTemps).to.deep.equal([path.join(dir, names.stale), path.join(dir, names.staleData)]);
    const left = fs.readdirSync(dir).sort();
    const kept = Object.entries(names).filter(([k]) => k !== 'stale' && k !== 'staleData').map(([, n]) => n);
    expect(left).to.deep.equal([...kept, 'out.data', 'out.onnx'].sort());
    // Nothing stale: nothing reported.
    const again = saveModel(m, path.join(dir, 'out.onnx'), { externalData: { threshold: 0 } });
    expect(again._tag === 'Right' && again.right.removedTemps).to.equal(undefined);
  });
});


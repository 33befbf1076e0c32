import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DataType, Graph, GraphBuilder, Model, Node, Value, floatTensor, tensorToFloat64, tensorType } from '@mixprec/ir';
import { encodeModel, loadTensor } from '@mixprec/onnx';
import { decodeNpy, encodeNpy } from '../src/data/npy.js';
import { decodeNpz } from '../src/data/npz.js';
import { cli, tempDir } from './helpers.js';

function reluModel(dir: string): string {
  const b = new GraphBuilder();
  const x = b.input('X', DataType.FLOAT, [2, 3]);
  b.output(b.op1('Relu', [x]), 'Y');
  const file = path.join(dir, 'relu.onnx');
  fs.writeFileSync(file, encodeModel(b.model({ opset: 17 })));
  return file;
}

/** A stored (uncompressed) zip with the given entries, as numpy's savez writes. */
function zip(entries: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const body = deflate ? zlib.deflateRawSync(data) : Buffer.from(data);
    const nameBuf = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(deflate ? 8 : 0, 10);
    cd.writeUInt32LE(zlib.crc32(data), 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(nameBuf.length, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, nameBuf, body);
    central.push(cd, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cdBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBuf, end]);
}

describe('data files', () => {
  it('round-trips .npy and reads .npz archives, stored and deflated', () => {
    const t = floatTensor([2, 3], [1, -2, 3, -4, 5, -6]);
    const npy = encodeNpy(t);
    expect(Array.from(tensorToFloat64(decodeNpy(npy, 'x.npy')))).to.deep.equal([1, -2, 3, -4, 5, -6]);
    for (const deflate of [false, true]) {
      const m = decodeNpz(zip({ 'X.npy': npy }, deflate), 'x.npz');
      expect([...m.keys()]).to.deep.equal(['X']);
      expect(m.get('X')!.dims).to.deep.equal([2, 3]);
    }
  });

  it('rejects a Fortran-ordered or big-endian .npy with one line', () => {
    const npy = Buffer.from(encodeNpy(floatTensor([1], [1])));
    const fortran = Buffer.from(npy.toString('latin1').replace("'fortran_order': False", "'fortran_order': True "), 'latin1');
    expect(() => decodeNpy(fortran, 'f.npy')).to.throw(/Fortran-ordered/);
    const big = Buffer.from(npy.toString('latin1').replace("'<f4'", "'>f4'"), 'latin1');
    expect(() => decodeNpy(big, 'b.npy')).to.throw(/unsupported dtype '>f4'/);
  });
});

describe('mixprec run', () => {
  it('runs with --data, prints JSON, and writes output_N.pb in graph-output order', async () => {
    const dir = tempDir();
    const model = reluModel(dir);
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'X.npy'), encodeNpy(floatTensor([2, 3], [1, -2, 3, -4, 5, -6])));
    const out = path.join(dir, 'out');
    const r = await cli('run', model, '--data', data, '--json', '--out', out);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(['wasm', 'tensorflow', 'cpu']).to.include(j.backend);
    expect(j.outputs.Y).to.deep.equal({ dtype: 'FLOAT', dims: [2, 3], data: [1, 0, 3, 0, 5, 0] });
    const back = loadTensor(path.join(out, 'output_0.pb'));
    expect(back._tag).to.equal('Right');
    if (back._tag === 'Right') expect(Array.from(tensorToFloat64(back.right))).to.deep.equal([1, 0, 3, 0, 5, 0]);
  });

  it('takes JSON inputs and generates missing ones, seeded', async () => {
    const dir = tempDir();
    const model = reluModel(dir);
    const json = path.join(dir, 'in.json');
    fs.writeFileSync(json, JSON.stringify({ X: [[1, -1, 2], [-2, 3, -3]] }));
    const r = await cli('run', model, '--data', json, '--json');
    expect(JSON.parse(r.stdout).outputs.Y.data).to.deep.equal([1, 0, 2, 0, 3, 0]);
    const a = await cli('run', model, '--json', '--seed', '7');
    const b = await cli('run', model, '--json', '--seed', '7');
    expect(a.stdout).to.equal(b.stdout);
  });

  it('names an unsupported op and its node, exit code 2', async () => {
    const dir = tempDir();
    const g = new Graph('main');
    const x = new Value('X', tensorType(DataType.FLOAT, [2]));
    g.addInput(x);
    const n = new Node({ opType: 'FancyOp', domain: 'com.example', name: 'fancy', inputs: [x], outputs: [new Value('Y', tensorType(DataType.FLOAT, [2]))] });
    g.append(n);
    g.addOutput(n.outputs[0]!);
    const m = new Model(g, { irVersion: 8, opsetImports: [['', 17], ['com.example', 1]] });
    const file = path.join(dir, 'fancy.onnx');
    fs.writeFileSync(file, encodeModel(m));
    const r = await cli('run', file);
    expect(r.code).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/FancyOp/).and.to.match(/fancy/);
  });

  it('rejects an input that is not in the model', async () => {
    const dir = tempDir();
    const model = reluModel(dir);
    const json = path.join(dir, 'bad.json');
    fs.writeFileSync(json, JSON.stringify({ Z: [1] }));
    const r = await cli('run', model, '--data', json);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/'Z' is not an input of the model \(inputs: X\)/);
  });
});

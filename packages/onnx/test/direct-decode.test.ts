import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { printModel, structuralHash, valuesByName, type Model } from '@mixprec/ir';
import { REAL_MODELS, TESTDATA_DIR, mulberry32, realModelPath, testDataModels } from '@mixprec/testing';
import { decodeModel, encodeModel, formatLoadError } from '../src/index.js';
import { decodeDirect } from '../src/direct-model.js';
import { TypeCache } from '../src/direct-type-cache.js';
import { WireReader } from '../src/wire-read.js';
import { decodeModelReference } from '../src/load.js';
import { onnx } from '../src/proto.js';
import { f32Bytes, i64, protoBytes, tensorTypeProto, varint, vi } from './helpers.js';

const CTX = { file: 'm.onnx', external: undefined, eager: true } as const;

/** Asserts that two models are the same: printed text, structural hash and encoded bytes. */
function expectSameModel(a: Model, b: Model, what: string): void {
  expect(printModel(a), `${what}: printed IR`).to.equal(printModel(b));
  expect(structuralHash(a), `${what}: structural hash`).to.equal(structuralHash(b));
  expect(Buffer.from(encodeModel(a)).equals(Buffer.from(encodeModel(b))), `${what}: encoded bytes`).to.equal(true);
}

/** The direct decoder (which must not bail) against the reference path, on `bytes`. */
function expectDirectEqualsReference(bytes: Uint8Array, what: string): void {
  const ref = decodeModelReference(bytes, { file: 'm.onnx' });
  if (ref._tag === 'Left') expect.fail(`${what}: ${formatLoadError(ref.left)}`);
  let direct: Model;
  try {
    direct = decodeDirect(bytes, CTX);
  } catch (e) {
    return expect.fail(`${what}: the direct decoder gave up: ${(e as Error).message}`);
  }
  expectSameModel(direct, ref.right, what);
}

/** A model using every field the loader keeps, rare messages included. */
function everythingModel(): Uint8Array {
  const sub = { name: 'body', node: [{ input: ['x_outer'], output: ['y_in'], opType: 'Neg', docString: 'inner' }], output: [vi('y_in', 1, [2])] };
  return protoBytes({
    irVersion: 9, producerName: '', producerVersion: 'v', domain: 'd', modelVersion: i64('9007199254740993'), docString: 'model doc',
    opsetImport: [{ domain: 'ai.onnx', version: 17 }, { domain: 'com.x', version: 1 }],
    metadataProps: [{ key: 'k', value: 'v' }, { key: 'ü', value: '\u{1F600}' }],
    trainingInfo: [{ algorithm: { name: 'alg' }, updateBinding: [{ key: 'a', value: 'b' }] }],
    configuration: [{ name: 'cfg', numDevices: 2 }],
    functions: [{
      name: 'F', domain: 'com.x', input: ['a'], output: ['b'], attribute: ['alpha'],
      attributeProto: [{ name: 'beta', type: 1, f: 0.25 }],
      node: [{ input: ['a'], output: ['b'], opType: 'Relu' }], opsetImport: [{ domain: '', version: 17 }],
      valueInfo: [vi('b', 1, [2])],
    }],
    graph: {
      name: '', docString: 'graph doc', metadataProps: [{ key: 'gk', value: 'gv' }],
      node: [
        { input: ['x_outer'], output: ['y1'], opType: 'If', name: 'if', domain: '', overload: '', attribute: [
          { name: 'then_branch', type: 5, g: sub },
          { name: 'else_branch', g: sub },
        ] },
        { input: ['y1', '', 'w'], output: ['y2', ''], opType: 'Custom', domain: 'ai.onnx', metadataProps: [{ key: 'nk', value: 'nv' }], deviceConfigurations: [{ configurationId: 'c', shardingSpec: [{ tensorName: 't', device: [1, 2] }] }], attribute: [
          { name: 'f', type: 1, f: 1.5 }, { name: 'i', type: 2, i: i64('-5') }, { name: 'big_i', type: 2, i: i64('-9007199254740993') },
          { name: 's', type: 3, s: Buffer.from('txt') }, { name: 's_bin', type: 3, s: Uint8Array.from([0xff, 0xfe]) },
          { name: 'floats', type: 6, floats: [1, 2.5] }, { name: 'ints', type: 7, ints: [1, -2, i64('123456789012345678')] },
          { name: 'strings', type: 8, strings: [Buffer.from('a'), Buffer.from('')] },
          { name: 't', type: 4, t: { dims: [2], dataType: 7, int64Data: [1, -1] } },
          { name: 'ts', type: 9, tensors: [{ dims: [1], dataType: 11, doubleData: [0.5] }] },
          { name: 'tp', type: 13, tp: tensorTypeProto(1, [1, 'N']) },
          { name: 'tps', type: 14, typeProtos: [{ sequenceType: { elemType: tensorTypeProto(6) } }] },
          { name: 'sp', type: 11, sparseTensor: { values: { name: 'sv', dims: [1], dataType: 1, floatData: [3] }, indices: { dims: [1], dataType: 7, int64Data: [0] }, dims: [4] } },
          { name: 'absent_f', type: 1 }, { name: 'undef_t', type: 4 }, { name: 'ref', type: 1, refAttrName: 'alpha', docString: 'attr doc' },
          { name: 'legacy', i: 3 },
        ] },
        { input: ['y2'], output: ['y3'], opType: 'F', domain: 'com.x' },
      ],
      initializer: [
        { name: 'w', dims: [3], dataType: 1, rawData: f32Bytes([1, 2, 3]), docString: 'w doc', metadataProps: [{ key: 'tk', value: 'tv' }] },
        { name: 'seg', dims: [1], dataType: 6, int32Data: [-7], segment: { begin: 0, end: 1 }, dataLocation: 0 },
        { name: 'u64', dims: [2], dataType: 13, uint64Data: [i64('18446744073709551615'), 1] },
        { name: 'u32', dims: [1], dataType: 12, uint64Data: [4294967295] },
        { name: 'str', dims: [2], dataType: 8, stringData: [Buffer.from('x'), Uint8Array.from([0xc3])] },
        { name: 'f16', dims: [2], dataType: 10, int32Data: [15360, 0] },
        { name: 'unknown_type', dims: [2], dataType: 99, rawData: Uint8Array.from([1, 2, 3]) },
        { name: 'x_outer', dims: [2], dataType: 1, floatData: [1, 2] },
      ],
      sparseInitializer: [{ values: { name: 'sparse_w', dims: [2], dataType: 1, floatData: [1, 2] }, indices: { dims: [2], dataType: 7, int64Data: [0, 3] }, dims: [8] }],
      input: [
        vi('x_outer', 1, [2]),
        { name: 'opt', type: { optionalType: { elemType: tensorTypeProto(1) } } },
        { name: 'map', type: { mapType: { keyType: 7, valueType: { sequenceType: { elemType: tensorTypeProto(1) } } } } },
        { name: 'opaque', type: { opaqueType: { domain: 'o', name: 'n' }, denotation: 'den' } },
        { name: 'no_type', type: { denotation: 'only' } },
        { name: 'sparse_in', type: { sparseTensorType: { elemType: 1, shape: { dim: [{ dimValue: 3, denotation: 'D' }, {}] } } } },
      ],
      output: [vi('y3', 1, ['N']), { name: 'w', docString: 'out doc' }],
      valueInfo: [vi('y1', 1, [2]), { name: 'not_a_value', type: tensorTypeProto(1, [1]) }, { name: 'y2', type: tensorTypeProto(1, [2]), metadataProps: [{ key: 'a', value: 'b' }] }],
      quantizationAnnotation: [{ tensorName: 'w', quantParameterTensorNames: [{ key: 'SCALE_TENSOR', value: 's' }] }],
    },
  });
}

describe('direct decoder: the same models as the reference path (protobufjs messages)', () => {
  it('a model using every field the loader keeps (Buffer and plain bytes)', () => {
    const bytes = everythingModel();
    expectDirectEqualsReference(bytes, 'everything');
    expectDirectEqualsReference(Buffer.from(bytes), 'everything (Buffer)');
  });

  it('strings with invalid UTF-8 decode as protobufjs decodes them for each kind of buffer', () => {
    const bytes = protoBytes({ irVersion: 8, graph: { name: 'g', node: [{ input: ['X'], output: ['Y'], opType: 'Relu', name: 'n' }], input: [vi('X', 1)], output: [vi('Y', 1)] } });
    // Replace the graph name 'g' by a lone continuation byte (still one byte long).
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x12, 0x01, 0x67]));
    expect(at).to.be.greaterThan(0);
    const bad = Uint8Array.from(bytes);
    bad[at + 2] = 0x80;
    expectDirectEqualsReference(bad, 'invalid UTF-8 (plain bytes)');
    expectDirectEqualsReference(Buffer.from(bad), 'invalid UTF-8 (Buffer)');
  });

  const files = [...REAL_MODELS.map((m) => realModelPath(m)), ...testDataModels()];
  it(`every real model and ONNX backend test model (${files.length})`, function () {
    this.timeout(60_000);
    for (const f of files) expectDirectEqualsReference(fs.readFileSync(f), f);
  });
});

describe('direct decoder: one type object per distinct encoding', () => {
  it('value infos with the same TypeProto bytes share their type; others do not', () => {
    const bytes = protoBytes({
      irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: [vi('x', 1, [1, 16])],
        node: [{ input: ['x'], output: ['a'], opType: 'Relu' }, { input: ['a'], output: ['b'], opType: 'Relu' }, { input: ['b'], output: ['y'], opType: 'Cast', attribute: [{ name: 'to', type: 2, i: 10 }] }],
        valueInfo: [vi('a', 1, [1, 16]), vi('b', 1, [1, 'N'])],
        output: [vi('y', 10, [1, 16])],
      },
    });
    const m = decodeDirect(bytes, CTX);
    const values = valuesByName(m.graph);
    const type = (name: string) => values.get(name)!.type;
    expect(type('a')).to.equal(type('x'));
    expect(type('a')).to.deep.equal({ kind: 'tensor', dtype: 1, shape: [1, 16] });
    expect(type('b')).to.not.equal(type('a'));
    expect(type('b')).to.deep.equal({ kind: 'tensor', dtype: 1, shape: [1, 'N'] });
    expect(type('y')).to.deep.equal({ kind: 'tensor', dtype: 10, shape: [1, 16] });
    expectDirectEqualsReference(bytes, 'shared types');
  });

  it('a type read at one depth is reused only where reading it again could not hit the nesting limit', () => {
    const bytes = Uint8Array.from([8, 1, 18, 4, 8, 1, 18, 0]);
    const cache = new TypeCache(bytes);
    const t = { kind: 'tensor', dtype: 1 } as const;
    cache.set(0, 2, 5, t);
    expect(cache.get(0, 2, 5)).to.equal(t);
    expect(cache.get(0, 2, 4)).to.equal(t);
    expect(cache.get(0, 2, 6)).to.equal(undefined);
    expect(cache.get(4, 6, 5), 'same bytes elsewhere').to.equal(t);
    expect(cache.get(2, 4, 5), 'other bytes').to.equal(undefined);
    expect(cache.get(0, 3, 5), 'other length').to.equal(undefined);
  });
});

describe('direct decoder: shared strings', () => {
  it('symbol reads what string reads (ASCII, repeated, non-ASCII, long, invalid UTF-8)', () => {
    const texts = ['Add', 'Add', '', 'ai.onnx', 'Relu', 'Add', 'com.microsoft', 'ü', 'x'.repeat(40), 'Add', '\u{1F600}', 'Relu'];
    const fields: number[] = [];
    for (const t of texts) {
      const b = Buffer.from(t, 'utf8');
      fields.push(b.length, ...b);
    }
    fields.push(2, 0xc3, 0x28); // invalid UTF-8
    for (const bytes of [Buffer.from(fields), Uint8Array.from(fields)]) {
      const a = new WireReader(bytes);
      const b = new WireReader(bytes);
      const read: string[] = [];
      while (a.pos < bytes.length) {
        const x = a.symbol(bytes.length);
        expect(x).to.equal(b.string(bytes.length));
        expect(a.pos).to.equal(b.pos);
        read.push(x);
      }
      expect(read.slice(0, texts.length)).to.deep.equal(texts);
    }
  });
});

describe('direct decoder: corrupt input gives exactly the reference result', () => {
  // MIXPREC_FUZZ_CASES raises the count for a longer sweep (and MIXPREC_FUZZ_SEED changes the cases).
  const cases = Number(process.env.MIXPREC_FUZZ_CASES ?? 1500);
  it(`random byte changes, insertions and truncations of small varied models (${cases} cases)`, function () {
    this.timeout(0);
    const seeds = [everythingModel(), ...['node/test_loop11', 'node/test_if_seq', 'pytorch-converted/test_ConvTranspose2d'].flatMap((c) => {
      const f = path.join(TESTDATA_DIR, c, 'model.onnx');
      return fs.existsSync(f) ? [fs.readFileSync(f)] : [];
    })];
    const next = mulberry32(Number(process.env.MIXPREC_FUZZ_SEED ?? 12345));
    let errors = 0;
    let results = 0;
    for (let k = 0; k < cases; k++) {
      const base = seeds[k % seeds.length]!;
      const span = base.length;
      let b = Uint8Array.from(base);
      const kind = k % 5;
      const at = Math.floor(next() * span);
      if (kind === 0) b[at] = Math.floor(next() * 256);
      else if (kind === 1) b[at] = b[at]! ^ (1 << Math.floor(next() * 8));
      else if (kind === 2) b = b.subarray(0, at);
      else if (kind === 3) b = Uint8Array.from([...b.subarray(0, at), Math.floor(next() * 256), ...b.subarray(at)]);
      else for (let j = 0; j < 4; j++) b[Math.floor(next() * span)] = Math.floor(next() * 256);
      const a = decodeModel(b, { file: 'm.onnx' });
      const r = decodeModelReference(b, { file: 'm.onnx' });
      expect(a._tag, `case ${k}`).to.equal(r._tag);
      if (a._tag === 'Left' && r._tag === 'Left') {
        expect(a.left, `case ${k}`).to.deep.equal(r.left);
        errors++;
      } else if (a._tag === 'Right' && r._tag === 'Right') {
        expectSameModel(a.right, r.right, `case ${k}`);
        results++;
      }
    }
    // Both kinds of outcome are exercised.
    expect(errors).to.be.greaterThan(cases / 8);
    expect(results).to.be.greaterThan(cases / 15);
  });

  it('nesting deeper than the protobufjs limit is refused as before', () => {
    // Framed by hand: protobufjs refuses to encode messages this deep.
    const field = (no: number, body: Uint8Array): Uint8Array => Uint8Array.from([no * 8 + 2, ...varint(body.length), ...body]);
    let g: Uint8Array = onnx.GraphProto.encode({ name: 'leaf', input: [vi('x', 1)], output: [vi('x', 1)] }).finish();
    for (let i = 0; i < 40; i++) {
      const a = Uint8Array.from([...onnx.AttributeProto.encode({ name: 'then_branch', type: 5 }).finish(), ...field(6, g)]);
      const n = Uint8Array.from([...onnx.NodeProto.encode({ output: ['x'], opType: 'If', input: ['c'] }).finish(), ...field(5, a)]);
      g = Uint8Array.from([...field(1, n), ...onnx.GraphProto.encode({ input: [vi('c', 9)], output: [vi('x', 1)] }).finish()]);
    }
    const bytes = Uint8Array.from([...onnx.ModelProto.encode({ irVersion: 8 }).finish(), ...field(7, g)]);
    const a = decodeModel(bytes, { file: 'm.onnx' });
    const r = decodeModelReference(bytes, { file: 'm.onnx' });
    expect(r._tag).to.equal('Left');
    expect(a).to.deep.equal(r);
  });
});

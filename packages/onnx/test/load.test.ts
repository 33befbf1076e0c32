import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeModel, encodeModel, formatLoadError, loadModel, type LoadError } from '../src/index.js';
import { mulberry32, realModelPath } from '@mixprec/testing';
import { f32Bytes, i64, protoBytes, vi } from './helpers.js';

const TAGS: readonly LoadError['_tag'][] = ['DecodeError', 'InvalidModel', 'UnsupportedFeature', 'ExternalDataError'];

/** Decodes possibly corrupt bytes: a typed error or a model that encodes again; never a throw. */
function decodeCorrupt(bytes: Uint8Array, label: string): 'ok' | LoadError['_tag'] {
  const r = decodeModel(bytes, { file: label });
  if (r._tag === 'Left') {
    expect(TAGS, formatLoadError(r.left)).to.include(r.left._tag);
    expect(formatLoadError(r.left)).to.not.include('\n');
    return r.left._tag;
  }
  encodeModel(r.right);
  return 'ok';
}

function withSubgraphs(): Uint8Array {
  return protoBytes({
    irVersion: 8, opsetImport: [{ domain: '', version: 13 }],
    graph: {
      node: [{
        input: ['c'], output: ['Y'], opType: 'If',
        attribute: [
          { name: 'then_branch', type: 5, g: { node: [{ input: ['X', 'W'], output: ['z'], opType: 'Add' }], output: [vi('z', 1, [4])] } },
          { name: 'else_branch', type: 5, g: { output: [{ name: 'X' }] } },
        ],
      }],
      initializer: [{ name: 'W', dims: [4], dataType: 1, rawData: f32Bytes([1, 2, 3, 4]) }, { name: 'S', dims: [2, 2], dataType: 7, int64Data: [1, 2, 3, 4] }],
      input: [vi('c', 9, []), vi('X', 1, [4])], output: [vi('Y', 1, [4])],
    },
  });
}

describe('load: corrupt and truncated input gives typed errors, never a crash', () => {
  const sources: [string, Uint8Array][] = [
    ['subgraph model', withSubgraphs()], ['ch_ppocr_mobile_v2.0_cls_infer', fs.readFileSync(realModelPath('ppocr-cls'))],
  ];

  for (const [label, original] of sources) {
    it(`${label}: 150 seeded truncations and bit flips`, () => {
      const next = mulberry32(0x5eed);
      const seen = new Map<string, number>();
      for (let i = 0; i < 150; i++) {
        let bytes: Uint8Array;
        const kind = i % 3;
        if (kind === 0) {
          bytes = original.subarray(0, Math.floor(next() * original.length));
        } else {
          bytes = Uint8Array.from(original);
          const flips = kind === 1 ? 1 : 1 + Math.floor(next() * 16);
          for (let k = 0; k < flips; k++) {
            // Flip near the start half the time: that is where the structure (not weights) is.
            const at = Math.floor(next() * (next() < 0.5 ? Math.min(bytes.length, 4096) : bytes.length));
            bytes[at]! ^= 1 << Math.floor(next() * 8);
          }
        }
        const tag = decodeCorrupt(bytes, `${label}#${i}`);
        seen.set(tag, (seen.get(tag) ?? 0) + 1);
      }
      expect([...seen.keys()].some((k) => k !== 'ok'), 'some corruptions are detected').to.equal(true);
    });
  }

  it('a tensor claiming 2^62 elements or huge varint lengths is an error, not an allocation', () => {
    const huge = protoBytes({ irVersion: 8, graph: { initializer: [{ name: 'T', dims: [i64('4611686018427387904')], dataType: 1, rawData: new Uint8Array(4) }] } });
    expect(decodeCorrupt(huge, 'huge')).to.equal('InvalidModel');
    // A length prefix of ~2^35 on field 7 (graph), followed by nothing.
    expect(decodeCorrupt(Uint8Array.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x7f]), 'varint')).to.equal('DecodeError');
    expect(decodeCorrupt(Uint8Array.from([0xff, 0xff, 0xff]), 'garbage')).to.equal('DecodeError');
  });

  it('names with line breaks or bidi overrides still give one-line messages (found by fuzzing)', () => {
    const cases: [string, string][] = [['a\nb', 'a\\nb'], ['x\r\ny', 'x\\r\\ny'], ['evil\u202e.txt', 'evil\\u202e.txt'], ['nul\u0000', 'nul\\u0000']];
    for (const [name, escaped] of cases) {
      const bytes = protoBytes({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph: { node: [{ input: [name], output: ['Y'], opType: 'Relu' }], output: [vi('Y', 1, [1])] } });
      const r = decodeModel(bytes, { file: 'm.onnx' });
      expect(r._tag).to.equal('Left');
      if (r._tag !== 'Left') continue;
      const line = formatLoadError(r.left);
      expect(line).to.not.match(/[\n\r\u0000\u202e]/);
      expect(line).to.include(`'${escaped}'`);
    }
  });

  it('files: missing, a directory, and a non-ONNX file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-load-'));
    try {
      const missing = loadModel(path.join(dir, 'none.onnx'));
      expect(missing._tag === 'Left' && missing.left._tag).to.equal('FileNotFound');
      const isDir = loadModel(dir);
      expect(isDir._tag === 'Left' && isDir.left._tag).to.equal('ReadError');
      fs.writeFileSync(path.join(dir, 'text.onnx'), 'this is not a protobuf\n');
      const text = loadModel(path.join(dir, 'text.onnx'));
      expect(text._tag === 'Left' && formatLoadError(text.left)).to.match(/text\.onnx: not a valid ONNX protobuf: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

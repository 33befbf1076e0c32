import { expect } from 'chai';
import fs from 'node:fs';
import onnxProto from 'onnx-proto';
import { decodeModel, encodeModel, formatLoadError } from '../src/index.js';
import { protoObject } from './helpers.js';
import { REAL_MODELS, TESTDATA_DIR, realModelPath, testDataModels } from '@mixprec/testing';

/** A model decoded by the independent onnx-proto 8.0.1 decoder, as a plain object. */
function independent(bytes: Uint8Array): unknown {
  const m = onnxProto.onnx.ModelProto.decode(bytes);
  return onnxProto.onnx.ModelProto.toObject(m, { longs: String, bytes: String });
}

/** Load, re-encode, and compare with both decoders; returns whether the bytes are identical. */
function crossCheck(file: string): boolean {
  const original = fs.readFileSync(file);
  const r = decodeModel(original, { file });
  if (r._tag === 'Left') expect.fail(formatLoadError(r.left));
  const ours = encodeModel(r.right);
  expect(independent(ours), `${file}: onnx-proto sees a different message`).to.deep.equal(independent(original));
  expect(protoObject(ours), `${file}: our decoder sees a different message`).to.deep.equal(protoObject(original));
  return Buffer.from(ours).equals(original);
}

describe('cross-check: re-encoded models equal the originals (onnx-proto and our decoder)', () => {
  const real = REAL_MODELS.map((m) => realModelPath(m));
  it(`every real model (${real.length})`, () => {
    expect(real.length, 'real model packages are installed').to.be.greaterThan(0);
    let identical = 0;
    for (const f of real) if (crossCheck(f)) identical++;
    expect(identical).to.equal(real.length);
  });

  const data = testDataModels();
  it(`every ONNX backend test model (${data.length} under ${TESTDATA_DIR})`, function () {
    if (data.length === 0) {
      // Skipped only when the Debian test data is not installed (apt-get install libonnx-testdata).
      this.skip();
    }
    let identical = 0;
    for (const f of data) if (crossCheck(f)) identical++;
    // Files written by the reference C++ writer come back byte for byte.
    expect(identical).to.equal(data.length);
  });
});

/**
 * The I/O contract of `mixprec convert`, checked from the outside on every real model: the
 * graph's input and output names are unchanged and in order; with --keep-io-types every dtype is
 * unchanged; by default exactly the FLOAT ones become the target type; the result verifies.
 */
import { expect } from 'chai';
import path from 'node:path';
import { DataType, verify } from '@mixprec/ir';
import { formatLoadError, loadModel } from '@mixprec/onnx';
import { REAL_MODELS, realModelPath } from '@mixprec/testing';
import { ioSignature, type IoSignature } from '../fuzz/steps.js';
import { cli, hasConvert, tempDir } from './helpers.js';

function signature(file: string): IoSignature {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  expect(verify(r.right).filter((d) => d.severity === 'error'), file).to.deep.equal([]);
  return ioSignature(r.right);
}

/** What the IO mode says each dtype becomes. */
function expected(before: IoSignature, mode: 'keep' | DataType): IoSignature {
  const map = (l: IoSignature['inputs']): IoSignature['inputs'] =>
    l.map(([name, dt]) => [name, mode !== 'keep' && dt === DataType.FLOAT ? mode : dt] as const);
  return { inputs: map(before.inputs), outputs: map(before.outputs) };
}

describe('hardening: the I/O contract of convert on every real model', function () {
  this.timeout(300_000);
  let dir: string;
  before(function () {
    if (!hasConvert()) this.skip();
    dir = tempDir('mixprec-hardening-io-');
  });

  const modes: [string, string[], 'keep' | DataType][] = [
    ['--keep-io-types', ['--keep-io-types'], 'keep'],
    ['default IO (float16)', [], DataType.FLOAT16],
  ];
  for (const m of REAL_MODELS) {
    for (const [label, flags, mode] of modes) {
      it(`${m.name}, ${label}: names unchanged, dtypes as the mode says, result verifies`, async () => {
        const input = realModelPath(m);
        const out = path.join(dir, `${m.name}-${flags.length}.onnx`);
        const r = await cli(['convert', input, '-o', out, '--quiet', ...flags]);
        expect(r.code, r.stderr).to.equal(0);
        expect(signature(out)).to.deep.equal(expected(signature(input), mode));
      });
    }
  }
});

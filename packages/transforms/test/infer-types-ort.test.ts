import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';
import { DataType, dataTypeText, type Model, type Tensor, type Value } from '@mixprec/ir';
import { encodeModel, loadTensor } from '@mixprec/onnx';
import { createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { inferTypes, transformPasses } from '../src/index.js';
import { TESTDATA_DIR, testDataModels } from '@mixprec/testing';
import { load } from './real-models.js';

/**
 * Every ONNX backend test model whose inputs are tensors and which onnxruntime-node runs as
 * shipped runs again with every node output of its main graph exposed as a graph output
 * carrying the inferred type. ORT validates those types at load and reports the runtime shape
 * of each; inference must agree on every element type and every numeric dim (about 6 s).
 */

const ORT_TYPE: Readonly<Record<number, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.FLOAT16]: 'float16', [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32', [DataType.INT64]: 'int64', [DataType.UINT64]: 'uint64', [DataType.BOOL]: 'bool',
  [DataType.STRING]: 'string',
};

function ortTensor(t: Tensor): ort.Tensor | undefined {
  const type = ORT_TYPE[t.dtype];
  if (type === undefined) return undefined;
  if (type === 'string') return new ort.Tensor('string', (t.data as readonly Uint8Array[]).map((b) => new TextDecoder().decode(b)), [...t.dims]);
  return new ort.Tensor(type, t.data as Float32Array, [...t.dims]);
}

/** Feeds from `test_data_set_0/input_N.pb`, or undefined when one is not a tensor ORT takes. */
function feedsOf(m: Model, dir: string): Record<string, ort.Tensor> | undefined {
  const set = path.join(dir, 'test_data_set_0');
  if (!fs.existsSync(set)) return undefined;
  const feeds: Record<string, ort.Tensor> = {};
  const inputs = m.graph.inputs.filter((v) => !v.isInitializer());
  for (let i = 0; i < inputs.length; i++) {
    const f = path.join(set, `input_${i}.pb`);
    if (!fs.existsSync(f)) return undefined;
    const t = loadTensor(f);
    if (E.isLeft(t)) return undefined;
    const o = ortTensor(t.right);
    if (o === undefined) return undefined;
    feeds[inputs[i]!.name] = o;
  }
  return feeds;
}

async function session(m: Model): Promise<ort.InferenceSession | undefined> {
  try {
    return await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 4, intraOpNumThreads: 1 });
  } catch {
    return undefined;
  }
}

describe(`infer-types judged by onnxruntime on the ONNX backend test data (${TESTDATA_DIR})`, () => {
  const files = testDataModels();
  if (files.length === 0) it.skip('test data not installed');
  const registry = createPassRegistry({ passes: transformPasses });
  const suites = new Map<string, string[]>();
  for (const f of files) {
    const s = path.basename(path.dirname(path.dirname(f)));
    suites.set(s, [...(suites.get(s) ?? []), f]);
  }
  for (const [suite, list] of suites) {
    it(`${suite}: inferred element types and dims match what onnxruntime computes`, async function () {
      this.timeout(600000);
      const wrong: string[] = [];
      let models = 0;
      let values = 0;
      for (const f of list) {
        const dir = path.dirname(f);
        const name = path.basename(dir);
        const original = load(f);
        const feeds = feedsOf(original, dir);
        if (feeds === undefined) continue;
        // Models ORT cannot load or run as shipped say nothing about inference: skip them.
        const base = await session(original);
        if (base === undefined) continue;
        try {
          await base.run(feeds);
        } catch {
          continue;
        } finally {
          await base.release();
        }
        const m = load(f);
        const ctx = createPassContext({ registry, report: () => undefined });
        if (E.isLeft(ctx)) throw new Error(ctx.left.message);
        runPipeline(m, inferTypes(), ctx.right);
        const exposed: Value[] = [];
        for (const n of m.graph) {
          for (const o of n.outputs) {
            if (o.name === '' || o.isGraphOutput() || o.type?.kind !== 'tensor' || ORT_TYPE[o.type.dtype] === undefined) continue;
            m.graph.addOutput(o);
            exposed.push(o);
          }
        }
        const s = await session(m);
        if (s === undefined) {
          wrong.push(`${name}: onnxruntime rejects the inferred types`);
          continue;
        }
        try {
          const r = await s.run(feeds);
          models++;
          for (const v of m.graph.outputs) {
            const t = r[v.name];
            if (v.producer() === undefined || t === undefined || v.type?.kind !== 'tensor') continue;
            values++;
            const shape = v.shape;
            const dtypeOk = ORT_TYPE[v.type.dtype] === t.type;
            const shapeOk = shape === undefined || (shape.length === t.dims.length && shape.every((d, k) => typeof d !== 'number' || d === t.dims[k]));
            if (!dtypeOk || !shapeOk) wrong.push(`${name}/${v.name}: inferred ${dataTypeText(v.type.dtype)}[${shape?.map((d) => d ?? '?').join(',') ?? '?'}], ran as ${t.type}[${t.dims.join(',')}]`);
          }
        } catch (e) {
          wrong.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
        } finally {
          await s.release();
        }
      }
      if (this.test !== undefined) this.test.title += ` (${models} models run, ${values} values compared)`;
      expect(wrong).to.deep.equal([]);
      expect(models, 'models checked').to.be.greaterThan(0);
      expect(values).to.be.at.least(models);
    });
  }
});

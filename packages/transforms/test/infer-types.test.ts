import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as ort from 'onnxruntime-node';
import path from 'node:path';
import {
  DataType, cloneModel, dataTypeText, graphValues, structuralHash, walkGraphs, type Diagnostic, type Model, type Value,
} from '@mixprec/ir';
import { createModifiedCheckInstrument, createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { inferTypes, transformPasses, untypedValues } from '../src/index.js';
import { REAL_MODELS, TESTDATA_DIR, testDataModels } from '@mixprec/testing';
import { load, modelFile, ortFeeds, runOrt } from './real-models.js';

const registry = createPassRegistry({ passes: transformPasses });

/** Runs infer-types with verifyEach and the modified/hash check; returns its diagnostics. */
function infer(m: Model, options: Parameters<typeof inferTypes>[0] = {}): { modified: boolean; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const ctx = createPassContext({ registry, verifyEach: true, instruments: [createModifiedCheckInstrument()], report: (d) => void diags.push(d) });
  if (E.isLeft(ctx)) throw new Error(ctx.left.message);
  const r = runPipeline(m, inferTypes(options), ctx.right);
  if (E.isLeft(r)) throw new Error(String(r.left.cause));
  return { modified: r.right.modified, diags };
}

/** What the corpus check found in one model (empty lists = as it should be). */
interface Findings {
  readonly dtypeMisses: string[];
  readonly shapeMisses: string[];
  readonly conflicts: string[];
  readonly untyped: number;
  readonly notIdempotent: boolean;
}

/**
 * Three checks per model: (1) with the declared types of the main graph's node-produced outputs
 * removed, inference finds the same element types and never a different number for a dim;
 * (2) on the model as it is, inference contradicts no declared type; (3) a second run changes
 * nothing. Also counts the values left without an element type.
 */
function check(m: Model): Findings {
  const stripped = cloneModel(m);
  const declared = m.graph.outputs.map((v) => v.type);
  for (const v of stripped.graph.outputs) if (v.producer() !== undefined) v.type = undefined;
  const ctx = createPassContext({ registry, report: () => undefined });
  if (E.isLeft(ctx)) throw new Error(ctx.left.message);
  runPipeline(stripped, inferTypes(), ctx.right);
  const dtypeMisses: string[] = [];
  const shapeMisses: string[] = [];
  stripped.graph.outputs.forEach((v, i) => {
    const want = declared[i];
    const got = v.type;
    if (v.producer() === undefined || want?.kind !== 'tensor') return;
    if (got?.kind !== 'tensor' || got.dtype !== want.dtype) {
      dtypeMisses.push(`${v.name}: declared ${dataTypeText(want.dtype)}, inferred ${got?.kind === 'tensor' ? dataTypeText(got.dtype) : 'nothing'}`);
      return;
    }
    const a = want.shape;
    const b = got.shape;
    if (a !== undefined && b !== undefined && (a.length !== b.length || a.some((d, k) => typeof d === 'number' && typeof b[k] === 'number' && d !== b[k]))) {
      shapeMisses.push(`${v.name}: declared [${a.join(',')}], inferred [${b.join(',')}]`);
    }
  });
  const first = infer(m);
  const hash = structuralHash(m);
  const second = infer(m);
  return {
    dtypeMisses, shapeMisses,
    conflicts: first.diags.map((d) => d.message),
    untyped: untypedValues(m).length,
    notIdempotent: second.modified || structuralHash(m) !== hash,
  };
}

describe('infer-types', () => {
  describe('real models', () => {
    for (const spec of REAL_MODELS) {
      const file = modelFile(spec);
      const title = path.basename(spec.spec);
      if (file === undefined) {
        it.skip(`${title} (not installed)`);
        continue;
      }
      it(`${title}: every value typed, no declared type contradicted, idempotent`, () => {
        const m = load(file);
        const before = untypedValues(m).length;
        const f = check(m);
        expect(before, 'the file leaves values untyped (what the pass is for)').to.be.greaterThan(0);
        expect(f.untyped, 'values still without an element type').to.equal(0);
        expect(f.dtypeMisses).to.deep.equal([]);
        expect(f.shapeMisses).to.deep.equal([]);
        expect(f.conflicts).to.deep.equal([]);
        expect(f.notIdempotent).to.equal(false);
      });

      it(`${title}: onnxruntime agrees with every inferred type of the main graph (loaded as outputs)`, async () => {
        const m = load(file);
        infer(m);
        // Every node output of the main graph becomes a graph output: ORT checks the declared
        // types at load (it rejects a wrong element type) and gives the runtime shape of each.
        const exposed: Value[] = [];
        for (const n of m.graph) {
          for (const o of n.outputs) {
            if (o.name !== '' && o.type?.kind === 'tensor' && !o.isGraphOutput()) {
              m.graph.addOutput(o);
              exposed.push(o);
            }
          }
        }
        const r = await runOrt(m, ortFeeds(spec), 'exact');
        const wrong: string[] = [];
        for (const v of [...exposed, ...m.graph.outputs.filter((o) => o.producer() !== undefined)]) {
          const t = r[v.name]!;
          const shape = v.shape!;
          const dtypeOk = ORT_TYPE[v.dtype!] === t.type;
          const shapeOk = shape !== undefined && shape.length === t.dims.length && shape.every((d, k) => typeof d !== 'number' || d === t.dims[k]);
          if (!dtypeOk || !shapeOk) wrong.push(`${v.name}: inferred ${dataTypeText(v.dtype!)}[${shape?.join(',')}], ran as ${t.type}[${t.dims.join(',')}]`);
        }
        // Silero's main graph is little more than an If (its bodies are checked by the corpus runs).
        expect(exposed.length).to.be.greaterThan(0);
        expect(wrong).to.deep.equal([]);
      });
    }
  });

  describe(`ONNX backend test data (${TESTDATA_DIR}, ONNX_TESTDATA_DIR to override)`, () => {
    const files = testDataModels();
    if (files.length === 0) it.skip('test data not installed');
    const suites = new Map<string, string[]>();
    for (const f of files) {
      const s = path.basename(path.dirname(path.dirname(f)));
      suites.set(s, [...(suites.get(s) ?? []), f]);
    }
    for (const [suite, list] of suites) {
      it(`${suite} (${list.length} models): output element types re-inferred, no contradiction, idempotent, nothing untyped`, () => {
        const problems: string[] = [];
        for (const f of list) {
          const name = path.basename(path.dirname(f));
          const r = check(load(f));
          for (const x of [...r.dtypeMisses, ...r.shapeMisses, ...r.conflicts]) problems.push(`${name}: ${x}`);
          if (r.untyped > 0) problems.push(`${name}: ${r.untyped} untyped values`);
          if (r.notIdempotent) problems.push(`${name}: a second run changed the model`);
        }
        expect(problems).to.deep.equal([]);
      });
    }
  });

  it('shapes=false types every value of a real model without giving any node output a shape', () => {
    const file = modelFile(REAL_MODELS[5]!);
    if (file === undefined) return;
    const m = load(file);
    infer(m, { shapes: false });
    expect(untypedValues(m)).to.deep.equal([]);
    const shaped = [...walkGraphs(m)].flatMap((g) => [...graphValues(g)]).filter((v) => v.producer() !== undefined && !v.isGraphOutput() && v.shape !== undefined);
    expect(shaped.map((v) => v.name)).to.deep.equal([]);
  });
});

/** onnxruntime-node's names of element types. */
const ORT_TYPE: Readonly<Record<number, ort.Tensor.Type>> = {
  [DataType.FLOAT]: 'float32', [DataType.DOUBLE]: 'float64', [DataType.FLOAT16]: 'float16', [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32',
  [DataType.UINT32]: 'uint32', [DataType.INT64]: 'int64', [DataType.UINT64]: 'uint64', [DataType.BOOL]: 'bool',
  [DataType.STRING]: 'string',
};

import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import * as E from 'fp-ts/lib/Either.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DataType, cloneModel, countNodes, floatTensor, parseModel, structuralHash, tensorToNumbers, verify,
  type Diagnostic, type Model,
} from '@mixprec/ir';
import { initBackend } from '@mixprec/executor-tfjs';
import { createPassContext, createPassRegistry, runPipeline, type Pass } from '@mixprec/passes';
import {
  FOLD_CONSTANTS_EVALUATOR, createFoldConstants, foldConstants, foldConstantsConfigKeys, transformPasses, type Evaluator,
} from '../src/index.js';
import { executorEvaluator } from './executor-evaluator.js';
import { REAL_MODELS } from '@mixprec/testing';
import { load, maxDiff, modelFile, ortFeeds, runOrt } from './real-models.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

/** Runs `pass` with verifyEach; returns the diagnostics and `modified`. */
function run(m: Model, pass: Pass, config: Record<string, unknown> = {}): { diags: Diagnostic[]; modified: boolean } {
  const diags: Diagnostic[] = [];
  const registry = createPassRegistry({ passes: transformPasses, configKeys: foldConstantsConfigKeys });
  const ctx = createPassContext({ registry, verifyEach: true, config, report: (d) => void diags.push(d) });
  if (E.isLeft(ctx)) throw new Error(ctx.left.message);
  const r = runPipeline(m, pass, ctx.right);
  if (E.isLeft(r)) throw new Error(String(r.left.cause));
  return { diags, modified: r.right.modified };
}

const CONV = `<ir_version: 8, opset_import: ["" : 17]>
main (float[1,1,3,3] X) => (float[1,1,2,2] Y)
<float[1,1,3,3] A = {1, 2, 3, 4, 5, 6, 7, 8, 9}, float[1,1,2,2] K = {1, 0, 0, -1}>
{
  c = Conv (A, K)
  Y = Add (c, c)
}`;

describe('fold-constants', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('takes a pluggable Evaluator from the factory: the reference executor folds a Conv the built-in one cannot', () => {
    const m = parse(CONV);
    expect(run(m, foldConstants()).modified).to.equal(false);
    const r = run(m, createFoldConstants(executorEvaluator)());
    expect(r.modified).to.equal(true);
    expect(countNodes(m)).to.equal(0);
    // Conv(A, K) = A[i,j] − A[i+1,j+1] = −4 everywhere, then Add doubles it (built-in evaluator).
    expect(tensorToNumbers(m.graph.initializers.get('Y')!.constValue!)).to.deep.equal([-8, -8, -8, -8]);
  });

  it('takes an Evaluator from the fold-constants.evaluator config key (tried first); other values are rejected', () => {
    const m = parse(CONV);
    const seen: string[] = [];
    const spy: Evaluator = { evaluate: (n, ins, info) => { seen.push(n.opType); return executorEvaluator.evaluate(n, ins, info); } };
    expect(run(m, foldConstants(), { [FOLD_CONSTANTS_EVALUATOR]: spy }).modified).to.equal(true);
    expect(seen).to.deep.equal(['Conv', 'Add']);
    const registry = createPassRegistry({ passes: transformPasses, configKeys: foldConstantsConfigKeys });
    const bad = createPassContext({ registry, config: { [FOLD_CONSTANTS_EVALUATOR]: 42 } });
    expect(E.isLeft(bad) && bad.left.message).to.match(/evaluate\(node, inputs, info\)/);
  });

  it('keeps the node and reports when an evaluator throws or contradicts the declared type', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
      main (float[2] X) => (float[2] Y) <float[2] W = {1, 2}> { w = Neg (W)  Y = Add (X, w) }`;
    const thrower: Evaluator = { evaluate: () => { throw new Error('boom'); } };
    const m1 = parse(text);
    const r1 = run(m1, createFoldConstants(thrower)());
    expect(r1.modified).to.equal(false);
    expect(r1.diags.map((d) => d.code)).to.deep.equal(['fold-constants-evaluator-error']);
    expect(r1.diags[0]!.message).to.contain('boom');
    const liar: Evaluator = { evaluate: () => [floatTensor([3], [1, 2, 3])] };
    const m2 = parse(text);
    const r2 = run(m2, createFoldConstants(liar)());
    expect(r2.modified).to.equal(false);
    expect(r2.diags.map((d) => d.code)).to.deep.equal(['fold-constants-type-mismatch']);
  });

  it('limits growth: max-growth bounds outputs over 4096 elements, inputs-sized outputs always fold', () => {
    const text = `<ir_version: 8, opset_import: ["" : 17]>
      main (float[8000] X) => (float[8000] Y) <int64[1] n = {8000}> { z = ConstantOfShape <value = float[1] {2}> (n)  Y = Mul (X, z) }`;
    const kept = parse(text);
    expect(run(kept, foldConstants()).modified).to.equal(false);
    const grown = parse(text);
    expect(run(grown, foldConstants({ maxGrowth: 8000 })).modified).to.equal(true);
    expect(grown.graph.initializers.get('z')!.constValue!.size).to.equal(8000);
    const capped = parse(text);
    expect(run(capped, foldConstants({ maxGrowth: 8000, sizeLimit: 7999 })).modified).to.equal(false);
  });

  it('is idempotent on every golden fixture (second run: modified false, same structural hash)', () => {
    const dir = path.join(here, 'fixtures', 'fold-constants');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.onnxtxt') && !x.endsWith('.expected.onnxtxt'))) {
      const m = parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      run(m, foldConstants());
      const h = structuralHash(m);
      expect(run(m, foldConstants()).modified, f).to.equal(false);
      expect(structuralHash(m), f).to.equal(h);
    }
  });

  it('folded graph outputs (initializers listed as outputs, in the main graph and in If bodies) load and run in onnxruntime', async () => {
    for (const name of ['arithmetic', 'subgraphs']) {
      const original = parse(fs.readFileSync(path.join(here, 'fixtures', 'fold-constants', `${name}.onnxtxt`), 'utf8'));
      const folded = cloneModel(original);
      run(folded, foldConstants());
      const feeds: Record<string, ort.Tensor> = { X: new ort.Tensor('float32', name === 'arithmetic' ? Float32Array.of(1, 2, 3, 4, 5, 6) : Float32Array.of(1, 2), name === 'arithmetic' ? [2, 3] : [2]) };
      for (const c of name === 'subgraphs' ? [true, false] : [true]) {
        if (name === 'subgraphs') feeds.C = new ort.Tensor('bool', Uint8Array.of(c ? 1 : 0), []);
        const want = await runOrt(original, feeds);
        const got = await runOrt(folded, feeds);
        expect(Object.keys(got).sort()).to.deep.equal(Object.keys(want).sort());
        expect(maxDiff(want, got).abs, `${name} cond=${c}`).to.equal(0);
      }
    }
  });

  describe('real models: infer-types,fold-constants,dce', () => {
    for (const m of REAL_MODELS) {
      const file = modelFile(m);
      const title = path.basename(m.spec);
      if (file === undefined) {
        it.skip(`${title} (not installed)`);
        continue;
      }
      it(`${title}: verifier clean, bit-identical in onnxruntime without its optimiser and weight prepacking`, async () => {
        const original = load(file);
        const folded = cloneModel(original);
        const registry = createPassRegistry({ passes: transformPasses });
        const p = registry.parse('infer-types,fold-constants,dce');
        if (E.isLeft(p)) throw new Error(p.left.message);
        const r = run(folded, p.right);
        expect(r.diags.filter((d) => d.severity !== 'info')).to.deep.equal([]);
        expect(verify(folded).filter((d) => d.severity === 'error')).to.deep.equal([]);
        expect(countNodes(folded)).to.be.at.most(countNodes(original));
        const feeds = ortFeeds(m);
        // ORT fuses differently around folded shapes and prepacks weights that became initializers
        // (≤ 1e-6 apart on PP-OCRv4 rec and Silero v5): bit-identical once both are off.
        const d = maxDiff(await runOrt(original, feeds, 'exact'), await runOrt(folded, feeds, 'exact'));
        expect(d.abs).to.equal(0);
        const o = maxDiff(await runOrt(original, feeds), await runOrt(folded, feeds));
        expect(o.abs).to.be.at.most(1e-5 * Math.max(1, o.scale));
      });
    }
  });

  it('turns a FLOAT weight behind Cast(to=FLOAT16) into a FLOAT16 initializer', () => {
    const m = parse(`<ir_version: 8, opset_import: ["" : 17]>
      main (float16[3] X) => (float16[3] Y) <double[3] W = {0.1, 1.00048828125000090949, 1e5}> { w = Cast <to = 10> (W)  Y = Add (X, w) }`);
    const r = run(m, foldConstants());
    const w = m.graph.initializers.get('w')!.constValue!;
    expect(w.dtype).to.equal(DataType.FLOAT16);
    // 1 + 2^-11 + 2^-40 rounds up once from the double (via float32 it would tie down to 1).
    expect(tensorToNumbers(w)).to.deep.equal([0.0999755859375, 1.0009765625, Infinity]);
    expect(r.diags.map((d) => d.code)).to.deep.equal(['fold-constants-overflow']);
  });
});

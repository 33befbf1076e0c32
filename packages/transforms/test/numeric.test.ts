import { expect } from 'chai';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloneModel, parseModel, type Model, type Tensor } from '@mixprec/ir';
import { runModel } from '@mixprec/executor-tfjs';
import { createPassContext, createPassRegistry, runPipeline } from '@mixprec/passes';
import { compareTensors, loadGoldenCases, randomFeeds, type Tolerance } from '@mixprec/testing';
import { transformAliases, transformPasses } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const registry = createPassRegistry({ passes: transformPasses, aliases: transformAliases });
const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** Fixtures the reference executor cannot run, with the reason. */
const NOT_RUNNABLE: Readonly<Record<string, string>> = {};

/** Fixtures whose rewrite may change values on purpose, with their tolerance. */
const TOLERANCE: Readonly<Record<string, Tolerance>> = {
  // allow-precision-change drops an fp16 and an fp32 rounding step.
  'cast-cleanup/lossy-allowed': { rtol: 1e-3, atol: 1e-6 },
};

function parse(text: string): Model {
  const r = parseModel(text);
  if (r._tag === 'Left') throw new Error(r.left.message);
  return r.right;
}

async function outputs(m: Model, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const r = await runModel(m, feeds, { backend: 'cpu', seed: 1 });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return { ...r.right.outputs };
}

describe('numerics: original vs rewritten on the reference executor', () => {
  for (const c of loadGoldenCases(path.join(here, 'fixtures'))) {
    const reason = NOT_RUNNABLE[c.name];
    if (reason !== undefined) {
      it.skip(`${c.name} (${reason})`);
      continue;
    }
    it(`${c.name}: same outputs for 4 seeded feeds`, async () => {
      const original = parse(c.source);
      const rewritten = cloneModel(original);
      const pass = registry.parse(c.pipeline);
      if (pass._tag === 'Left') throw new Error(pass.left.message);
      const ctx = createPassContext({ registry, optLevel: 3, report: () => undefined });
      if (ctx._tag === 'Left') throw new Error(ctx.left.message);
      const r = runPipeline(rewritten, pass.right, ctx.right);
      if (r._tag === 'Left') throw new Error(r.left.message);
      for (let seed = 1; seed <= 4; seed++) {
        const feeds = randomFeeds(original, seed, { intRange: [0, 3] });
        const want = await outputs(original, feeds);
        const got = await outputs(rewritten, feeds);
        expect(Object.keys(got)).to.deep.equal(Object.keys(want));
        for (const [name, t] of Object.entries(want)) {
          const diff = compareTensors(got[name]!, t, TOLERANCE[c.name] ?? EXACT);
          expect(diff, `${c.name} output '${name}' (seed ${seed})`).to.equal(undefined);
        }
      }
    });
  }
});

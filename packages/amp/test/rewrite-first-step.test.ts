import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { printModel } from '@mixprec/ir';
import { runAmp } from '../src/amp-pass.js';
import { analyse } from '../src/analysis.js';
import { resolveAmpOptions, type AmpOptions } from '../src/options.js';
import { applyPlan } from '../src/rewrite.js';
import { parse } from './helpers.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'amp');
const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.onnxtxt') && !f.endsWith('.expected.onnxtxt')).sort();

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

// The rewrite that follows the analysis visits only the graph inputs and constants the analysis
// lists (its first step); `applyPlan` on a plan alone visits every planned value. Same result.
describe('rewrite: the listed first step equals the walk over every planned value', () => {
  const variants: AmpOptions[] = [{}, { keepIoTypes: true, policy: 'balanced' }, { target: 'bfloat16', policy: 'bf16' }];
  for (const file of cases) {
    it(file, () => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const options of variants) {
        const r = resolveAmpOptions(options);
        if (r._tag === 'Left') throw new Error(r.left.message);
        const a = parse(text);
        const b = parse(text);
        const viaRun = outcome(() => runAmp(a, r.right).log);
        const viaPlan = outcome(() => applyPlan(b, analyse(b, r.right)));
        expect(viaRun, `${file} ${JSON.stringify(options)} log`).to.deep.equal(viaPlan);
        expect(printModel(a), `${file} ${JSON.stringify(options)}`).to.equal(printModel(b));
      }
    });
  }
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DataType, type Tensor } from '@mixprec/ir';
import { generateInputs } from '@mixprec/executor-tfjs';
import { bytesOf, closeTo, execute, feedsFor, parse, runOn, runOrt } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.join(here, 'fixtures', 'amp');

/** `# RANGE: X=-1,1` lines: input value ranges for the seeded feeds. */
function ranges(src: string): Record<string, readonly [number, number]> {
  const out: Record<string, readonly [number, number]> = {};
  for (const m of src.matchAll(/^#\s*RANGE:\s*(\S+)=(\S+),(\S+)\s*$/gm)) out[m[1]!] = [Number(m[2]), Number(m[3])];
  return out;
}

function compareAll(got: Record<string, Tensor>, ref: Record<string, Tensor>, rel: number, what: string): void {
  for (const [name, r] of Object.entries(ref)) {
    const g = got[name];
    expect(g, `${what}: output '${name}' missing`).to.not.equal(undefined);
    const bad = closeTo(g!, r, rel);
    expect(bad, `${what}: output '${name}': ${bad}`).to.equal(undefined);
  }
}

// Every golden case, numerically: the FP32 original against the converted model on seeded
// inputs, on the reference executor (exact 16-bit emulation) and in onnxruntime-node (which must
// load and run every converted model); then converting again must not change a byte.
describe('amp numerics (every golden case)', () => {
  const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.onnxtxt') && !f.endsWith('.expected.onnxtxt')).sort();
  for (const f of cases) {
    it(f.replace(/\.onnxtxt$/, ''), async () => {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      const pipeline = /^#\s*RUN:\s*(.*)$/m.exec(src)![1]!.trim();
      const orig = parse(src);
      const conv = parse(src);
      runOn(conv, pipeline);
      const bf16 = conv.graph.inputs.some((v) => v.dtype === DataType.BFLOAT16) || /bfloat16|bf16/.test(pipeline);
      const rel = bf16 ? 0.05 : 0.02;
      const feeds = generateInputs(orig, { seed: 11, ranges: ranges(src), defaultDim: 2 });
      const ref = await execute(orig, feeds);
      const got = await execute(conv, feedsFor(conv, feeds));
      compareAll(got, ref, rel, 'executor');
      if (!bf16 && !/^#\s*ORT:\s*skip/m.test(src)) {
        const refOrt = await runOrt(orig, feeds);
        const gotOrt = await runOrt(conv, feedsFor(conv, feeds));
        compareAll(gotOrt, refOrt, rel, 'onnxruntime-node');
      }
      const once = bytesOf(conv);
      runOn(conv, pipeline);
      expect(Buffer.from(bytesOf(conv)).equals(Buffer.from(once)), 'a second conversion changed the encoded model').to.equal(true);
    });
  }
});

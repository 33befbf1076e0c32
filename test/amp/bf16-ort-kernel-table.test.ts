import { expect } from 'chai';
import { createRequire } from 'node:module';
import { DataType, type LowPrecisionFloat } from '@mixprec/ir';
import { ortCpuKernelTable } from '@mixprec/amp';
import { CASES } from '../../packages/amp/scripts/probe-ort/cases.js';
import { tableOf } from '../../packages/amp/scripts/probe-ort/emit.js';
import { sweep } from '../../packages/amp/scripts/probe-ort/sweep.js';

/**
 * The committed onnxruntime CPU kernel tables (packages/amp/src/runtime-gaps-bf16.ts and
 * runtime-gaps-fp16.ts) are what the installed onnxruntime-node does: the probe of
 * packages/amp/scripts/probe-ort-kernels.ts runs again (every ai.onnx op admitting the type, at
 * every opset from 6 to 26, FLOAT control beside it) and must give the same table. After an
 * onnxruntime upgrade, regenerate them with `npx tsx scripts/probe-ort-kernels.ts --target
 * bfloat16 --write` (and float16) in packages/amp, and review the diff.
 */
describe('amp runtime gaps: the committed kernel tables match the installed onnxruntime-node', function () {
  this.timeout(300000);
  const version = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

  for (const target of [DataType.BFLOAT16, DataType.FLOAT16] as LowPrecisionFloat[]) {
    const committed = ortCpuKernelTable(target);
    it(`${committed.target}: re-measured, op by op and opset by opset`, async () => {
      expect(committed.runtime, 'the table was measured with another onnxruntime-node').to.equal(`onnxruntime-node ${version} CPU`);
      const problems: string[] = [];
      const rows = await sweep(target, CASES, undefined, (s) => { if (s.startsWith('!!') && !s.includes('control no-kernel')) problems.push(s); });
      expect(problems, 'probe cases whose FLOAT control fails').to.deep.equal([]);
      const { table, conditions } = tableOf(rows);
      expect(Object.fromEntries(conditions)).to.deep.equal(committed.conditions);
      const measured = Object.fromEntries([...table].map(([k, steps]) => [k, steps.map(([o, s]) => `${o}:${s}`).join(' ')]));
      const stored = Object.fromEntries(Object.entries(committed.ops).map(([k, steps]) => [k, steps.map(([o, s]) => `${o}:${s}`).join(' ')]));
      expect(measured).to.deep.equal(stored);
    });
  }
});

import { expect } from 'chai';
import * as path from 'node:path';
import { initBackend, supportedOps } from '@mixprec/executor-tfjs';
import { listCases, nodeTestRoot, runCase, summarise, type CaseResult } from './node-cases.js';

/**
 * Every ONNX backend node test (model + test_data_set_N) on the tfjs executor, compared with
 * allclose(rtol=1e-3, atol=1e-7). Prints the failing and unsupported cases and the numbers.
 */
describe('ONNX backend node tests on the tfjs executor', function () {
  const root = nodeTestRoot();
  const cases = listCases(root);
  let results: CaseResult[] = [];

  before(async function () {
    if (cases.length === 0) this.skip();
    const backend = await initBackend();
    const t0 = performance.now();
    results = cases.map((c) => runCase(path.join(root, c)));
    const s = summarise(results);
    const ms = performance.now() - t0;
    const list = (status: string): string => results.filter((r) => r.status === status).map((r) => `    ${r.name}: ${r.detail ?? ''}`.slice(0, 240)).join('\n');
    const covered = new Set(results.filter((r) => r.status === 'pass').flatMap((r) => r.ops));
    process.stdout.write([
      `  backend ${backend}, ${cases.length} cases in ${(ms / 1000).toFixed(1)} s`,
      `  pass ${s.pass}, fail ${s.fail}, unsupported ${s.unsupported}, harness ${s.harness}, random (dtype/shape only) ${s.random}`,
      `  pass rate over supported cases: ${(100 * s.passRate).toFixed(2)} %`,
      `  op types in passing cases: ${covered.size}; executor op types: ${supportedOps().length}`,
      `  failing:\n${list('fail') || '    (none)'}`,
      `  unsupported:\n${list('unsupported') || '    (none)'}`,
      '',
    ].join('\n'));
  });

  it('passes at least 99 % of the cases whose ops are supported', () => {
    expect(summarise(results).passRate).to.be.at.least(0.99);
  });

  it('covers at least 130 op types in passing cases', () => {
    expect(new Set(results.filter((r) => r.status === 'pass').flatMap((r) => r.ops)).size).to.be.at.least(130);
  });

  it('reads every case (no harness failures)', () => {
    expect(results.filter((r) => r.status === 'harness').map((r) => r.name)).to.deep.equal([]);
  });
});

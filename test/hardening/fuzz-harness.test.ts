/**
 * The fuzz harness judges correctly: an escaping exception is a crash, a failed or unjustified
 * allocation is oom, a multi-line message is a crash, a case that never returns is a hang and
 * a process that dies is a crash — and the campaign goes on after each.
 */
import { expect } from 'chai';
import { err, ok } from '@mixprec/ir';
import { badMessage, runCase } from '../fuzz/harness.js';
import { baseGraph, encode, model } from '../fuzz/proto-build.js';
import { createSandbox, removeSandbox, type Sandbox } from '../fuzz/sandbox.js';
import type { ConversionStep } from '../fuzz/steps.js';
import { runFuzz } from '../fuzz/supervisor.js';

function fakeStep(run: ConversionStep['run']): ConversionStep {
  return { name: 'cleanup', description: 'a fake step for the self-test', cliCommand: 'opt', cliArgs: [], run };
}

describe('hardening: the fuzz harness judges outcomes correctly', function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  const bytes = encode(model(baseGraph()));
  before(() => {
    sandbox = createSandbox();
  });
  after(() => removeSandbox(sandbox));

  it('valid, typed-error, crash and oom in process', () => {
    expect(runCase(bytes, sandbox, fakeStep(() => ok(undefined))).outcome).to.equal('valid');
    expect(runCase(bytes, sandbox, fakeStep(() => err('unsupported: nothing to do'))).outcome).to.equal('typed-error');
    expect(runCase(bytes, sandbox, fakeStep(() => err('two\nlines'))).outcome).to.equal('crash');
    const thrown = runCase(bytes, sandbox, fakeStep(() => {
      throw new TypeError('x is not a function');
    }));
    expect([thrown.outcome, thrown.stage, thrown.message]).to.deep.equal(['crash', 'convert', 'TypeError: x is not a function']);
    const failed = runCase(bytes, sandbox, fakeStep(() => {
      new Float64Array(2 ** 40);
      return ok(undefined);
    }));
    expect(failed.outcome).to.equal('oom');
    let hold: Uint8Array | undefined;
    const greedy = runCase(bytes, sandbox, fakeStep(() => {
      hold = new Uint8Array(128 * 1024 * 1024).fill(1); // 128 MiB for a ~100-byte file
      return ok(undefined);
    }));
    expect(hold?.length).to.equal(128 * 1024 * 1024);
    expect(greedy.outcome, greedy.message).to.equal('oom');
  });

  it('a step that breaks the model or the interface is caught', () => {
    const broken = runCase(bytes, sandbox, fakeStep((m) => {
      m.graph.outputs[0]!.name = 'renamed';
      return ok(undefined);
    }));
    expect(broken.outcome, broken.message).to.be.oneOf(['contract', 'crash']);
  });

  it('messages: one line naming the file', () => {
    expect(badMessage('f.onnx: invalid model: x', 'f.onnx')).to.equal(undefined);
    expect(badMessage('invalid model: x', 'f.onnx')).to.equal('message does not name the file');
    expect(badMessage('f.onnx: a\nb', 'f.onnx')).to.equal('multi-line message');
  });

  it('the supervisor records a hang and a dead worker, restarts, and finishes the other cases', async () => {
    process.env['MIXPREC_FUZZ_SELFTEST_HANG'] = '2';
    process.env['MIXPREC_FUZZ_SELFTEST_ABORT'] = '4';
    let s;
    try {
      s = await runFuzz({ seed: 1, cases: 6, jobs: 1, step: 'cleanup', timeoutMs: 3000, cliEvery: 0 });
    } finally {
      delete process.env['MIXPREC_FUZZ_SELFTEST_HANG'];
      delete process.env['MIXPREC_FUZZ_SELFTEST_ABORT'];
    }
    expect(s.cases).to.equal(6);
    expect(s.failures.map((f) => [f.index, f.outcome])).to.deep.equal([[2, 'hang'], [4, 'crash']]);
    expect(s.workerRestarts).to.equal(2);
  });
});

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { PreconditionError, printModel } from '@mixprec/ir';
import {
  PassFailureError, VerifyError, definePass, formatPassFailure, runPass, runPipeline, sequential,
  type PassInstrument,
} from '../src/index.js';
import { breakGraph, ctxOf, explode, noop, parseOrThrow, registry, renameFirst, smallModel } from './helpers.js';

/** Records every hook call as `hook:pass`. */
function recorder(log: string[], veto: readonly string[] = []): PassInstrument {
  return {
    name: 'recorder',
    shouldRun: (_m, info) => !veto.includes(info.name),
    runBeforePass: (_m, info) => void log.push(`before:${info.name}`),
    runAfterPass: (_m, info, r) => void log.push(`after:${info.name}:${r.modified}`),
    runAfterPassFailed: (_m, info, f) => void log.push(`failed:${info.name}:${f.pass}`),
  };
}

describe('pass manager', () => {
  it('runs passes in order and ORs modified', () => {
    const log: string[] = [];
    const r = runPipeline(smallModel(), parseOrThrow('noop,rename-first,noop'), ctxOf({ instruments: [recorder(log)] }));
    expect(r).to.deep.equal(E.right({ modified: true }));
    expect(log).to.deep.equal([
      'before:pipeline', 'before:noop', 'after:noop:false', 'before:rename-first', 'after:rename-first:true',
      'before:noop', 'after:noop:false', 'after:pipeline:true',
    ]);
  });

  it('gates by opt level: disabled wins, required overrides the level', () => {
    const run = (o: Parameters<typeof ctxOf>[0]) => {
      const log: string[] = [];
      runPipeline(smallModel(), parseOrThrow('noop,rename-first,tunable'), ctxOf({ ...o, instruments: [recorder(log)] }));
      return log.filter((l) => l.startsWith('before:') && l !== 'before:pipeline').map((l) => l.slice(7));
    };
    expect(run({ optLevel: 0 })).to.deep.equal(['noop']);
    expect(run({ optLevel: 1 })).to.deep.equal(['noop', 'rename-first']);
    expect(run({ optLevel: 2 })).to.deep.equal(['noop', 'rename-first', 'tunable']);
    expect(run({ optLevel: 0, requiredPasses: ['tunable'] })).to.deep.equal(['noop', 'tunable']);
    expect(run({ optLevel: 3, disabledPasses: ['rename-first'] })).to.deep.equal(['noop', 'tunable']);
    expect(run({ optLevel: 3, requiredPasses: ['noop'], disabledPasses: ['noop'] })).to.deep.equal(['rename-first', 'tunable']);
  });

  it('lets any instrument veto a pass through shouldRun', () => {
    const log: string[] = [];
    const m = smallModel();
    const r = runPipeline(m, parseOrThrow('rename-first'), ctxOf({ instruments: [recorder(log, ['rename-first'])] }));
    expect(r).to.deep.equal(E.right({ modified: false }));
    expect(log).to.deep.equal([]);
    expect(m.graph.first!.name).to.not.equal('renamed');
  });

  it('runs info.required prerequisites first, resolved through the registry', () => {
    const needs = definePass({ name: 'needs-rename', description: 'x', optLevel: 0, required: ['rename-first'], run: () => ({ modified: false }) });
    const reg = registry.extend({ passes: [needs] });
    const log: string[] = [];
    const m = smallModel();
    const ctx = ctxOf({ registry: reg, optLevel: 0, instruments: [recorder(log)] });
    const r = runPipeline(m, needs(), ctx);
    // rename-first (level 1) runs although the context level is 0: prerequisites are forced.
    expect(log).to.deep.equal(['before:rename-first', 'after:rename-first:true', 'before:needs-rename', 'after:needs-rename:false']);
    expect(r).to.deep.equal(E.right({ modified: true }));
    const noReg = runPipeline(smallModel(), needs(), { ...ctxOf(), registry: undefined });
    expect(E.isLeft(noReg) && noReg.left.message).to.match(/Pass 'needs-rename' requires 'rename-first', but the context has no registry/);
  });

  it('turns a throw into a PassFailure naming the pass, the passes before it and the pipeline', () => {
    const log: string[] = [];
    const text = 'noop,fixpoint(rename-first{to=a}),explode,noop';
    const r = runPipeline(smallModel(), parseOrThrow(text), ctxOf({ instruments: [recorder(log)] }));
    if (E.isRight(r)) throw new Error('expected a failure');
    const f = r.left;
    expect(f.pass).to.equal('explode');
    expect(f.passText).to.equal('explode');
    expect(f.previousPasses).to.deep.equal(['noop', 'rename-first{to=a}', 'rename-first{to=a}']);
    expect(f.pipeline).to.equal(text);
    expect((f.cause as Error).message).to.equal('boom');
    expect(f.irBefore).to.equal(undefined);
    expect(f.message).to.equal(`Pass 'explode' failed after rename-first{to=a}: Error: boom (pipeline: ${text})`);
    expect(log.slice(-3)).to.deep.equal(['before:explode', 'failed:explode:explode', 'failed:pipeline:explode']);
    expect(formatPassFailure(f)).to.contain(`reproduce with the pipeline: ${text}`);
  });

  it('captures the IR before the failing pass when asked', () => {
    const m = smallModel();
    const expected = printModel(m);
    const r = runPipeline(m, explode(), ctxOf({ captureIrBefore: true }));
    expect(E.isLeft(r) && r.left.irBefore).to.equal(expected);
  });

  it('verifies after each leaf pass when verifyEach is set', () => {
    const text = 'noop,break-graph,noop';
    const unchecked = runPipeline(smallModel(), parseOrThrow(text), ctxOf());
    expect(E.isRight(unchecked)).to.equal(true);
    const r = runPipeline(smallModel(), parseOrThrow(text), ctxOf({ verifyEach: true }));
    if (E.isRight(r)) throw new Error('expected a verify failure');
    expect(r.left.pass).to.equal('break-graph');
    expect(r.left.cause).to.be.instanceOf(VerifyError);
    expect(r.left.diagnostics!.length).to.be.greaterThan(0);
    expect(r.left.message).to.match(/^Pass 'break-graph' failed after noop: VerifyError: Pass 'break-graph' left an invalid model: \[/);
  });

  it('balances before/after hooks when an instrument throws', () => {
    const log: string[] = [];
    const bad: PassInstrument = { name: 'bad', runAfterPass: (_m, info) => { if (info.name === 'noop') throw new Error('instrument bug'); } };
    const r = runPipeline(smallModel(), parseOrThrow('rename-first,noop'), ctxOf({ instruments: [recorder(log), bad] }));
    expect(E.isLeft(r) && r.left.pass).to.equal('noop');
    expect(E.isLeft(r) && (r.left.cause as Error).message).to.equal('instrument bug');
    // The recorder closed noop with runAfterPass already, so it only sees the pipeline fail.
    expect(log).to.deep.equal(['before:pipeline', 'before:rename-first', 'after:rename-first:true', 'before:noop', 'after:noop:false', 'failed:pipeline:noop']);
  });

  it('reports errors thrown by runAfterPassFailed instead of masking the failure', () => {
    const ctx = ctxOf({ instruments: [{ name: 'loud', runBeforePass: () => undefined, runAfterPassFailed: () => { throw new Error('oops'); } }] });
    const r = runPipeline(smallModel(), explode(), ctx);
    expect(E.isLeft(r) && (r.left.cause as Error).message).to.equal('boom');
    expect(ctx.diagnostics.map((d) => d.code)).to.deep.equal(['instrument-failed']);
  });

  it('runPass outside runPipeline throws PassFailureError from composites', () => {
    const p = sequential('s', [noop(), explode()]);
    expect(() => p.run(smallModel(), ctxOf())).to.throw(PassFailureError, /Pass 'explode' failed after noop/);
    expect(runPass(smallModel(), renameFirst(), ctxOf())).to.deep.equal({ modified: true });
  });

  it('does not swallow programming errors of the caller', () => {
    expect(() => renameFirst({ to: 3 as unknown as string })).to.throw(PreconditionError);
  });

  it('passes no state between runs: the same pipeline object runs twice alike', () => {
    const p = parseOrThrow('rename-first{to=z}');
    expect(runPipeline(smallModel(), p, ctxOf())).to.deep.equal(E.right({ modified: true }));
    expect(runPipeline(smallModel(), p, ctxOf())).to.deep.equal(E.right({ modified: true }));
    void breakGraph;
  });
});

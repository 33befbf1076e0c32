import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { parseModel, printModel } from '@mixprec/ir';
import {
  createIrPrinterInstrument, createModifiedCheckInstrument, createTimingInstrument, formatIrDump, irDumpFileName,
  runPipeline, type IrDump,
} from '../src/index.js';
import { ctxOf, parseOrThrow, smallModel } from './helpers.js';

describe('instruments', () => {
  it('timing: per-pass self and total times from a fake clock, totals over the outermost passes', () => {
    let t = 0;
    const timing = createTimingInstrument({ now: () => (t += 1) });
    runPipeline(smallModel(), parseOrThrow('noop,fixpoint(rename-first),noop'), ctxOf({ instruments: [timing] }));
    const e = timing.entries();
    expect(e.map((x) => [x.name, x.runs, x.modifiedRuns, x.composite])).to.deep.equal([
      ['pipeline', 1, 1, true], ['noop', 2, 0, false], ['fixpoint', 1, 1, true], ['rename-first', 2, 1, false],
    ]);
    // Each leaf run takes exactly 1 tick (before reads t, after reads t+1).
    expect(e.find((x) => x.name === 'noop')!.totalMs).to.equal(2);
    expect(e.find((x) => x.name === 'rename-first')!.selfMs).to.equal(2);
    const sumSelf = e.reduce((s, x) => s + x.selfMs, 0);
    expect(sumSelf).to.equal(timing.totalMs());
    expect(timing.format()).to.match(/^Pass execution timing report: total \d+\.000 ms\n/);
    expect(timing.format()).to.contain('(fixpoint)');
  });

  it('ir printer: before/after selected passes, after change only, with file names', () => {
    const dumps: IrDump[] = [];
    const m = smallModel();
    const start = printModel(m);
    const ins = createIrPrinterInstrument({ before: ['rename-first'], afterChange: true, sink: (d) => void dumps.push(d) });
    runPipeline(m, parseOrThrow('noop,rename-first,rename-first'), ctxOf({ instruments: [ins] }));
    expect(dumps.map((d) => `${d.stage}:${d.pass}`)).to.deep.equal(['before:rename-first', 'after:rename-first', 'before:rename-first']);
    expect(dumps[0]!.text).to.equal(start);
    expect(dumps[1]!.text).to.equal(printModel(m));
    expect(dumps.map(irDumpFileName)).to.deep.equal(['001_before_rename-first.onnxtxt', '002_after_rename-first.onnxtxt', '003_before_rename-first.onnxtxt']);
  });

  it('ir printer: after failure with the reproducer pipeline, once, and the dump parses back', () => {
    const dumps: IrDump[] = [];
    const ins = createIrPrinterInstrument({ afterFailure: true, sink: (d) => void dumps.push(d) });
    runPipeline(smallModel(), parseOrThrow('rename-first,fixpoint(explode)'), ctxOf({ instruments: [ins] }));
    expect(dumps.length).to.equal(1);
    expect(dumps[0]!.stage).to.equal('after-failure');
    expect(dumps[0]!.pipeline).to.equal('rename-first,fixpoint(explode)');
    const file = formatIrDump(dumps[0]!);
    expect(file.split('\n').slice(0, 3)).to.deep.equal([
      "# IR after failure pass 'explode' (dump 1)",
      "# failure: Pass 'explode' failed after rename-first: Error: boom (pipeline: rename-first,fixpoint(explode))",
      '# reproduce with the pipeline: rename-first,fixpoint(explode)',
    ]);
    const back = parseModel(file);
    expect(E.isRight(back as E.Either<unknown, unknown>)).to.equal(true);
  });

  it('modified check: accepts honest passes, fails liars in both directions', () => {
    const honest = runPipeline(smallModel(), parseOrThrow('noop,rename-first,rename-first'), ctxOf({ instruments: [createModifiedCheckInstrument()] }));
    expect(E.isRight(honest)).to.equal(true);
    const lie = runPipeline(smallModel(), parseOrThrow('liar'), ctxOf({ instruments: [createModifiedCheckInstrument()] }));
    expect(E.isLeft(lie) && lie.left.message).to.match(/Pass 'liar' returned modified: true but the model is structurally unchanged/);
    const silent = runPipeline(smallModel(), parseOrThrow('silent-change'), ctxOf({ instruments: [createModifiedCheckInstrument()] }));
    expect(E.isLeft(silent) && silent.left.message).to.match(/Pass 'silent-change' changed the model but returned modified: false/);
  });
});

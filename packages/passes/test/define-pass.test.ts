import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { definePass, printPass } from '../src/index.js';
import { renameFirst, tunable } from './helpers.js';

describe('definePass', () => {
  it('exposes info, defaults and options in declaration order with kebab-case flags', () => {
    expect(tunable.info).to.deep.equal({ name: 'tunable', description: 'Options of every kind', optLevel: 2 });
    expect(tunable.options.map((o) => o.flag)).to.deep.equal(['policy', 'keep-io-types', 'threshold', 'steps', 'label', 'block-ops', 'mode']);
    expect(tunable.options[0]!.description).to.equal('Which lists to use');
    expect(tunable.options[0]!.type).to.equal('"aggressive" | "balanced"');
    expect(tunable.defaults.threshold).to.equal(0.5);
  });

  it('fills defaults and hands the decoded options to run', () => {
    let seen: unknown;
    const p = definePass({
      name: 'spy', description: 'x', optLevel: 0,
      options: t.strict({ a: t.number, b: t.boolean }), defaults: { a: 1, b: false },
      run(_m, _c, o) {
        seen = o;
        return { modified: false };
      },
    });
    p({ b: true }).run(undefined as never, undefined as never);
    expect(seen).to.deep.equal({ a: 1, b: true });
    expect(Object.isFrozen(seen)).to.equal(true);
  });

  it('rejects unknown options listing the valid ones', () => {
    const r = renameFirst.create({ tooo: 'x' });
    expect(E.isLeft(r)).to.equal(true);
    if (E.isLeft(r)) {
      expect(r.left.message).to.equal("Unknown option 'tooo' for pass 'rename-first'; did you mean 'to'? valid options of 'rename-first': to");
      expect(r.left.option).to.equal('tooo');
    }
    expect(() => renameFirst({ tooo: 'x' } as never)).to.throw(/Unknown option 'tooo'/);
  });

  it('rejects ill-typed options with the option name and the expected type', () => {
    const r = tunable.create({ policy: 'fast' });
    expect(E.isLeft(r) && r.left.message).to.equal(`option 'policy' of pass 'tunable': expected "aggressive" | "balanced", got "fast"`);
    const r2 = tunable.create({ steps: 1.5 });
    expect(E.isLeft(r2) && r2.left.message).to.match(/option 'steps' of pass 'tunable': expected Int, got 1.5/);
  });

  it('records only explicitly given options for printing', () => {
    expect(printPass(tunable({}))).to.equal('tunable');
    expect(printPass(tunable({ keepIOTypes: true, policy: 'aggressive' }))).to.equal('tunable{policy=aggressive keep-io-types=true}');
  });

  it('refuses explicit option values that have no pipeline spelling', () => {
    const nested = definePass({
      name: 'nested', description: 'x', optLevel: 0,
      options: t.strict({ grid: t.array(t.array(t.number)) }), defaults: { grid: [] },
      run: () => ({ modified: false }),
    });
    const r = nested.create({ grid: [[1, 2]] });
    expect(E.isLeft(r) && r.left.message).to.equal("Option 'grid' of pass 'nested' has a value with no pipeline spelling (use booleans, numbers, strings or lists)");
    expect(E.isRight(nested.create({}))).to.equal(true);
  });

  it('refuses bad names, missing defaults and invalid defaults', () => {
    expect(() => definePass({ name: 'Bad_Name', description: '', optLevel: 0, run: () => ({ modified: false }) })).to.throw(/kebab-case/);
    expect(() => definePass({ name: 'repeat', description: '', optLevel: 0, run: () => ({ modified: false }) })).to.throw(/not 'repeat'/);
    expect(() => definePass({
      name: 'x', description: '', optLevel: 0, options: t.strict({ a: t.number }), defaults: {} as { a: number }, run: () => ({ modified: false }),
    })).to.throw(/option 'a' has no default/);
    expect(() => definePass({
      name: 'x', description: '', optLevel: 0, options: t.strict({ a: t.number }), defaults: { a: 'no' as unknown as number }, run: () => ({ modified: false }),
    })).to.throw(/invalid defaults/);
  });
});

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type { Diagnostic } from '@mixprec/ir';
import { createPassContext, formatPassList, parseConfigAssignment } from '../src/index.js';
import { registry } from './helpers.js';

describe('pass context', () => {
  it('fills defaults: level 2, no verification, registered config defaults', () => {
    const r = createPassContext({ registry });
    if (E.isLeft(r)) throw new Error(r.left.message);
    expect(r.right.optLevel).to.equal(2);
    expect(r.right.verifyEach).to.equal(false);
    expect([...r.right.config]).to.deep.equal([['test.limit', 10]]);
  });

  it('validates config keys and values against the registry', () => {
    const ok = createPassContext({ registry, config: { 'test.limit': 3 } });
    expect(E.isRight(ok) && ok.right.config.get('test.limit')).to.equal(3);
    const unknown = createPassContext({ registry, config: { 'test.limt': 3 } });
    expect(E.isLeft(unknown) && unknown.left).to.deep.equal({
      _tag: 'UnknownConfigKey', key: 'test.limt', message: "Unknown config key 'test.limt'; did you mean 'test.limit'? valid config keys: test.limit",
    });
    const bad = createPassContext({ registry, config: new Map([['test.limit', 'many']]) });
    expect(E.isLeft(bad) && bad.left.message).to.equal(`config key 'test.limit': expected number, got "many"`);
    const none = createPassContext({ config: { x: 1 } });
    expect(E.isLeft(none) && none.left.message).to.equal("Unknown config key 'x'; there are no valid config keys");
  });

  it('rejects unknown required or disabled pass names', () => {
    const r = createPassContext({ registry, disabledPasses: ['nop'] });
    expect(E.isLeft(r) && r.left.message).to.match(/^Unknown pass 'nop' in the disabled passes; did you mean 'noop'\?/);
    expect(E.isRight(createPassContext({ registry, requiredPasses: ['O1', 'noop'] }))).to.equal(true);
  });

  it('sends diagnostics to the given sink, or collects them', () => {
    const seen: Diagnostic[] = [];
    const d: Diagnostic = { severity: 'warning', code: 'x', message: 'y' };
    const r = createPassContext({ report: (x) => void seen.push(x) });
    if (E.isLeft(r)) throw new Error('unexpected');
    r.right.report(d);
    expect(seen).to.deep.equal([d]);
    expect(r.right.diagnostics).to.deep.equal([]);
    const c = createPassContext();
    if (E.isLeft(c)) throw new Error('unexpected');
    c.right.report(d);
    expect(c.right.diagnostics).to.deep.equal([d]);
  });

  it('parses command-line config assignments with the key codec', () => {
    expect(parseConfigAssignment(registry, 'test.limit=4')).to.deep.equal(E.right(['test.limit', 4]));
    const bad = parseConfigAssignment(registry, 'test.limit=four');
    expect(E.isLeft(bad) && bad.left.message).to.equal("Config key 'test.limit' expects a number, got four");
    expect(E.isLeft(parseConfigAssignment(registry, 'test.limit'))).to.equal(true);
    expect(E.isLeft(parseConfigAssignment(registry, 'nope=1'))).to.equal(true);
  });

  it('lists passes, options, aliases and config keys', () => {
    const text = formatPassList(registry);
    expect(text).to.contain('  rename-first  (opt level 1)  Renames the first node\n      to: string = renamed');
    expect(text).to.contain('      policy: "aggressive" | "balanced" = balanced  Which lists to use');
    expect(text).to.contain('      block-ops: Array<string> = []');
    expect(text).to.contain('Pipeline aliases:\n  O1  Light\n      = noop,rename-first');
    expect(text).to.contain('Config keys:\n  test.limit: number = 10  A limit');
  });
});

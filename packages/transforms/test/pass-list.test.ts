import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { formatPassList, printPipeline } from '@mixprec/passes';
import { transformPasses } from '../src/index.js';
import { registry } from './helpers.js';

describe('transform pass list and registry', () => {
  it('registers every pass once, kebab-case, with a description and level', () => {
    expect(transformPasses.map((p) => p.info.name)).to.deep.equal(['dce', 'cse', 'eliminate-identity', 'topo-sort', 'constant-to-initializer', 'cast-cleanup', 'infer-types', 'fold-constants', 'fold-batchnorm']);
    for (const p of transformPasses) {
      expect(p.info.description.length).to.be.greaterThan(10);
      for (const o of p.options) expect(o.description, `${p.info.name} ${o.flag}`).to.not.equal('');
    }
    expect(Object.isFrozen(transformPasses)).to.equal(true);
  });

  it('lists options with their types and defaults', () => {
    const text = formatPassList(registry);
    expect(text).to.contain('  cast-cleanup  (opt level 1)  Merge duplicate Casts, drop no-op Casts and collapse exact Cast chains\n      allow-precision-change: boolean = false');
    expect(text).to.contain('      direction: "to-initializer" | "to-constant" = to-initializer');
    expect(text).to.contain('  cleanup  Graph cleanup');
  });

  it('parses and prints pipelines over these passes; bad options list the valid values', () => {
    const p = registry.parse('cleanup,cse{dedupe-initializers=true},constant-to-initializer{direction=to-constant}');
    expect(E.isRight(p) && printPipeline(p.right)).to.equal('cleanup,cse{dedupe-initializers=true},constant-to-initializer{direction=to-constant}');
    const bad = registry.parse('constant-to-initializer{direction=up}');
    expect(E.isLeft(bad) && bad.left.message).to.equal(`pipeline column 1: option 'direction' of pass 'constant-to-initializer': expected "to-initializer" | "to-constant", got "up"`);
  });
});

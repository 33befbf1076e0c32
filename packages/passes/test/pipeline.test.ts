import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { fixpoint, formatPipelineError, parsePipeline, printPipeline, repeat, sequential } from '../src/index.js';
import { noop, parseOrThrow, registry, renameFirst, tunable } from './helpers.js';

function parseError(text: string) {
  const r = parsePipeline(text, registry);
  if (E.isRight(r)) throw new Error(`expected '${text}' to fail`);
  return r.left;
}

describe('textual pipelines', () => {
  const canonical = [
    '',
    'noop',
    'noop,rename-first',
    'rename-first{to=x}',
    'fixpoint(noop,rename-first)',
    'fixpoint<3>(noop)',
    'repeat<2>(noop,fixpoint(rename-first))',
    'tunable{policy=aggressive keep-io-types=false threshold=0.25 steps=7 label="two words" block-ops=[Resize,Softmax] mode=2}',
    'tunable{label="say \\"hi\\" \\\\ bye"}',
    'tunable{label="" block-ops=[]}',
    'tunable{label="true" mode=auto}',
    'tunable{threshold=1e-7 label="a,b"}',
    'O1,O2',
    'noop,repeat<4>(O1,tunable{steps=1}),noop',
  ];
  for (const text of canonical) {
    it(`print∘parse is the identity on '${text}'`, () => {
      expect(printPipeline(parseOrThrow(text))).to.equal(text);
    });
  }

  it('prints non-canonical spellings canonically', () => {
    const cases: [string, string][] = [
      [' noop , rename-first ', 'noop,rename-first'],
      ['tunable{keep-io-types=true   policy=aggressive}', 'tunable{policy=aggressive keep-io-types=true}'],
      ['tunable{keepIOTypes=false}', 'tunable{keep-io-types=false}'],
      ['tunable{block-ops=Resize,Softmax}', 'tunable{block-ops=[Resize,Softmax]}'],
      ['tunable{block-ops=[ "Resize" , Softmax ]}', 'tunable{block-ops=[Resize,Softmax]}'],
      ['tunable{label=plain threshold=+2.50}', 'tunable{threshold=2.5 label=plain}'],
      ['tunable{label=123}', 'tunable{label="123"}'],
      ['fixpoint<16>(noop)', 'fixpoint(noop)'],
      ['fixpoint ( noop )', 'fixpoint(noop)'],
    ];
    for (const [input, out] of cases) expect(printPipeline(parseOrThrow(input)), input).to.equal(out);
  });

  it('gives options their codec types', () => {
    const p = parseOrThrow('tunable{block-ops=Resize mode=3 label=true}');
    expect(p.text).to.deep.equal({ kind: 'pass', name: 'tunable', options: [['label', 'true'], ['block-ops', ['Resize']], ['mode', 3]] });
  });

  it('expands aliases at run time but prints them by name', () => {
    const p = parseOrThrow('O2');
    expect(p.info.name).to.equal('O2');
    expect(p.text?.kind).to.equal('alias');
    if (p.text?.kind === 'alias') expect(printPipeline(p.text.body)).to.equal('O1,fixpoint(rename-first)');
  });

  it('prints passes built in code like parsed ones', () => {
    const p = sequential('mine', [noop(), fixpoint([renameFirst({ to: 'a' })], { maxIterations: 5 }), repeat([noop()], { steps: 2 })]);
    expect(printPipeline(p)).to.equal('noop,fixpoint<5>(rename-first{to=a}),repeat<2>(noop)');
    expect(printPipeline(parseOrThrow(printPipeline(p)))).to.equal(printPipeline(p));
    expect(printPipeline(sequential('outer', [p, tunable({ label: 'x y' })]))).to.equal('noop,fixpoint<5>(rename-first{to=a}),repeat<2>(noop),tunable{label="x y"}');
  });

  it('reports an unknown pass with its column and the valid candidates', () => {
    const e = parseError('noop,renam-first');
    expect(e.kind).to.equal('unknown-pass');
    expect(e.column).to.equal(6);
    expect(e.message).to.equal("pipeline column 6: unknown pass 'renam-first'; did you mean 'rename-first'? valid passes: O1, O2, break-graph, explode, fixpoint, liar, noop, rename-first, repeat, silent-change, tunable");
    expect(e.candidates).to.include('rename-first');
    expect(formatPipelineError(e)).to.equal(`${e.message}\n  noop,renam-first\n       ^`);
  });

  it('reports an unknown option with the valid options of the pass', () => {
    const e = parseError('tunable{polcy=x}');
    expect(e.kind).to.equal('unknown-option');
    expect(e.column).to.equal(9);
    expect(e.message).to.match(/unknown option 'polcy' for pass 'tunable'; did you mean 'policy'\? valid options of 'tunable': block-ops, keep-io-types, label, mode, policy, steps, threshold$/);
    expect(parseError('noop{a=1}').message).to.match(/'noop' has no options/);
  });

  it('reports ill-typed option values at the value column', () => {
    const e = parseError('tunable{keep-io-types=maybe}');
    expect(e.kind).to.equal('invalid-option');
    expect(e.column).to.equal(23);
    expect(e.message).to.equal("pipeline column 23: option 'keep-io-types' of pass 'tunable' expects true or false, got maybe");
    expect(parseError('tunable{policy=fast}').message).to.match(/expected "aggressive" \| "balanced", got "fast"/);
    expect(parseError('tunable{steps=2.5}').message).to.match(/expected Int, got 2.5/);
    expect(parseError('tunable{threshold=[1]}').message).to.match(/expects a number, got \[1\]/);
    expect(parseError('O1{x=1}').message).to.match(/'O1' is a pipeline alias and takes no options/);
  });

  it('reports syntax errors with a column', () => {
    const cases: [string, number, RegExp][] = [
      ['noop,', 6, /expected a pass name, found the end/],
      ['noop rename-first', 6, /expected ',' or the end of the pipeline, found 'r'/],
      ['repeat(noop)', 7, /expected '<' after 'repeat'/],
      ['repeat<0>(noop)', 8, /N ≥ 1/],
      ['repeat<2>noop', 10, /expected '\(' to open the body of 'repeat'/],
      ['fixpoint(noop', 14, /expected '\)' to close the body of 'fixpoint'/],
      ['fixpoint()', 10, /expected a pass name, found '\)'/],
      ['tunable{label="abc}', 15, /unterminated string/],
      ['tunable{label="a\\n"}', 17, /only \\" and \\\\ are escapes/],
      ['tunable{label}', 14, /expected '=' after option 'label'/],
      ['tunable{label=a label=b}', 17, /option 'label' is given twice/],
      ['tunable{block-ops=[a,b}', 23, /expected ']' to close the list/],
      ['tunable{label=a', 16, /expected a space or '}' after the value of 'label', found the end/],
      ['tunable{label=a"b"}', 16, /expected a space or '}'/],
    ];
    for (const [text, column, re] of cases) {
      const e = parseError(text);
      expect(e.kind, text).to.equal('syntax');
      expect(e.message, text).to.match(re);
      expect(e.column, text).to.equal(column);
    }
  });

  it('validates aliases when the registry is created', () => {
    expect(() => registry.extend({ aliases: [{ name: 'O3', description: '', pipeline: 'nope' }] })).to.throw(/Alias 'O3': pipeline column 1: unknown pass 'nope'/);
    expect(() => registry.extend({ aliases: [{ name: 'noop', description: '', pipeline: 'noop' }] })).to.throw(/clashes/);
    expect(() => registry.extend({ passes: [noop] })).to.throw(/registered twice/);
  });
});

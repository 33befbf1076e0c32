import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GoldenMismatchError, checkGoldenCase, loadGoldenCases, runGoldenCase, runGoldenDir } from '../src/index.js';
import { registry } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'sample');

function tempCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-golden-'));
  fs.cpSync(fixtures, dir, { recursive: true });
  return dir;
}

// The runner itself, on the sample fixtures: one describe per group, one it per case.
runGoldenDir(fixtures, { registry, update: false });

describe('golden runner', () => {
  it('loads cases with their RUN pipeline, sorted by group and name', () => {
    const cases = loadGoldenCases(fixtures);
    expect(cases.map((c) => [c.name, c.pipeline, c.idempotent])).to.deep.equal([
      ['drop-identity/chain', 'drop-identity', true],
      ['note/warns', 'note', true],
    ]);
  });

  it('renders diagnostics as # lines before the model', () => {
    const c = loadGoldenCases(fixtures).find((x) => x.group === 'note')!;
    const out = runGoldenCase(c, { registry });
    expect(out.actual.split('\n')[0]).to.equal('# warning [note] the graph has 1 node(s)');
    expect(out.actual).to.equal(out.expected);
  });

  it('shows a readable diff on mismatch and points to UPDATE_GOLDEN', () => {
    const dir = tempCopy();
    const c = loadGoldenCases(dir).find((x) => x.group === 'drop-identity')!;
    fs.writeFileSync(c.expectedFile, fs.readFileSync(c.expectedFile, 'utf8').replace('Y = Neg (a)', 'Y = Neg (b)'));
    let err: unknown;
    try {
      checkGoldenCase(c, { registry, update: false });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(GoldenMismatchError);
    const m = (err as GoldenMismatchError).message;
    expect(m).to.contain('drop-identity/chain: output differs from chain.expected.onnxtxt (RUN: drop-identity)');
    expect(m).to.contain('UPDATE_GOLDEN=1');
    expect(m).to.contain('-   Y = Neg (b)');
    expect(m).to.contain('+   Y = Neg (a)');
    expect((err as GoldenMismatchError).showDiff).to.equal(true);
  });

  it('rewrites expected files when updating, and creates missing ones', () => {
    const dir = tempCopy();
    const c = loadGoldenCases(dir).find((x) => x.group === 'drop-identity')!;
    fs.rmSync(c.expectedFile);
    expect(() => checkGoldenCase(c, { registry, update: false })).to.throw(/does not exist; run the tests with UPDATE_GOLDEN=1/);
    checkGoldenCase(c, { registry, update: true });
    expect(fs.readFileSync(c.expectedFile, 'utf8')).to.equal(fs.readFileSync(path.join(fixtures, 'drop-identity', 'chain.expected.onnxtxt'), 'utf8'));
  });

  it('fails a pipeline that is not idempotent unless the case says so', () => {
    const dir = tempCopy();
    const file = path.join(dir, 'note', 'warns.onnxtxt');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('# RUN: note', '# RUN: stamp'));
    const c = loadGoldenCases(dir).find((x) => x.group === 'note')!;
    expect(() => runGoldenCase(c, { registry })).to.throw(/is not idempotent: a second run reported modified: true and changed the model/);
    fs.writeFileSync(file, `# IDEMPOTENT: false\n${fs.readFileSync(file, 'utf8')}`);
    const c2 = loadGoldenCases(dir).find((x) => x.group === 'note')!;
    expect(c2.idempotent).to.equal(false);
    expect(runGoldenCase(c2, { registry }).actual).to.contain('metadata_props');
  });

  it('reports bad RUN lines and invalid inputs with the file name', () => {
    const dir = tempCopy();
    const file = path.join(dir, 'note', 'warns.onnxtxt');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('# RUN: note', '# RUN: nope'));
    const c = loadGoldenCases(dir).find((x) => x.group === 'note')!;
    expect(() => runGoldenCase(c, { registry })).to.throw(/warns\.onnxtxt: bad RUN line\npipeline column 1: unknown pass 'nope'/);
    fs.writeFileSync(file, 'no header\n');
    expect(() => loadGoldenCases(dir)).to.throw(/needs exactly one '# RUN: <pipeline>' line, found 0/);
  });
});

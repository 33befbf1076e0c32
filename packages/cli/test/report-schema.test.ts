import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { realModelPath } from '@mixprec/testing';
import { cli, tempDir } from './helpers.js';

const DOC = fileURLToPath(new URL('../../../docs/report-schema.md', import.meta.url));

/** Documented field paths: the first backticked token of each table row. */
function documented(): Set<string> {
  const out = new Set<string>();
  for (const line of fs.readFileSync(DOC, 'utf8').split('\n')) {
    const m = /^\| `([^`]+)` \|/.exec(line);
    if (m !== null) out.add(m[1]!);
  }
  return out;
}

/** A field is documented by its own row, or (an object grouping fields) by rows of its fields. */
function isDocumented(doc: ReadonlySet<string>, p: string): boolean {
  return doc.has(p) || [...doc].some((d) => d.startsWith(`${p}.`));
}

/** Every field path of a JSON value (`a.b[].c`); the two integer passes share `integers.<pass>`. */
function paths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null) paths(x, `${prefix}[]`, out);
    return out;
  }
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, x] of Object.entries(v)) {
    let p = prefix === '' ? k : `${prefix}.${k}`;
    p = p.replace(/^integers\.(int16|int64ToInt32)(?=\.|$)/, 'integers.<pass>');
    out.add(p);
    if (p.endsWith('.byRule')) continue; // keyed by rule name
    paths(x, p, out);
  }
  return out;
}

describe('docs/report-schema.md', () => {
  it('documents every field of real reports (float and integer parts, subgraphs, kept-for-range, retargeted casts)', async () => {
    const dir = tempDir();
    const found = new Set<string>();
    const runs: string[][] = [
      [realModelPath('silero-legacy'), '--int16', '--narrow-int64', '--keep-io-types'],
      [realModelPath('ppocr-cls'), '--policy', 'balanced', '--accumulation', 'materialize'],
    ];
    for (const [i, args] of runs.entries()) {
      const report = path.join(dir, `r${i}.json`);
      const r = await cli('convert', ...args, '-o', path.join(dir, `m${i}.onnx`), '--report', report, '-q');
      expect(r.code, r.stderr).to.equal(0);
      for (const p of paths(JSON.parse(fs.readFileSync(report, 'utf8')))) found.add(p);
    }
    const doc = documented();
    const missing = [...found].filter((p) => !isDocumented(doc, p));
    expect(missing, 'fields missing from docs/report-schema.md').to.deep.equal([]);
    expect(found.size).to.be.greaterThan(120);
  });

  it('has an example that is valid JSON with documented fields only', () => {
    const text = fs.readFileSync(DOC, 'utf8');
    const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).to.have.length(1);
    const example = JSON.parse(blocks[0]!) as { schema: string };
    expect(example.schema).to.equal('mixprec-report/1');
    const doc = documented();
    expect([...paths(example)].filter((p) => !isDocumented(doc, p))).to.deep.equal([]);
  });
});

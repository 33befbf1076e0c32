#!/usr/bin/env node
// Runs every workspace's tests through lerna (topological order, no bail) and ends
// with one line: `N passed, N failed`. Exit code 1 when any test or package failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-results-'));
// --no-sort: every package's tests run even when a package they depend on has failing tests
// (everything is built before the tests run, so the order does not matter).
const args = ['lerna', 'run', 'test', '--stream', '--no-bail', '--no-sort', '--concurrency', '1', ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, MIXPREC_RESULTS_DIR: dir, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
let passed = 0, failed = 0, pending = 0;
const failures = [];
for (const f of fs.readdirSync(dir).sort()) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  passed += c.passed; failed += c.failed; pending += c.pending;
  for (const t of c.failures) failures.push(`${f.replace(/\.json$/, '')}: ${t}`);
}
fs.rmSync(dir, { recursive: true, force: true });
if (failures.length > 0) {
  console.log('\nFailed tests:');
  for (const t of failures) console.log(`  - ${t}`);
}
if (r.status !== 0 && failed === 0) {
  console.log(`\nA package's test run exited with code ${r.status} without a failing test (crash or load error); see above.`);
  failed += 1;
}
if (pending > 0) console.log(`(${pending} pending)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || r.status !== 0 ? 1 : 0);

/**
 * Development entry point: `npx tsx test/conformance/sweep.ts [filter]` runs the node sweep
 * and prints every failing and unsupported case.
 */
import * as path from 'node:path';
import { initBackend } from '@mixprec/executor-tfjs';
import { listCases, nodeTestRoot, runCase, summarise } from './node-cases.js';

const filter = process.argv[2];
const backend = await initBackend((process.env['EXECUTOR_BACKEND'] as 'wasm' | 'cpu' | undefined) ?? undefined);
const root = nodeTestRoot();
const results = listCases(root).filter((c) => filter === undefined || c.includes(filter)).map((c) => runCase(path.join(root, c)));
const s = summarise(results);
for (const r of results) if (r.status !== 'pass' && r.status !== 'random') process.stdout.write(`${r.status.padEnd(11)} ${r.name}: ${(r.detail ?? '').slice(0, 300)}\n`);
process.stdout.write(`backend ${backend}: ${s.pass} pass, ${s.fail} fail, ${s.unsupported} unsupported, ${s.harness} harness, ${s.random} random (shape-checked); pass rate ${(100 * s.passRate).toFixed(2)}%\n`);
const slow = [...results].sort((a, b) => b.ms - a.ms).slice(0, 5).map((r) => `${r.name} ${r.ms.toFixed(0)}ms`);
process.stdout.write(`slowest: ${slow.join(', ')}\n`);

/**
 * Measures which ai.onnx ops onnxruntime-node's CPU execution provider loads and runs with
 * their float type groups in BFLOAT16 (or FLOAT16), and writes the table the `runtime` rule of
 * the amp analysis reads (src/runtime-gaps-bf16.ts, src/runtime-gaps-fp16.ts).
 *
 * For every ai.onnx op whose schema admits the target type, at every model opset from 6 to 26
 * (the newest onnxruntime-node 1.30 loads) where it does, a minimal model (all inputs graph
 * inputs, so nothing is constant-folded; float32 at the graph's interface, see buildProbe) is
 * loaded and run twice: with FLOAT as the control, and with the target type. A case whose control
 * fails is a broken case and is reported, not recorded; one whose control finds no kernel either
 * is recorded as `absent`.
 *
 * Run by hand from packages/amp (build the workspace packages first):
 *   npx tsx scripts/probe-ort-kernels.ts --target bfloat16 [--write] [--json FILE] [--op Pad,Add]
 *   npx tsx scripts/probe-ort-kernels.ts --target float16 [--write]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { DataType } from '@mixprec/ir';
import { CASES } from './probe-ort/cases.js';
import { emitTable, summarize } from './probe-ort/emit.js';
import { sweep } from './probe-ort/sweep.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

const targetName = arg('--target') ?? 'bfloat16';
if (targetName !== 'bfloat16' && targetName !== 'float16') {
  process.stderr.write(`--target: '${targetName}' is not bfloat16 or float16\n`);
  process.exit(2);
}
const target = targetName === 'bfloat16' ? DataType.BFLOAT16 : DataType.FLOAT16;
const only = arg('--op') === undefined ? undefined : new Set(arg('--op')!.split(','));
const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;

const started = Date.now();
const rows = await sweep(target, CASES, only, (s) => process.stderr.write(`${s}\n`));
process.stdout.write(`${summarize(rows, targetName)}\n(${rows.length} measurements in ${((Date.now() - started) / 1000).toFixed(1)} s, onnxruntime-node ${ortVersion})\n`);

const json = arg('--json');
if (json !== undefined) fs.writeFileSync(json, `${JSON.stringify(rows, null, 1)}\n`);
if (process.argv.includes('--write')) {
  if (only !== undefined) {
    process.stderr.write('--write needs the full sweep (drop --op)\n');
    process.exit(2);
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  const file = path.join(here, '..', 'src', targetName === 'bfloat16' ? 'runtime-gaps-bf16.ts' : 'runtime-gaps-fp16.ts');
  fs.writeFileSync(file, emitTable(rows, targetName, ortVersion));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

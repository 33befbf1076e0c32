#!/usr/bin/env node
// `npm run demo`: the main job on the bundled example model — audit it, convert it to FP16
// (with an HTML report), and validate the result against the FP32 original on the reference
// executor (exact FP16 arithmetic). Outputs go to ./out/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const bin = 'packages/cli/bin/mixprec.js';
const model = 'examples/models/showcase.onnx';
fs.mkdirSync('out', { recursive: true });
const steps = [
  ['inspect', model],
  ['convert', model, '-o', 'out/showcase.fp16.onnx', '--report', 'out/showcase.report.html'],
  ['inspect', 'out/showcase.fp16.onnx'],
  ['validate', model, 'out/showcase.fp16.onnx', '--samples', '4', '--tolerance', 'atol=1e-3,rtol=2e-2'],
];
for (const args of steps) {
  console.log(`\n$ mixprec ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log('\nOpen out/showcase.report.html in a browser to see the converted graph coloured by decision.');

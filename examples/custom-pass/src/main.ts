import { fileURLToPath } from 'node:url';
import { countNodes } from '@mixprec/ir';
import { loadModel, saveModel } from '@mixprec/onnx';
import { fuseFromCode } from './pipeline.js';

/** `npm start -- IN.onnx [OUT.onnx]`: fuses the hard-swish patterns of a model. */
export function main(args: readonly string[]): number {
  const [input, output] = args;
  if (input === undefined) {
    process.stderr.write('usage: npm start -- IN.onnx [OUT.onnx]\n');
    return 2;
  }
  const r = loadModel(input);
  if (r._tag === 'Left') {
    process.stderr.write(`${input}: ${r.left.message}\n`);
    return 2;
  }
  const model = r.right;
  const before = countNodes(model);
  const { diagnostics } = fuseFromCode(model);
  for (const d of diagnostics) process.stdout.write(`${d.message}\n`);
  process.stdout.write(`${input}: ${before} → ${countNodes(model)} nodes\n`);
  if (output !== undefined) {
    const s = saveModel(model, output);
    if (s._tag === 'Left') {
      process.stderr.write(`${output}: ${s.left.message}\n`);
      return 2;
    }
  }
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

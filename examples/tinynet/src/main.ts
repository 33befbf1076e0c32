import { fileURLToPath } from 'node:url';
import { formatReport } from '@mixprec/amp';
import { compareTinyNet, formatTensor } from './compare.js';

/** `npm start`: the post's walk-through — parameter dtypes, FP32 and FP16 logits, and their difference. */
export async function main(): Promise<void> {
  const c = await compareTinyNet();
  const out = (s: string): void => { process.stdout.write(`${s}\n`); };
  for (const [name, dtype] of c.parametersBefore) out(`${name} is stored in ${dtype}`);
  out('');
  out(formatReport(c.report));
  out('');
  for (const [name, dtype] of c.parametersAfter) out(`${name} is stored in ${dtype}`);
  out('');
  out(`FP32 logits (executor, ${c.backend}):`);
  out(formatTensor(c.logits32));
  out('FP16 logits:');
  out(formatTensor(c.logits16));
  out(`Mean diff: ${c.meanDiff} | Max diff: ${c.maxDiff}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

import { fileURLToPath } from 'node:url';
import { buildMlp } from './model.js';
import { runChainedPipeline } from './pipeline.js';

/** A printed model without its initializer block: the header, the signature and the nodes. */
export function withoutWeights(text: string): string {
  const lines = text.split('\n');
  const open = lines.findIndex((l) => l === '<');
  const close = lines.findIndex((l, i) => i > open && l === '>');
  return (open < 0 || close < 0 ? lines : [...lines.slice(0, open), '<…weights…>', ...lines.slice(close + 1)]).join('\n');
}

/** `npm start`: runs the pipeline on the demo MLP and prints what the instruments saw. */
export function main(): void {
  const out = (s: string): void => { process.stdout.write(`${s}\n`); };
  const run = runChainedPipeline(buildMlp());
  out(`pipeline: ${run.text}`);
  out('');
  for (const d of run.dumps) {
    out(`// ----- IR dump ${d.stage} ${d.pass} (weights left out) -----`);
    out(withoutWeights(d.text));
  }
  out('nodes per pass:');
  for (const s of run.steps) out(`  ${s.pass.padEnd(16)} ${String(s.before).padStart(3)} → ${String(s.after).padStart(3)}${s.modified ? '  (modified)' : ''}`);
  out('');
  out(run.timingReport);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();

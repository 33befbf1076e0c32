import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport } from '@mixprec/amp';
import { validateRecognizer } from './validate.js';

/** `npm start -- [OUT_DIR]`: converts, validates and writes the HTML report (default: a temp folder). */
export async function main(args: readonly string[]): Promise<void> {
  const outDir = args[0] ?? path.join(os.tmpdir(), 'mixprec-validate-real-model');
  const out = (s: string): void => { process.stdout.write(`${s}\n`); };
  const r = await validateRecognizer({ outDir });
  out(formatReport(r.report));
  out('');
  for (const x of r.readings) out(`text '${x.text}': FP32 reads '${x.fp32}', FP16 reads '${x.fp16}'`);
  const v = r.validation;
  out(`validation ${v.passed ? 'passed' : 'FAILED'} on ${v.samples.length} samples (${v.runtime}, atol ${v.tolerance?.atol} + rtol ${v.tolerance?.rtol}·|ref|)`);
  for (const [name, o] of Object.entries(v.outputs)) {
    out(`  ${name}: max |err| ${o.maxAbs.toExponential(3)}, mean |err| ${o.meanAbs.toExponential(3)}, cosine ${o.cosine.toFixed(6)}, top-1 ${o.top1 ?? '-'}`);
  }
  const l = r.localization;
  out(`localisation: ${l.values.length} values compared, ${l.rootCauses.length} root cause(s), ${l.amplifiers.length} amplifier(s)`
    + (l.firstDivergent === undefined ? '' : `; first divergent: ${l.firstDivergent.opType} '${l.firstDivergent.node}' (${l.firstDivergent.error.toExponential(2)})`));
  out(`model:  ${r.modelFile}`);
  out(`report: ${r.htmlFile}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));

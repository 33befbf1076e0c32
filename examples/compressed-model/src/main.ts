import { fileURLToPath } from 'node:url';
import { formatReport } from '@mixprec/amp';
import { printModel } from '@mixprec/ir';
import { convertQdqModel } from './convert.js';

/** `npm start`: converts the QDQ model and prints the report and the converted graph's nodes. */
export function main(): void {
  const { converted, report } = convertQdqModel();
  process.stdout.write(`${formatReport(report)}\n\n`);
  const text = printModel(converted);
  process.stdout.write(`${text.slice(text.lastIndexOf('\n{'))}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();

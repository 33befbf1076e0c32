import { fileURLToPath } from 'node:url';
import { formatPlan, formatReport } from '@mixprec/amp';
import { convertDemo } from './convert-demo.js';

/** `npm start`: converts the demo model with the Acme NPU policy and prints the decisions and the report. */
export function main(): void {
  const { plan, report } = convertDemo();
  process.stdout.write(formatPlan(plan));
  process.stdout.write('\n');
  process.stdout.write(formatReport(report));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();

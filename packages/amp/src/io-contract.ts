import { DataType, dataTypeText, type Diagnostic } from '@mixprec/ir';
import type { Plan } from './plan.js';
import type { ioTypes } from './report.js';

/**
 * Checks the IO contract after a conversion: the graph's input and output names are exactly
 * the original ones, in order; kept IO (and everything under weightsOnly) keeps its dtype; every
 * other float32 input/output is now the target type, except those the plan explains (a sequence
 * that had to stay float32, an output that is also an input). Returns errors (empty: kept).
 */
export function checkIoContract(
  before: ReturnType<typeof ioTypes>, after: ReturnType<typeof ioTypes>, plan: Plan,
  keep: (name: string) => boolean,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const excused = new Set(plan.diagnostics.filter((d) => d.code.startsWith('amp-io-')).map((d) => d.value));
  const float = dataTypeText(DataType.FLOAT);
  const target = dataTypeText(plan.target);
  for (const which of ['inputs', 'outputs'] as const) {
    const b = before[which];
    const a = after[which];
    if (b.length !== a.length || b.some((x, i) => x.name !== a[i]!.name)) {
      out.push({ severity: 'error', code: 'amp-io-names', message: `The graph ${which} changed from [${b.map((x) => x.name).join(', ')}] to [${a.map((x) => x.name).join(', ')}]; names must never change` });
      continue;
    }
    b.forEach((x, i) => {
      const now = a[i]!.dtype;
      let want = x.dtype;
      if (x.dtype === float && !plan.weightsOnly && !keep(x.name) && !excused.has(x.name)) want = target;
      if (now !== want) {
        out.push({ severity: 'error', code: 'amp-io-dtype', value: x.name, message: `Graph ${which.slice(0, -1)} '${x.name}' is ${now} after the conversion; the IO mode '${plan.ioMode}' requires ${want}` });
      }
    });
  }
  return out;
}

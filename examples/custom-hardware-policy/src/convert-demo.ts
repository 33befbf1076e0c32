import { castFp32ToFp16, planMixedPrecision, type AmpReport, type Plan } from '@mixprec/amp';
import type { Model } from '@mixprec/ir';
import { buildDemoModel } from './model.js';
import { acmeNpu } from './npu-policy.js';

/** What {@link convertDemo} returns: the plan (what each node becomes) and the converted model with its report. */
export interface DemoResult {
  readonly plan: Plan;
  readonly model: Model;
  readonly report: AmpReport;
}

/**
 * Converts the demo model for the Acme NPU: first the plan alone (pure, `--print-amp-decisions`),
 * then the conversion itself. The host feeds and reads float32, so the graph's inputs and outputs
 * keep their types (`keepIoTypes`), with one Cast per input.
 */
export function convertDemo(): DemoResult {
  const model = buildDemoModel();
  const plan = planMixedPrecision(model, { policy: acmeNpu, keepIoTypes: true });
  const report = castFp32ToFp16(model, { policy: acmeNpu, keepIoTypes: true });
  return { plan, model, report };
}

import { castFp32ToFp16, type AmpReport } from '@mixprec/amp';
import { runModel } from '@mixprec/executor-tfjs';
import { DataType, cloneModel, dataTypeText, tensorToFloat32, type Model, type Tensor } from '@mixprec/ir';
import { PARAMETERS, buildTinyNet, tinyNetInput } from './tinynet.js';

/** What {@link compareTinyNet} returns. */
export interface TinyNetComparison {
  readonly fp32: Model;
  readonly fp16: Model;
  readonly report: AmpReport;
  /** `[parameter, dtype]` before and after the conversion. */
  readonly parametersBefore: readonly (readonly [string, string])[];
  readonly parametersAfter: readonly (readonly [string, string])[];
  readonly logits32: Tensor;
  readonly logits16: Tensor;
  /** Mean and max of |fp32 − fp16| over all logits (the post's numbers). */
  readonly meanDiff: number;
  readonly maxDiff: number;
  /** The executor backend that ran both models. */
  readonly backend: string;
}

function parameters(model: Model): [string, string][] {
  return PARAMETERS.map((name) => [name, dataTypeText(model.graph.initializers.get(name)!.dtype!)]);
}

async function run(model: Model, x: Tensor): Promise<{ logits: Tensor; backend: string }> {
  const r = await runModel(model, { x });
  if (r._tag === 'Left') throw new Error(`tinynet: ${r.left.message}`);
  return { logits: r.right.outputs['logits']!, backend: r.right.backend };
}

/**
 * The post's experiment: run TinyNet in FP32, convert a copy to FP16 (`model.half()`), run it
 * on the same input, and compare the logits element by element. The reference executor
 * computes FP16 exactly (every value rounded to the float16 grid), on any CPU.
 */
export async function compareTinyNet(): Promise<TinyNetComparison> {
  const fp32 = buildTinyNet();
  const fp16 = cloneModel(fp32);
  const report = castFp32ToFp16(fp16);
  const x = tinyNetInput();
  const a = await run(fp32, x);
  const b = await run(fp16, x);
  const r32 = tensorToFloat32(a.logits);
  const r16 = tensorToFloat32(b.logits);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < r32.length; i++) {
    const d = Math.abs(r32[i]! - r16[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return {
    fp32, fp16, report, parametersBefore: parameters(fp32), parametersAfter: parameters(fp16),
    logits32: a.logits, logits16: b.logits, meanDiff: sum / r32.length, maxDiff: max, backend: a.backend,
  };
}

/** A tensor printed like PyTorch prints it (4 decimals, nested brackets). */
export function formatTensor(t: Tensor): string {
  const v = tensorToFloat32(t);
  const dims = t.dims;
  const rec = (d: number, offset: number, indent: string): string => {
    const size = dims.slice(d + 1).reduce((p, q) => p * q, 1);
    const items: string[] = [];
    for (let i = 0; i < dims[d]!; i++) {
      items.push(d === dims.length - 1 ? v[offset + i]!.toFixed(4) : rec(d + 1, offset + i * size, `${indent} `));
    }
    return `[${items.join(d === dims.length - 1 ? ', ' : `,\n${indent} `)}]`;
  };
  return `tensor(${rec(0, 0, '       ')}${t.dtype === DataType.FLOAT16 ? ', dtype=float16' : ''})`;
}

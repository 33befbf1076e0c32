import {
  DataType, dataTypeText, getOpSchema, inputAdmits, outputAdmits, type LowPrecisionFloat, type Node,
} from '@mixprec/ir';
import { ORT_CPU_BFLOAT16 } from './runtime-gaps-bf16.js';
import { ORT_CPU_FLOAT16 } from './runtime-gaps-fp16.js';
import { ortKernelStatus, type OrtKernelTable } from './runtime-gaps-table.js';

/**
 * The runtime the converted model must load in: `ort-cpu` (default) also keeps float32 what
 * onnxruntime's CPU provider (onnxruntime-node 1.30) cannot load or run in the target type
 * although the ONNX schema admits it; `onnx` follows the schemas alone.
 */
export type RuntimeName = 'ort-cpu' | 'onnx';

/** The ai.onnx opset below which Cast takes its target type as a string (Cast-1). */
export const CAST_STRING_TO_BELOW = 6;

/**
 * The measured kernel table of onnxruntime's CPU provider for `target` (see
 * `scripts/probe-ort-kernels.ts`, which generates runtime-gaps-fp16.ts and runtime-gaps-bf16.ts).
 * float16: onnxruntime runs most float16 ops by inserting Casts around a float32 kernel; the gaps
 * are ops whose output dtype comes from an attribute (EyeLike from integers, Random*, windows from
 * opset 19, MelWeightMatrix), function bodies that mix float32 in (MeanVarianceNormalization at
 * opsets 9–10, 13 and 18), scatter reductions rejected at run time, AffineGrid at opset 20.
 * bfloat16: no such fallback; only ops with a bfloat16 kernel run (data movement, Cast, control
 * flow, LayerNormalization, a few more), every arithmetic op stays float32.
 */
export function ortCpuKernelTable(target: LowPrecisionFloat): OrtKernelTable {
  return target === DataType.BFLOAT16 ? ORT_CPU_BFLOAT16 : ORT_CPU_FLOAT16;
}

function describe(key: string): string {
  const bar = key.indexOf('|');
  if (bar < 0) return key;
  const [attr, value] = key.slice(bar + 1).split('=');
  return `${key.slice(0, bar)} with ${attr ?? ''}='${value ?? ''}'`;
}

/**
 * Why `n` must stay float32 on `runtime` although its schema admits `target` (undefined: no
 * reason). Decided by the measured table of `ortCpuKernelTable(target)` for the node's op (and
 * attribute variant) at the model's ai.onnx opset. A float16 op the table does not cover runs
 * (onnxruntime's Cast fallback); a bfloat16 one does not (there is no fallback), so it stays
 * float32. With an ai.onnx opset below 6, onnxruntime's float16 fallback inserts Casts in the
 * integer-`to` form such models reject, so under `ort-cpu` they keep float32 everywhere.
 */
export function runtimeGap(n: Node, onnxOpset: number, target: LowPrecisionFloat, runtime: RuntimeName): string | undefined {
  if (runtime !== 'ort-cpu' || n.domain !== '') return undefined;
  const t = dataTypeText(target);
  if (target === DataType.FLOAT16 && onnxOpset < CAST_STRING_TO_BELOW) {
    return `ai.onnx opset ${onnxOpset} < ${CAST_STRING_TO_BELOW}: onnxruntime's float16 fallback inserts Casts this opset rejects (use runtime=onnx to convert anyway)`;
  }
  const table = ortCpuKernelTable(target);
  const found = ortKernelStatus(table, n, onnxOpset);
  const where = `${table.runtime} at ai.onnx opset ${onnxOpset}`;
  const anyway = 'measured; runtime=onnx converts it anyway';
  if (found === undefined) {
    return target === DataType.BFLOAT16 ? `${where}: ${t} ${n.opType} was not measured, and there is no float32 fallback for ${t} (runtime=onnx converts it anyway)` : undefined;
  }
  const op = describe(found.key);
  switch (found.status) {
    case 'ok':
    case 'absent':
      return undefined;
    case 'no-kernel':
      return `${where}: no ${t} kernel for ${op}, the model would not load (${anyway})`;
    case 'load-error':
      return `${where}: a ${t} ${op} is refused when the model loads (its expansion mixes types; ${anyway})`;
    case 'run-error':
      return `${where}: a ${t} ${op} loads but fails at run time (${anyway})`;
  }
}

/**
 * Why the main graph's float inputs and outputs must stay float32 (undefined: they may take
 * `target`). A `target` input or output needs a Cast to or from the float32 ops around it, so an
 * opset whose Cast admits no `target` (bfloat16 before Cast-13) keeps them float32 under every
 * runtime; under `ort-cpu`, float16 IO also stays float32 below opset 6 (see {@link runtimeGap}).
 */
export function ioKeptFloat32(onnxOpset: number, target: LowPrecisionFloat, runtime: RuntimeName): string | undefined {
  const t = dataTypeText(target);
  const cast = getOpSchema('', 'Cast', onnxOpset);
  if (cast === undefined || !inputAdmits(cast, 0, target) || !outputAdmits(cast, 0, target)) {
    return `ai.onnx opset ${onnxOpset}: Cast${cast === undefined ? '' : `-${cast.sinceVersion}`} admits no ${t}, so a ${t} input or output could not be cast from or to float32`;
  }
  if (runtime === 'ort-cpu' && target === DataType.FLOAT16 && onnxOpset < CAST_STRING_TO_BELOW) {
    return `ai.onnx opset ${onnxOpset} < ${CAST_STRING_TO_BELOW}, which onnxruntime cannot run in float16 (runtime=ort-cpu)`;
  }
  return undefined;
}

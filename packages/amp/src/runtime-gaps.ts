import { DataType, type LowPrecisionFloat, type Node } from '@mixprec/ir';

/**
 * The runtime the converted model must load in: `ort-cpu` (default) also keeps float32 what
 * onnxruntime's CPU provider (onnxruntime-node 1.30) cannot load or run in float16 although the
 * ONNX schema admits it; `onnx` follows the schemas alone.
 */
export type RuntimeName = 'ort-cpu' | 'onnx';

/** The ai.onnx opset below which Cast takes its target type as a string (Cast-1). */
export const CAST_STRING_TO_BELOW = 6;

/**
 * float16 gaps of onnxruntime CPU, measured with the libonnx-testdata sweep (test/amp): ORT
 * runs most float16 ops by inserting Casts around a float32 kernel, which fails where the output
 * dtype comes from an attribute, where a function body mixes float32 constants in, and for
 * scatter reductions it rejects at run time.
 */
function ortFloat16Gap(n: Node): string | undefined {
  if (n.domain !== '') return undefined;
  switch (n.opType) {
    case 'EyeLike':
    case 'MelWeightMatrix':
      return `onnxruntime CPU has no float16 ${n.opType} kernel, and an output typed by an attribute cannot fall back to float32`;
    case 'MeanVarianceNormalization':
      return 'onnxruntime expands MeanVarianceNormalization with float32 constants, so a float16 input fails to load';
    case 'ScatterND':
    case 'ScatterElements': {
      const r = n.getString('reduction', 'none');
      return r === 'add' || r === 'mul' ? `onnxruntime CPU rejects float16 ${n.opType} with reduction '${r}' at run time` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Why `n` must stay float32 on `runtime` although its schema admits the target (undefined: no
 * reason). With an ai.onnx opset below 6, onnxruntime's float16 fallback inserts Casts in the
 * integer-`to` form such models reject, so under `ort-cpu` they keep float32 everywhere.
 */
export function runtimeGap(n: Node, onnxOpset: number, target: LowPrecisionFloat, runtime: RuntimeName): string | undefined {
  if (runtime !== 'ort-cpu' || target !== DataType.FLOAT16) return undefined;
  if (onnxOpset < CAST_STRING_TO_BELOW) {
    return `ai.onnx opset ${onnxOpset} < ${CAST_STRING_TO_BELOW}: onnxruntime's float16 fallback inserts Casts this opset rejects (use runtime=onnx to convert anyway)`;
  }
  return ortFloat16Gap(n);
}

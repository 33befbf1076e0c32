import { castFp32ToFp16, type AmpReport } from '@mixprec/amp';
import { cloneModel, type Model } from '@mixprec/ir';
import { buildQdqModel } from './model.js';

/** What {@link convertQdqModel} returns. */
export interface QdqConversion {
  readonly original: Model;
  readonly converted: Model;
  readonly report: AmpReport;
}

/**
 * Converts the QDQ model to FP16, the host keeping float32 IO. Nothing special to ask: the
 * converter leaves int8 tensors and Q/DQ nodes alone under every policy (rule `quantized`) and
 * moves the float rest — Conv, Relu, pooling, MatMul, bias, Softmax, and the float weights — to
 * float16, with Casts where the float32 world of Q/DQ meets it.
 */
export function convertQdqModel(): QdqConversion {
  const original = buildQdqModel();
  const converted = cloneModel(original);
  const report = castFp32ToFp16(converted, { keepIoTypes: true });
  return { original, converted, report };
}

import { DataType, dataTypeName, tensorToFloat64, type Tensor } from '@mixprec/ir';

/** `|a − e| ≤ atol + rtol·|e|`, element-wise (numpy `allclose`). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Default tolerances per dtype (the ONNX backend tests use rtol 1e-3, atol 1e-7 for FLOAT). */
export function defaultTolerance(dtype: DataType): Tolerance {
  switch (dtype) {
    case DataType.FLOAT16: return { rtol: 1e-2, atol: 1e-3 };
    case DataType.BFLOAT16: return { rtol: 2e-2, atol: 1e-2 };
    case DataType.FLOAT: return { rtol: 1e-4, atol: 1e-6 };
    case DataType.DOUBLE: return { rtol: 1e-9, atol: 1e-12 };
    default: return { rtol: 0, atol: 0 };
  }
}

/**
 * Compares two tensors: same dtype and dims, then values within tolerance (NaN equals NaN,
 * infinities must match exactly). Returns undefined when close, else a one-line description of
 * the worst element.
 */
export function compareTensors(actual: Tensor, expected: Tensor, tolerance: Tolerance = defaultTolerance(expected.dtype)): string | undefined {
  if (actual.dtype !== expected.dtype) return `dtype ${dataTypeName(actual.dtype)} ≠ expected ${dataTypeName(expected.dtype)}`;
  if (actual.dims.length !== expected.dims.length || actual.dims.some((d, i) => d !== expected.dims[i])) {
    return `shape [${actual.dims.join(', ')}] ≠ expected [${expected.dims.join(', ')}]`;
  }
  if (expected.dtype === DataType.STRING) {
    const a = actual.data as readonly Uint8Array[];
    const e = expected.data as readonly Uint8Array[];
    for (let i = 0; i < e.length; i++) {
      if (Buffer.compare(Buffer.from(a[i]!), Buffer.from(e[i]!)) !== 0) return `string element ${i} differs`;
    }
    return undefined;
  }
  const a = tensorToFloat64(actual);
  const e = tensorToFloat64(expected);
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Number.isFinite(y) || !Number.isFinite(x)) {
      if (x !== y) {
        bad++;
        if (worst < 0 || worstExcess < Infinity) { worst = i; worstExcess = Infinity; }
      }
      continue;
    }
    const excess = Math.abs(x - y) - (tolerance.atol + tolerance.rtol * Math.abs(y));
    if (excess > 0) {
      bad++;
      if (excess > worstExcess) { worst = i; worstExcess = excess; }
    }
  }
  if (bad === 0) return undefined;
  return `${bad} of ${e.length} elements differ beyond rtol ${tolerance.rtol}, atol ${tolerance.atol}; worst at flat index ${worst}: ${a[worst]} vs expected ${e[worst]}`;
}

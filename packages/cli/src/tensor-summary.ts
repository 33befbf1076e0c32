import { dataTypeName, isNumericTensorType, tensorToFloat64, type Tensor } from '@mixprec/ir';

/** JSON form of a tensor: dtype, dims and data (numbers; int64 as numbers when exact, else strings). */
export function tensorJson(t: Tensor): { dtype: string; dims: number[]; data: (number | string | boolean | null)[] } {
  let data: (number | string | boolean | null)[];
  if (t.dtype === 8 /* STRING */) {
    data = (t.data as readonly Uint8Array[]).map((b) => new TextDecoder().decode(b));
  } else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
    data = Array.from(t.data as BigInt64Array, (x) => (x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString()));
  } else if (isNumericTensorType(t.dtype)) {
    data = Array.from(tensorToFloat64(t), (x) => (Number.isFinite(x) ? x : x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan'));
  } else {
    data = Array.from(t.rawBytes());
  }
  return { dtype: dataTypeName(t.dtype), dims: [...t.dims], data };
}

/** One line: `FLOAT16[1, 2] min -0.5 max 3 mean 1.2 non-finite 0`. */
export function tensorSummary(t: Tensor): string {
  const head = `${dataTypeName(t.dtype)}[${t.dims.join(', ')}]`;
  if (!isNumericTensorType(t.dtype)) return head;
  const v = tensorToFloat64(t);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) continue;
    finite++;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
  const stats = finite === 0 ? 'no finite values' : `min ${fmt(min)}  max ${fmt(max)}  mean ${fmt(sum / finite)}`;
  return `${head}  ${stats}${finite < v.length ? `  non-finite ${v.length - finite}` : ''}`;
}

import {
  DataType, dataTypeName, elementCount, storageArrayType, storageLength, Tensor, type SparseTensor,
} from '@mixprec/ir';
import { ExecError } from './errors.js';

/**
 * The dense tensor of an ONNX SparseTensorProto (a `Constant`'s `sparse_value`, a sparse
 * initializer): zeros (empty strings) of the dense `dims`, with `values[i]` placed at
 * `indices[i]` — linearised row-major positions (`indices` of shape [NNZ]) or coordinates
 * (shape [NNZ, rank]). An index out of range or given twice is an error naming `what`.
 */
export function densify(sp: SparseTensor, what: string): Tensor {
  const { values, indices, dims } = sp;
  const fail = (msg: string): never => {
    throw new ExecError('InvalidInput', `${what}: ${msg}`);
  };
  const dtype = values.dtype;
  if (values.dims.length !== 1) fail(`values must be 1-D, got [${values.dims.join(', ')}]`);
  const nnz = values.dims[0]!;
  if (indices.dtype !== DataType.INT64) fail(`indices must be INT64, got ${dataTypeName(indices.dtype)}`);
  const rank = dims.length;
  const linear = indices.dims.length === 1;
  if (!(linear && indices.dims[0] === nnz) && !(indices.dims.length === 2 && indices.dims[0] === nnz && indices.dims[1] === rank)) {
    fail(`indices [${indices.dims.join(', ')}] must be [${nnz}] (linearised) or [${nnz}, ${rank}] for ${nnz} values of a rank-${rank} tensor`);
  }
  const n = elementCount(dims);
  const idx = indices.data as BigInt64Array;
  const pos = new Float64Array(nnz);
  for (let i = 0; i < nnz; i++) {
    let p = 0;
    if (linear) p = Number(idx[i]!);
    else {
      for (let d = 0; d < rank; d++) {
        const c = Number(idx[i * rank + d]!);
        if (c < 0 || c >= dims[d]!) fail(`index ${i} has coordinate ${c} on dim ${d} of size ${dims[d]}`);
        p = p * dims[d]! + c;
      }
    }
    if (!(p >= 0 && p < n)) fail(`index ${i} (${p}) is outside the ${n} elements of [${dims.join(', ')}]`);
    pos[i] = p;
  }
  const seen = new Uint8Array(n);
  for (let i = 0; i < nnz; i++) {
    if (seen[pos[i]!] !== 0) fail(`position ${pos[i]} is given twice`);
    seen[pos[i]!] = 1;
  }
  if (dtype === DataType.STRING) {
    const src = values.data as readonly Uint8Array[];
    const out: Uint8Array[] = Array.from({ length: n }, () => new Uint8Array(0));
    for (let i = 0; i < nnz; i++) out[pos[i]!] = src[i]!;
    return Tensor.of(dtype, dims, out);
  }
  const ctor = storageArrayType(dtype);
  if (ctor === undefined || storageLength(dtype, n) !== n) return fail(`values of type ${dataTypeName(dtype)} are not supported`);
  const src = values.data as ArrayLike<number | bigint>;
  const out = new ctor(n) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < nnz; i++) out[pos[i]!] = src[i]!;
  return Tensor.of(dtype, dims, out as unknown as Parameters<typeof Tensor.of>[2]);
}

import { formatLoadError, loadTensor } from '@mixprec/onnx';
import type { Tensor } from '@mixprec/ir';
import { CliError } from '../errors.js';

/** `--dim N=4 --dim T=100` → `{ N: 4, T: 100 }`. */
export function parseDimValues(specs: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of specs ?? []) {
    const eq = s.indexOf('=');
    const v = Number(s.slice(eq + 1));
    if (eq <= 0 || !Number.isSafeInteger(v) || v < 0) throw new CliError(`--dim: expected NAME=SIZE with a non-negative integer size, got '${s}'`);
    out[s.slice(0, eq)] = v;
  }
  return out;
}

/** A TensorProto file, or a CliError naming it. */
export function readTensorFile(file: string): Tensor {
  const r = loadTensor(file);
  if (r._tag === 'Left') throw new CliError(formatLoadError(r.left));
  return r.right;
}

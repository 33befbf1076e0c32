import fs from 'node:fs';
import path from 'node:path';
import type { Model, Tensor } from '@mixprec/ir';
import { loadTensor } from '@mixprec/onnx';

/**
 * The inputs of an ONNX backend-test case (`test_data_set_0/input_N.pb`) by graph input name;
 * undefined when the case has none, a file does not load, or a graph input is not a plain tensor.
 */
export function backendInputs(caseDir: string, model: Model): Record<string, Tensor> | undefined {
  const set = path.join(caseDir, 'test_data_set_0');
  if (!fs.existsSync(set)) return undefined;
  if (model.graph.inputs.some((v) => v.type !== undefined && v.type.kind !== 'tensor')) return undefined;
  const names = model.graph.inputs.filter((v) => !v.isInitializer()).map((v) => v.name);
  const out: Record<string, Tensor> = {};
  for (let i = 0; fs.existsSync(path.join(set, `input_${i}.pb`)); i++) {
    const r = loadTensor(path.join(set, `input_${i}.pb`));
    if (r._tag === 'Left') return undefined;
    const name = r.right.meta.name !== undefined && r.right.meta.name !== '' ? r.right.meta.name : names[i];
    if (name === undefined) return undefined;
    out[name] = r.right;
  }
  return out;
}

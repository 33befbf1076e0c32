import { DataType, dataTypeName, parseDataType, tensorFromNumbers, type Model, type Tensor } from '@mixprec/ir';

/** Flattens nested arrays, returning the values and the shape (checked rectangular). */
function flatten(x: unknown, what: string): { values: (number | boolean)[]; dims: number[] } {
  const dims: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    probe = probe[0];
  }
  const values: (number | boolean)[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth === dims.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${what}: expected numbers, found ${JSON.stringify(v)}`);
      values.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) throw new Error(`${what}: the nested arrays are not rectangular`);
    for (const e of v) walk(e, depth + 1);
  };
  walk(x, 0);
  return { values, dims };
}

/**
 * One feed set from JSON: `{ "NAME": [[...]] }` (dtype from the model's input) or
 * `{ "NAME": { "dtype": "float32", "dims": [..], "data": [..] } }`.
 */
export function feedsFromJson(obj: unknown, model: Model, what: string): Record<string, Tensor> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`${what}: expected an object mapping input names to arrays`);
  const declared = new Map(model.graph.inputs.map((v) => [v.name, v.dtype]));
  const out: Record<string, Tensor> = {};
  for (const [name, spec] of Object.entries(obj as Record<string, unknown>)) {
    let dtype: DataType | undefined;
    let values: (number | boolean)[];
    let dims: number[];
    if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
      const s = spec as { dtype?: unknown; dims?: unknown; data?: unknown };
      if (typeof s.dtype === 'string') {
        dtype = parseDataType(s.dtype);
        if (dtype === undefined) throw new Error(`${what}: input '${name}' has unknown dtype '${s.dtype}'`);
      }
      const f = flatten(s.data, `${what}: input '${name}'`);
      values = f.values;
      dims = Array.isArray(s.dims) ? s.dims.map(Number) : f.dims;
    } else {
      const f = flatten(spec, `${what}: input '${name}'`);
      values = f.values;
      dims = f.dims;
    }
    dtype ??= declared.get(name) ?? DataType.FLOAT;
    if (dims.reduce((a, b) => a * b, 1) !== values.length) throw new Error(`${what}: input '${name}' has ${values.length} values for dims [${dims.join(', ')}]`);
    try {
      out[name] = tensorFromNumbers(dtype, dims, values.map(Number));
    } catch {
      throw new Error(`${what}: input '${name}': cannot build a ${dataTypeName(dtype)} tensor from JSON`);
    }
  }
  return out;
}

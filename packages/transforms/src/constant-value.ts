import { DataType, Tensor, type Attr, type Node, type SparseTensor } from '@mixprec/ir';

/** The value of a Constant node: a dense tensor, or a sparse one (`sparse_value`). */
export type ConstantValue = { readonly kind: 'dense'; readonly tensor: Tensor } | { readonly kind: 'sparse'; readonly sparse: SparseTensor };

const encoder = new TextEncoder();

function bytesOf(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? encoder.encode(s) : s;
}

/**
 * Reads the value of an ONNX `Constant` node from whichever attribute holds it: `value`,
 * `sparse_value`, `value_float(s)` (FLOAT), `value_int(s)` (INT64), `value_string(s)` (STRING).
 * Returns undefined for a node that is not a Constant with exactly one such attribute.
 */
export function constantValue(node: Node): ConstantValue | undefined {
  if (node.opType !== 'Constant' || node.domain !== '' || node.outputs.length !== 1) return undefined;
  let found: Attr | undefined;
  let key = '';
  for (const [k, a] of node.attributes) {
    if (!k.startsWith('value') && k !== 'sparse_value') continue;
    if (found !== undefined) return undefined;
    found = a;
    key = k;
  }
  if (found === undefined || found.refAttrName !== undefined) return undefined;
  const a = found;
  switch (key) {
    case 'value': return a.type === 'TENSOR' ? { kind: 'dense', tensor: a.value } : undefined;
    case 'sparse_value': return a.type === 'SPARSE_TENSOR' ? { kind: 'sparse', sparse: a.value } : undefined;
    case 'value_float': return a.type === 'FLOAT' ? dense(Tensor.of(DataType.FLOAT, [], Float32Array.of(a.value))) : undefined;
    case 'value_floats': return a.type === 'FLOATS' ? dense(Tensor.of(DataType.FLOAT, [a.value.length], Float32Array.from(a.value))) : undefined;
    case 'value_int': return a.type === 'INT' ? dense(Tensor.of(DataType.INT64, [], BigInt64Array.of(BigInt(a.value)))) : undefined;
    case 'value_ints': return a.type === 'INTS' ? dense(Tensor.of(DataType.INT64, [a.value.length], BigInt64Array.from(a.value, (v) => BigInt(v)))) : undefined;
    case 'value_string': return a.type === 'STRING' ? dense(Tensor.of(DataType.STRING, [], [bytesOf(a.value)])) : undefined;
    case 'value_strings': return a.type === 'STRINGS' ? dense(Tensor.of(DataType.STRING, [a.value.length], a.value.map(bytesOf))) : undefined;
    default: return undefined;
  }
}

function dense(tensor: Tensor): ConstantValue {
  return { kind: 'dense', tensor };
}

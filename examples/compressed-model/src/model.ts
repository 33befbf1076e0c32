import {
  DataType, GraphBuilder, attr, floatTensor, tensorFromNumbers, tensorType, type Model, type Tensor, type Value,
} from '@mixprec/ir';

/** Seeded values in [-scale, scale) (a 32-bit LCG: no data files). */
function seeded(n: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 * 2 - 1) * scale;
  }
  return out;
}

/** Symmetric int8 quantization of `w` ([rows, …] with per-row scales when `perRow`): q = round(w / s). */
function quantize(w: Float32Array, dims: readonly number[], perRow: boolean): { q: Tensor; scale: Tensor; zero: Tensor } {
  const rows = perRow ? dims[0]! : 1;
  const per = w.length / rows;
  const scales = new Float32Array(rows);
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(w[r * per + i]!));
    scales[r] = m === 0 ? 1 : m / 127;
    for (let i = 0; i < per; i++) q[r * per + i] = Math.round(w[r * per + i]! / scales[r]!);
  }
  const sDims = perRow ? [rows] : [];
  return {
    q: tensorFromNumbers(DataType.INT8, dims, q),
    scale: floatTensor(sDims, scales),
    zero: tensorFromNumbers(DataType.INT8, sDims, new Int8Array(rows)),
  };
}

/**
 * A small image classifier as a QDQ int8 model, the way ONNX Runtime's quantizer writes one
 * (opset 13): int8 weights with per-channel scales, activations quantized and dequantized
 * around the compute ops, the classifier's float bias and Softmax left in float.
 *
 * ```
 * x[1,3,16,16] → Q/DQ → Conv (int8 weights via DQ, per channel) → Relu → Q/DQ → GlobalAveragePool
 *   → Flatten → MatMul (int8 weights via DQ) → Add (float bias) → Softmax → probs[1,10]
 * ```
 */
export function buildQdqModel(): Model {
  const b = new GraphBuilder();
  const f = (shape: readonly number[]) => tensorType(DataType.FLOAT, shape);
  const x = b.input('x', DataType.FLOAT, [1, 3, 16, 16]);
  const qdq = (name: string, v: Value, scale: number, shape: readonly number[]): Value => {
    const s = b.initializer(`${name}.scale`, floatTensor([], [scale]));
    const z = b.initializer(`${name}.zero_point`, tensorFromNumbers(DataType.INT8, [], [0]));
    const q = b.op1('QuantizeLinear', [v, s, z], { name: `${name}/QuantizeLinear`, output: `${name}_quantized`, type: tensorType(DataType.INT8, shape) });
    return b.op1('DequantizeLinear', [q, s, z], { name: `${name}/DequantizeLinear`, output: `${name}_dequantized`, type: f(shape) });
  };
  const weight = (name: string, dims: readonly number[], seed: number, scale: number, perRow: boolean): Value => {
    const { q, scale: s, zero } = quantize(seeded(dims.reduce((p, c) => p * c, 1), seed, scale), dims, perRow);
    const wq = b.initializer(`${name}.weight_quantized`, q);
    const ws = b.initializer(`${name}.weight_scale`, s);
    const wz = b.initializer(`${name}.weight_zero_point`, zero);
    return b.op1('DequantizeLinear', [wq, ws, wz], {
      name: `${name}/weight/DequantizeLinear`, output: `${name}.weight_dequantized`, type: f(dims), attrs: perRow ? { axis: attr.int(0) } : {},
    });
  };
  const xd = qdq('input', x, 1 / 127, [1, 3, 16, 16]);
  const cw = weight('conv', [8, 3, 3, 3], 1, 0.3, true);
  const cb = b.initializer('conv.bias', floatTensor([8], seeded(8, 2, 0.1)));
  const c = b.op1('Conv', [xd, cw, cb], { name: 'conv', attrs: { pads: attr.ints([1, 1, 1, 1]), kernel_shape: attr.ints([3, 3]) }, type: f([1, 8, 16, 16]) });
  const r = b.op1('Relu', [c], { name: 'relu', type: f([1, 8, 16, 16]) });
  const rd = qdq('relu', r, 2 / 127, [1, 8, 16, 16]);
  const p = b.op1('GlobalAveragePool', [rd], { name: 'pool', type: f([1, 8, 1, 1]) });
  const flat = b.op1('Flatten', [p], { name: 'flatten', type: f([1, 8]) });
  const fw = weight('fc', [8, 10], 3, 1, false);
  const m = b.op1('MatMul', [flat, fw], { name: 'fc', type: f([1, 10]) });
  const fb = b.initializer('fc.bias', floatTensor([10], seeded(10, 4, 0.1)));
  const logits = b.op1('Add', [m, fb], { name: 'fc_bias', type: f([1, 10]) });
  b.output(b.op1('Softmax', [logits], { name: 'softmax', attrs: { axis: attr.int(-1) }, type: f([1, 10]) }), 'probs');
  return b.model({ opset: 13 });
}

import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { runModel } from '@mixprec/executor-tfjs';
import { DataType, Tensor, tensorToFloat32, verify, type Model, type Node, type Value } from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { mulberry32, randomTensor } from '@mixprec/testing';
import { convertQdqModel, type QdqConversion } from '../src/index.js';

const QDQ = new Set(['QuantizeLinear', 'DequantizeLinear']);

async function ortRun(model: Model, x: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(encodeModel(model), { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    const out = await s.run({ x: new ort.Tensor('float32', x, [1, 3, 16, 16]) });
    expect(out['probs']!.type).to.equal('float32');
    return out['probs']!.data as Float32Array;
  } finally {
    await s.release();
  }
}

/**
 * A node's inputs (name and dtype as the node sees them; an inserted Cast in front is looked
 * through to the value it converts) and attributes as text, to compare a node before and after.
 */
function signature(n: Node): string {
  const input = (v: Value | undefined): string => {
    const p = v?.producer();
    if (p?.opType === 'Cast' && p.name.startsWith('Cast_')) return `${p.inputs[0]!.name}:${p.getInt('to')}`;
    return `${v?.name}:${v?.dtype}`;
  };
  return `${n.opType}(${n.inputs.map(input).join(',')})[${[...n.attributes.keys()].join(',')}]->${n.outputs.map((o) => o.dtype).join(',')}`;
}

describe('compressed (QDQ int8) model to FP16', () => {
  let c: QdqConversion;
  before(() => {
    c = convertQdqModel();
  });

  it('keeps every int8 tensor: same dtype, same bytes', () => {
    const int8 = [...c.original.graph.initializers.values()].filter((v) => v.dtype === DataType.INT8);
    expect(int8.map((v) => v.name)).to.have.length(6); // 2 weights, 4 zero points
    for (const v of int8) {
      const after = c.converted.graph.initializers.get(v.name);
      expect(after?.dtype, v.name).to.equal(DataType.INT8);
      expect(Buffer.from(after!.constValue!.data as Int8Array).equals(Buffer.from(v.constValue!.data as Int8Array)), v.name).to.equal(true);
    }
  });

  it('leaves the Q/DQ nodes as they were (rule `quantized`): float32 scales, int8 in and out', () => {
    const before = [...c.original.graph].filter((n) => QDQ.has(n.opType)).map((n) => [n.name, signature(n)]);
    const after = [...c.converted.graph].filter((n) => QDQ.has(n.opType)).map((n) => [n.name, signature(n)]);
    expect(after).to.deep.equal(before);
    expect(before).to.have.length(6);
    const rules = c.report.nodes.filter((n) => QDQ.has(n.opType)).map((n) => [n.color, n.rule, n.converted]);
    expect(rules).to.deep.equal(before.map(() => ['red', 'quantized', false]));
  });

  it('moves the float rest to float16: ops, float weights, with Casts only at the Q/DQ boundaries and the output', () => {
    expect(verify(c.converted)).to.deep.equal([]);
    for (const n of c.converted.graph) {
      if (QDQ.has(n.opType) || n.opType === 'Cast') continue;
      expect(n.outputs[0]!.dtype, `${n.opType} ${n.name}`).to.equal(DataType.FLOAT16);
    }
    expect(c.converted.graph.initializers.get('conv.bias')!.dtype).to.equal(DataType.FLOAT16);
    expect(c.converted.graph.initializers.get('fc.bias')!.dtype).to.equal(DataType.FLOAT16);
    // DQ → float16 for the three dequantized activations/weights, float16 → float32 before the
    // second QuantizeLinear, and back to float32 for the kept output
    const casts = [...c.converted.graph].filter((n) => n.opType === 'Cast').map((n) => `${n.inputs[0]!.name}->${n.getInt('to')}`);
    expect(casts).to.deep.equal([
      'input_dequantized->10', 'conv.weight_dequantized->10', 'relu_out->1', 'relu_dequantized->10', 'fc.weight_dequantized->10', 'probs_fp16->1',
    ]);
    expect(c.converted.graph.inputs[0]!.dtype).to.equal(DataType.FLOAT);
    expect(c.converted.graph.outputs[0]!.dtype).to.equal(DataType.FLOAT);
    expect(c.report.counts).to.include({ red: 6, converted: 7 });
    expect(c.report.flops.fraction16).to.be.greaterThan(0.9);
  });

  it('computes in float16 on the reference executor (exact FP16 emulation): probabilities within 5e-3', async () => {
    const run = async (m: Model, x: Float32Array): Promise<Float32Array> => {
      const r = await runModel(m, { x: Tensor.of(DataType.FLOAT, [1, 3, 16, 16], x) });
      if (r._tag === 'Left') throw new Error(r.left.message);
      return tensorToFloat32(r.right.outputs['probs']!);
    };
    for (const seed of [1, 2, 3]) {
      const x = tensorToFloat32(randomTensor(DataType.FLOAT, [1, 3, 16, 16], mulberry32(seed)));
      const [a, b] = [await run(c.original, x), await run(c.converted, x)];
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
      process.stdout.write(`      executor, seed ${seed}: max |Δp| ${max.toExponential(2)}\n`);
      expect(max, `seed ${seed}`).to.be.lessThan(5e-3);
      expect(max, 'the converted model really rounds to float16').to.be.greaterThan(0);
    }
  });

  it('onnxruntime-node loads both and gives close probabilities', async () => {
    for (const seed of [1, 2, 3]) {
      const x = tensorToFloat32(randomTensor(DataType.FLOAT, [1, 3, 16, 16], mulberry32(seed)));
      const [a, b] = [await ortRun(c.original, x), await ortRun(c.converted, x)];
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
      process.stdout.write(`      onnxruntime-node, seed ${seed}: max |Δp| ${max.toExponential(2)}\n`);
      expect(max, `seed ${seed}`).to.be.lessThan(5e-3);
      expect(b.reduce((s, v) => s + v, 0)).to.be.closeTo(1, 1e-3);
    }
  });
});

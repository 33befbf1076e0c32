import { expect } from 'chai';
import { DataType, Node, attr, getOpSchema, knownOps, typeStringOf, type LowPrecisionFloat, type OpSchema } from '@mixprec/ir';
import {
  bf16, ioKeptFloat32, ortCpuKernelTable, ortKernelStatus, planMixedPrecision, runtimeGap, type NodePlan, type Plan,
} from '../src/index.js';
import { parse } from './helpers.js';

const BF = DataType.BFLOAT16;
const FP = DataType.FLOAT16;
const STATUSES = ['ok', 'no-kernel', 'load-error', 'run-error', 'absent'];

function node(opType: string, attrs: Record<string, string> = {}): Node {
  return new Node({ opType, attributes: Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, attr.string(v)])) });
}

function admits(s: OpSchema, t: DataType): boolean {
  const ts = typeStringOf(t);
  const hit = (x: string): boolean => x === ts || x.includes(`(${ts})`);
  return [...s.typeConstraints.values()].some((a) => a.some(hit)) || [...s.inputs, ...s.outputs].some((p) => hit(p.typeStr));
}

function byOutput(plan: Plan, out: string): NodePlan {
  const p = plan.nodes.find((n) => n.node.outputs.some((o) => o.name === out));
  if (p === undefined) throw new Error(`no node produces '${out}'`);
  return p;
}

describe('runtime gaps: the measured onnxruntime CPU kernel tables', () => {
  for (const target of [BF, FP] as LowPrecisionFloat[]) {
    const table = ortCpuKernelTable(target);
    const name = table.target;
    describe(name, () => {
      it('is well formed: ascending steps within the probed opsets, known statuses, conditions with variants', () => {
        expect(table.runtime).to.equal('onnxruntime-node 1.30.0 CPU');
        for (const [key, steps] of Object.entries(table.ops)) {
          expect(steps.length, key).to.be.above(0);
          steps.forEach(([from, status], i) => {
            expect(STATUSES, `${key}@${from}`).to.include(status);
            expect(from, key).to.be.within(table.probed[0], table.probed[1]);
            if (i > 0) expect(from, key).to.be.above(steps[i - 1]![0]);
            if (i > 0) expect(status, `${key}: a step repeats its status`).to.not.equal(steps[i - 1]![1]);
          });
          const op = key.split('|')[0]!;
          const s = getOpSchema('', op, steps[0]![0]);
          expect(s !== undefined && admits(s, target), `${key}: the schema admits ${name} at opset ${steps[0]![0]}`).to.equal(true);
          if (key.includes('|')) expect(table.conditions[op], key).to.equal(key.split('|')[1]!.split('=')[0]);
        }
      });

      it(`covers every ai.onnx op version admitting ${name} at every probed opset`, () => {
        const missing: string[] = [];
        for (const k of knownOps('')) {
          for (let o = table.probed[0]; o <= table.probed[1]; o++) {
            const s = getOpSchema('', k.opType, o);
            if (s === undefined || s.deprecated || !admits(s, target)) continue;
            if (ortKernelStatus(table, node(k.opType), o) === undefined) missing.push(`${k.opType}@${o}`);
          }
        }
        expect(missing).to.deep.equal([]);
      });
    });
  }

  it('bfloat16: data movement, Cast and control flow run; arithmetic has no kernel', () => {
    const t = ortCpuKernelTable(BF);
    for (const op of ['Cast', 'Reshape', 'Transpose', 'Concat', 'Gather', 'Slice', 'Squeeze', 'Unsqueeze', 'Identity', 'If', 'Loop', 'Scan', 'LayerNormalization']) {
      expect(ortKernelStatus(t, node(op), 17)?.status, op).to.equal('ok');
    }
    for (const op of ['Add', 'Mul', 'MatMul', 'Gemm', 'Relu', 'Sigmoid', 'Tanh', 'Softmax', 'ReduceMean', 'Pad', 'Expand', 'Where', 'BatchNormalization']) {
      expect(ortKernelStatus(t, node(op), 17)?.status, op).to.equal('no-kernel');
    }
    for (const op of ['Conv', 'MaxPool', 'AveragePool', 'InstanceNormalization']) expect(ortKernelStatus(t, node(op), 22)?.status, op).to.equal('no-kernel');
  });

  it('looks up attribute variants and falls back to the op', () => {
    const t = ortCpuKernelTable(BF);
    expect(ortKernelStatus(t, node('ScatterND', { reduction: 'add' }), 18)).to.deep.equal({ status: 'run-error', key: 'ScatterND|reduction=add' });
    expect(ortKernelStatus(t, node('ScatterND', { reduction: 'none' }), 18)).to.deep.equal({ status: 'ok', key: 'ScatterND' });
    expect(ortKernelStatus(t, node('ScatterND'), 18)).to.deep.equal({ status: 'ok', key: 'ScatterND' });
    const f = ortCpuKernelTable(FP);
    expect(ortKernelStatus(f, node('ScatterND', { reduction: 'max' }), 18)?.status).to.equal('run-error');
    expect(ortKernelStatus(f, node('ScatterElements', { reduction: 'max' }), 18)?.status).to.equal('ok');
  });

  it('is versioned by the model opset, not only by since_version', () => {
    const t = ortCpuKernelTable(BF);
    // HannWindow-17 runs (expanded) at opsets 17–18, but onnxruntime looks for a kernel from 19.
    expect(ortKernelStatus(t, node('HannWindow'), 18)?.status).to.equal('ok');
    expect(ortKernelStatus(t, node('HannWindow'), 19)?.status).to.equal('no-kernel');
    expect(ortKernelStatus(t, node('IsNaN'), 19)?.status).to.equal('no-kernel');
    expect(ortKernelStatus(t, node('IsNaN'), 20)?.status).to.equal('ok');
    const f = ortCpuKernelTable(FP);
    expect(ortKernelStatus(f, node('MeanVarianceNormalization'), 13)?.status).to.equal('load-error');
    expect(ortKernelStatus(f, node('MeanVarianceNormalization'), 14)?.status).to.equal('ok');
  });

  it('says nothing outside the table: other domains, opsets beyond the probe', () => {
    const t = ortCpuKernelTable(BF);
    expect(ortKernelStatus(t, new Node({ opType: 'FusedMatMul', domain: 'com.microsoft' }), 17)).to.equal(undefined);
    expect(ortKernelStatus(t, node('Add'), 12)).to.equal(undefined);
    expect(ortKernelStatus(t, node('Add'), 27)).to.equal(undefined);
    expect(ortKernelStatus(t, node('NoSuchOp'), 17)).to.equal(undefined);
  });
});

describe('runtimeGap', () => {
  it('bfloat16 on ort-cpu: an op without a kernel stays float32, with the reason naming onnxruntime 1.30 CPU', () => {
    expect(runtimeGap(node('Add'), 17, BF, 'ort-cpu')).to.equal(
      'onnxruntime-node 1.30.0 CPU at ai.onnx opset 17: no bfloat16 kernel for Add, the model would not load (measured; runtime=onnx converts it anyway)',
    );
    expect(runtimeGap(node('ScatterND', { reduction: 'mul' }), 16, BF, 'ort-cpu')).to.match(/bfloat16 ScatterND with reduction='mul' loads but fails at run time/);
    expect(runtimeGap(node('Clip'), 13, BF, 'ort-cpu')).to.match(/refused when the model loads/);
    expect(runtimeGap(node('Transpose'), 17, BF, 'ort-cpu')).to.equal(undefined);
    expect(runtimeGap(node('Add'), 17, BF, 'onnx')).to.equal(undefined);
  });

  it('bfloat16: an op the table does not cover stays float32 (no fallback); one onnxruntime lacks in float32 too is no gap', () => {
    expect(runtimeGap(node('NoSuchOp'), 17, BF, 'ort-cpu')).to.match(/was not measured/);
    expect(runtimeGap(node('RoiAlign'), 22, BF, 'ort-cpu')).to.equal(undefined);
    expect(runtimeGap(new Node({ opType: 'FusedMatMul', domain: 'com.microsoft' }), 17, BF, 'ort-cpu')).to.equal(undefined);
  });

  it('float16 on ort-cpu: the measured gaps, and the legacy-opset rule', () => {
    expect(runtimeGap(node('Add'), 17, FP, 'ort-cpu')).to.equal(undefined);
    expect(runtimeGap(node('NoSuchOp'), 17, FP, 'ort-cpu')).to.equal(undefined);
    expect(runtimeGap(node('EyeLike'), 17, FP, 'ort-cpu')).to.match(/no float16 kernel for EyeLike/);
    expect(runtimeGap(node('RandomNormal'), 17, FP, 'ort-cpu')).to.match(/no float16 kernel for RandomNormal/);
    expect(runtimeGap(node('HannWindow'), 18, FP, 'ort-cpu')).to.equal(undefined);
    expect(runtimeGap(node('HannWindow'), 19, FP, 'ort-cpu')).to.match(/no float16 kernel for HannWindow/);
    expect(runtimeGap(node('ScatterElements', { reduction: 'add' }), 17, FP, 'ort-cpu')).to.match(/fails at run time/);
    expect(runtimeGap(node('Add'), 5, FP, 'ort-cpu')).to.match(/opset 5 < 6/);
    expect(runtimeGap(node('EyeLike'), 17, FP, 'onnx')).to.equal(undefined);
  });
});

describe('ioKeptFloat32', () => {
  it('bfloat16 IO needs Cast-13: below, inputs and outputs stay float32 under every runtime', () => {
    expect(ioKeptFloat32(11, BF, 'onnx')).to.equal('ai.onnx opset 11: Cast-9 admits no bfloat16, so a bfloat16 input or output could not be cast from or to float32');
    expect(ioKeptFloat32(12, BF, 'ort-cpu')).to.match(/Cast-9 admits no bfloat16/);
    expect(ioKeptFloat32(13, BF, 'ort-cpu')).to.equal(undefined);
  });

  it('float16 IO stays float32 below opset 6 on ort-cpu only', () => {
    expect(ioKeptFloat32(5, FP, 'ort-cpu')).to.match(/opset 5 < 6/);
    expect(ioKeptFloat32(5, FP, 'onnx')).to.equal(undefined);
    expect(ioKeptFloat32(9, FP, 'ort-cpu')).to.equal(undefined);
  });
});

describe('the runtime rule in the analysis (bf16 policy)', () => {
  const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[3,4] X) => (float[4,3] Y, float[3,4] Z)
<float[3,4] W = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}>
{
  a = Add (X, W)
  Y = Transpose <perm = [1, 0]> (a)
  Z = Reshape (X, s)
  s = Shape (W)
}`;

  it('keeps an op without a bfloat16 kernel float32 (rule runtime) and converts one with a kernel', () => {
    const plan = planMixedPrecision(parse(MODEL), { policy: bf16 });
    const add = byOutput(plan, 'a');
    expect([add.rule, add.color, add.converted]).to.deep.equal(['runtime', 'red', false]);
    expect(add.reason).to.match(/^onnxruntime-node 1\.30\.0 CPU at ai\.onnx opset 17: no bfloat16 kernel for Add/);
    const tr = byOutput(plan, 'Y');
    expect([tr.rule, tr.converted, tr.outputs[0]]).to.deep.equal(['policy', true, BF]);
    expect(byOutput(plan, 'Z').converted).to.equal(true);
  });

  it('runtime=onnx follows the schemas alone: Add converts', () => {
    const plan = planMixedPrecision(parse(MODEL), { policy: bf16, runtime: 'onnx' });
    const add = byOutput(plan, 'a');
    expect([add.rule, add.converted]).to.deep.equal(['policy', true]);
  });

  it('float16 uses its own table: MeanVarianceNormalization is kept at opset 13 and converts at 14', () => {
    const mvn = (opset: number): NodePlan => byOutput(planMixedPrecision(parse(`<ir_version: 8, opset_import: ["" : ${opset}]>
main (float[1,2,3,3] X) => (float[1,2,3,3] Y)
{
  Y = MeanVarianceNormalization (X)
}`)), 'Y');
    expect([mvn(13).rule, mvn(13).converted]).to.deep.equal(['runtime', false]);
    expect([mvn(14).rule, mvn(14).converted]).to.deep.equal(['policy', true]);
  });
});

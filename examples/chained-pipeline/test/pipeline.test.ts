import { expect } from 'chai';
import { ACCUMULATION_KEY } from '@mixprec/amp';
import { runModel } from '@mixprec/executor-tfjs';
import { DataType, cloneModel, structuralHash, tensorToFloat32, verify, type Model, type Tensor } from '@mixprec/ir';
import { createPassContext, printPipeline, runPipeline } from '@mixprec/passes';
import { mulberry32, randomTensor } from '@mixprec/testing';
import { buildMlp, createRegistry, runChainedPipeline, type PipelineRun } from '../src/index.js';

async function probs(model: Model, x: Tensor): Promise<Float32Array> {
  const r = await runModel(model, { x });
  if (r._tag === 'Left') throw new Error(r.left.message);
  return tensorToFloat32(r.right.outputs['probs']!);
}

describe('chained pipeline from code', () => {
  const original = buildMlp();
  const model = cloneModel(original);
  let run: PipelineRun;
  before(() => {
    run = runChainedPipeline(model);
  });

  it('prints as the pipeline text the CLI takes, and that text parses back to the same pipeline', () => {
    expect(run.text).to.equal('infer-types,fuse-matmul-add,amp{target=float16 policy=balanced keep-io-types=true},cast-cleanup,dce');
    const registry = createRegistry();
    const parsed = registry.parse(run.text);
    if (parsed._tag === 'Left') throw new Error(parsed.left.message);
    expect(printPipeline(parsed.right)).to.equal(run.text);
    // running the parsed text gives the same model as the pipeline built in code
    const again = buildMlp();
    const ctx = createPassContext({ registry, verifyEach: true });
    if (ctx._tag === 'Left') throw new Error(ctx.left.message);
    const r = runPipeline(again, parsed.right, ctx.right);
    expect(r._tag).to.equal('Right');
    expect(structuralHash(again)).to.equal(structuralHash(model));
  });

  it('timing instrument: every pass once, in order, infer-types twice (fuse-matmul-add requires it)', () => {
    expect(run.timings.map((t) => [t.name, t.runs, t.modifiedRuns])).to.deep.equal([
      ['mlp-to-fp16', 1, 1], ['infer-types', 2, 1], ['fuse-matmul-add', 1, 1], ['amp', 1, 1], ['cast-cleanup', 1, 0], ['dce', 1, 0],
    ]);
    expect(run.timings[0]!.composite).to.equal(true);
    for (const t of run.timings) expect(t.totalMs).to.be.at.least(t.selfMs);
    expect(run.timingReport).to.match(/^Pass execution timing report: total \d+\.\d{3} ms/);
    expect(run.timingReport).to.match(/ fuse-matmul-add$/m);
  });

  it('IR printer: one dump after the fusion (Gemm, no MatMul/Add) and one after amp (float16, Casts at the float32 IO)', () => {
    expect(run.dumps.map((d) => [d.index, d.stage, d.pass])).to.deep.equal([[1, 'after', 'fuse-matmul-add'], [2, 'after', 'amp']]);
    const [fused, converted] = run.dumps.map((d) => d.text);
    expect(fused!.match(/= Gemm \(/g)).to.have.length(3);
    expect(fused).to.not.match(/= (MatMul|Add) \(/);
    expect(converted).to.contain('[Cast_x_to_fp16] x_fp16 = Cast <to = 10> (x)');
    expect(converted).to.contain('[softmax] probs = Softmax <axis = -1> (fc3_out_fp32)');
    expect(converted!.match(/mixprec\.accumulation": "float32"/g)).to.have.length(3);
  });

  it('node-count instrument (our own): 9 nodes → 6 after the fusion → 8 with the two boundary Casts', () => {
    expect(run.steps.map((s) => [s.pass, s.before, s.after, s.modified])).to.deep.equal([
      ['infer-types', 9, 9, true], ['infer-types', 9, 9, false], ['fuse-matmul-add', 9, 6, true], ['amp', 6, 8, true],
      ['cast-cleanup', 8, 8, false], ['dce', 8, 8, false],
    ]);
  });

  it('gives a valid model: Gemm in float16 with float32 accumulation, Softmax red (balanced), float32 IO, close numbers', async () => {
    expect(verify(model)).to.deep.equal([]);
    const nodes = [...model.graph];
    for (const n of nodes.filter((x) => x.opType === 'Gemm')) {
      expect(n.outputs[0]!.dtype).to.equal(DataType.FLOAT16);
      expect(n.metadataProps.get(ACCUMULATION_KEY)).to.equal('float32');
      expect(n.inputs[1]!.dtype).to.equal(DataType.FLOAT16); // the weight is stored in float16
    }
    expect(nodes.find((n) => n.opType === 'Softmax')!.outputs[0]!.dtype).to.equal(DataType.FLOAT);
    expect(model.graph.inputs[0]!.dtype).to.equal(DataType.FLOAT);
    expect(model.graph.outputs[0]!.dtype).to.equal(DataType.FLOAT);
    const x = randomTensor(DataType.FLOAT, [1, 64], mulberry32(7));
    const [a, b] = [await probs(original, x), await probs(model, x)];
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).to.be.lessThan(2e-3);
    expect(b.reduce((s, v) => s + v, 0)).to.be.closeTo(1, 1e-5);
  });
});

/**
 * Localisation on a real model with a planted culprit: PaddleOCR cls with one extra node that
 * scales a convolution output by 3e4 (and a second one that scales it back). In FP32 nothing
 * changes; in FP16 the planted node overflows (thousands of infs), the next layers carry them
 * until hard-swish Clips squash them, and the output hardly moves: a silent overflow. The
 * localisation must name the planted node — the root cause — not any of the symptoms.
 */
import { expect } from 'chai';
import { DataType, Node, Value, cloneModel, floatTensor, tensorType, type Model } from '@mixprec/ir';
import { loadModel } from '@mixprec/onnx';
import { UNBOUNDED, castFp32ToFp16, compareModels, localizeDivergence, observedRun, randomFeedSets } from '@mixprec/amp';
import { REAL_MODELS, realModelFeeds, realModelPath } from '@mixprec/testing';

function cls(): Model {
  const r = loadModel(realModelPath('ppocr-cls'));
  if (r._tag === 'Left') throw new Error('cannot load ppocr-cls');
  return r.right;
}

/** Inserts `x → Mul ×3e4 'planted' → Mul ×(1/3e4) 'planted_back'` after the output of `at`. */
function plant(m: Model, at: string): void {
  const g = m.graph;
  const node = [...g].find((n) => n.name === at)!;
  const v = node.outputs[0]!;
  const up = new Value(g.names.freshValueName('planted_k'), tensorType(DataType.FLOAT, []), floatTensor([], [3e4]));
  const down = new Value(g.names.freshValueName('planted_inv_k'), tensorType(DataType.FLOAT, []), floatTensor([], [1 / 3e4]));
  g.addInitializer(up);
  g.addInitializer(down);
  const back = new Node({ opType: 'Mul', name: 'planted_back', inputs: [undefined, down], outputs: [g.names.freshValueName('planted_back_out')] });
  v.replaceAllUsesWith(back.outputs[0]!);
  const mul = new Node({ opType: 'Mul', name: 'planted', inputs: [v, up], outputs: [g.names.freshValueName('planted_out')] });
  back.replaceInput(0, mul.outputs[0]!);
  g.insertAfter(node, [mul, back]);
}

describe('localisation on a real model with a planted overflow', function () {
  this.timeout(300000);

  it('names the planted node in PaddleOCR cls, not the layers that carry its inf', async () => {
    const spec = REAL_MODELS.find((m) => m.name === 'ppocr-cls')!;
    const feeds = realModelFeeds(spec, 3);
    const base = cls();
    // Plant after the first Conv whose output reaches |x| ≥ 3 (×3e4 then exceeds 65504).
    const probe = await observedRun(base, feeds, undefined, { keepIntermediates: true });
    if (probe._tag === 'Left') throw new Error(probe.left);
    const at = [...base.graph].find((n) => {
      if (n.opType !== 'Conv') return false;
      const t = probe.right.intermediates!.get(n.outputs[0]!.name);
      return t !== undefined && Math.max(...Array.from(t.data as Float32Array, Math.abs)) >= 3;
    })!;
    expect(at, 'a Conv reaching |x| ≥ 3').to.not.equal(undefined);
    const model = cls();
    plant(model, at.name);
    const fp16 = cloneModel(model);
    castFp32ToFp16(fp16);
    // The inf does not reach the output: hard-swish Clips squash it to 6 and the classifier
    // averages the rest away. The output stays close; only the localisation sees the overflow.
    const v = await compareModels(model, fp16, [{ label: 'seeded', feeds }]);
    if (v._tag === 'Left') throw new Error(v.left.message);
    const out = Object.values(v.right.outputs)[0]!;
    expect(out.nonFinite.introduced).to.equal(0);
    expect(v.right.passed).to.equal(true);

    const r = await localizeDivergence(model, fp16, feeds, { sample: 'seeded' });
    if (r._tag === 'Left') throw new Error(r.left);
    const loc = r.right;
    expect(loc.rootCauses.map((c) => c.node)).to.deep.equal(['planted']);
    expect(loc.rootCauses[0]!.localError).to.equal(UNBOUNDED);
    expect(loc.rootCauses[0]!.inputError).to.be.lessThan(1e-2);
    expect(loc.firstDivergent!.node).to.equal('planted');
    // Downstream layers diverge too (the symptoms), and are not named.
    const downstream = loc.values.filter((x) => x.error > loc.threshold).map((x) => x.node);
    expect(downstream.length).to.be.greaterThan(1);
    console.log(`      planted after ${at.name}: root cause ${loc.rootCauses[0]!.node} (${loc.rootCauses[0]!.outputs[0]!.nonFinite} infs); ${downstream.length} diverged values downstream; output max abs ${out.maxAbs.toExponential(2)}; ${loc.runs} runs, ${loc.replays} replays, ${loc.ms} ms`);
    // The random samples of the CLI agree: the culprit does not depend on the data.
    const more = await randomFeedSets(model, { samples: 1, seed: 11, shapes: spec.shapes });
    const again = await localizeDivergence(model, fp16, more[0]!.feeds);
    if (again._tag === 'Left') throw new Error(again.left);
    expect(again.right.rootCauses[0]?.node).to.equal('planted');
  });
});

import { expect } from 'chai';
import * as ort from 'onnxruntime-node';
import { runModel } from '@mixprec/executor-tfjs';
import {
  DataType, PreconditionError, Tensor, cloneModel, printModel, structuralHash, verify, type Model,
} from '@mixprec/ir';
import { encodeModel } from '@mixprec/onnx';
import { printPipeline } from '@mixprec/passes';
import { mulberry32, randomInt } from '@mixprec/testing';
import {
  castTo16BitPrecision, defineIntegerPolicy, int16, int64ToInt32, narrowIntegers, type NarrowingRule,
} from '../../src/index.js';
import { int16Registry, parseText } from './helpers.js';
import { castFeed, ortOutputs, sameValues } from './runtime.js';

const RULES: readonly NarrowingRule[] = [
  'cast', 'cast-unproven-input-opt-in', 'constant-foldable', 'indexing-consumer', 'light-consumer', 'schema', 'runtime',
  'range-unproven', 'quantized', 'subgraph', 'no-benefit',
];

/** The positive case: an int32 input clipped to ±1000, then added and multiplied over 64k elements. */
function positive(): Model {
  const k = Array.from({ length: 65536 }, (_, i) => (i % 7) - 3);
  return parseText(`<ir_version: 8, opset_import: ["" : 17]>
main (int32[256,256] x) => (int32[256,256] y)
<int32 lo = {-1000}, int32 hi = {1000}, int32[256,256] k = {${k.join(', ')}}>
{
  c = Clip (x, lo, hi)
  s = Add (c, c)
  y = Mul (s, k)
}`);
}

function feed(lo: number, hi: number, seed: number): Tensor {
  const rng = mulberry32(seed);
  return Tensor.of(DataType.INT32, [256, 256], Int32Array.from({ length: 65536 }, () => randomInt(rng, lo, hi)));
}

async function ortRun(m: Model, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const s = await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    return await ortOutputs(s, feeds);
  } finally {
    await s.release();
  }
}

/** Both runtimes give the converted model the same outputs as the original. */
async function expectIdentical(original: Model, converted: Model, x: Tensor): Promise<void> {
  const narrow = castFeed(x, converted.graph.inputs[0]!.dtype!);
  const a = await runModel(original, { x }, { backend: 'cpu' });
  const b = await runModel(converted, { x: narrow }, { backend: 'cpu' });
  if (a._tag === 'Left' || b._tag === 'Left') expect.fail('executor failed');
  expect(sameValues(a.right.outputs.y!, b.right.outputs.y!), 'executor').to.equal(true);
  const oa = await ortRun(original, { x });
  const ob = await ortRun(converted, { x: narrow });
  expect(sameValues(oa.y!, ob.y!), 'onnxruntime-node').to.equal(true);
  expect(sameValues(oa.y!, a.right.outputs.y!), 'executor vs onnxruntime-node').to.equal(true);
}

describe('int16: narrowIntegers and the passes', () => {
  it('narrows the positive case: int16 Add/Mul, an int16 weight, half the file size, identical outputs', async () => {
    const original = positive();
    const m = cloneModel(original);
    const r = narrowIntegers(m).int16!;
    expect(verify(m).filter((d) => d.severity === 'error')).to.deep.equal([]);
    const rules = Object.fromEntries(r.tensors.map((t) => [t.name, t.rule]));
    expect(rules).to.deep.equal({ x: 'runtime', lo: 'runtime', hi: 'runtime', k: 'cast', c: 'cast', s: 'cast', y: 'cast' });
    expect(r.io.outputs).to.deep.equal([{ name: 'y', before: 'INT32', after: 'INT16' }]);
    expect(r.casts.map((c) => `${c.input}->${c.to}`)).to.deep.equal(['c->INT16']);
    // The weight census matches the file: 64k int32 → int16 saves 131072 bytes.
    expect(r.weights.saved).to.equal(131072);
    const before = encodeModel(original).length;
    const after = encodeModel(m).length;
    // (less the value_info of the two new int16 values)
    expect(before - after).to.be.within(131072 - 256, 131072);
    expect(after / before).to.be.below(0.51);
    await expectIdentical(original, m, feed(-40000, 40000, 1));
  });

  it('with unprovenInputs: cast, reports the assumption (and still needs Clip for the arithmetic)', async () => {
    const original = positive();
    const m = cloneModel(original);
    const r = narrowIntegers(m, { unprovenInputs: 'cast', runtime: 'onnx' }).int16!;
    const byName = new Map(r.tensors.map((t) => [t.name, t]));
    expect(byName.get('x')!.rule).to.equal('cast-unproven-input-opt-in');
    expect(byName.get('c')!.rule, 'Clip bounds c whatever x is').to.equal('cast');
    expect(r.assumedInputs).to.deep.equal(['x']);
    expect(r.diagnostics.some((d) => d.code === 'int16-assumed-input-range' && d.severity === 'warning')).to.equal(true);
    expect(m.graph.inputs[0]!.dtype).to.equal(DataType.INT16);
    // runtime=onnx narrows Clip too: ORT has no int16 Clip with bounds, the executor runs it.
    const x = feed(-32768, 32767, 2);
    const a = await runModel(original, { x }, { backend: 'cpu' });
    const b = await runModel(m, { x: castFeed(x, DataType.INT16) }, { backend: 'cpu' });
    if (a._tag === 'Left' || b._tag === 'Left') expect.fail('executor failed');
    expect(sameValues(a.right.outputs.y!, b.right.outputs.y!)).to.equal(true);
  });

  it('with an inputRanges proof and keepIoTypes, keeps the interface and computes identically', async () => {
    const original = positive();
    const m = cloneModel(original);
    const r = narrowIntegers(m, { inputRanges: { x: [-5000, 5000] }, keepIoTypes: true }).int16!;
    expect(r.userRanges).to.deep.equal(['x']);
    expect(r.ioMode).to.equal('keep');
    expect(m.graph.inputs.map((v) => [v.name, v.dtype])).to.deep.equal([['x', DataType.INT32]]);
    expect(m.graph.outputs.map((v) => [v.name, v.dtype])).to.deep.equal([['y', DataType.INT32]]);
    expect(r.counts.narrowed).to.equal(4);
    await expectIdentical(original, m, feed(-5000, 5000, 3));
  });

  it('reports every candidate with one of the documented rules, and counts that add up', () => {
    const m = positive();
    const r = narrowIntegers(m, { narrowInt64: true });
    for (const rep of [r.int16!, r.int64ToInt32!]) {
      for (const t of rep.tensors) expect(RULES, `${t.name}: ${t.rule}`).to.include(t.rule);
      const total = Object.values(rep.counts.byRule).reduce((a, b) => a + b, 0);
      expect(total).to.equal(rep.counts.candidates);
      expect(rep.counts.candidates).to.equal(rep.tensors.length);
      expect(rep.counts.castsInserted).to.equal(rep.casts.length);
    }
    expect(r.int64ToInt32!.tensors, 'no INT64 values left to narrow').to.deep.equal([]);
    expect(r.modified).to.equal(true);
  });

  it('is idempotent: a second run changes nothing', () => {
    const m = positive();
    narrowIntegers(m, { narrowInt64: true });
    const hash = structuralHash(m);
    const again = narrowIntegers(m, { narrowInt64: true });
    expect(again.modified).to.equal(false);
    expect(structuralHash(m)).to.equal(hash);
  });

  it('gives values it did not narrow their declared types back (no inferred value_info left behind)', () => {
    const m = parseText(`<ir_version: 8, opset_import: ["" : 17]>
main (float[N,4] x) => (float[N,4] y)
{
  a = Relu (x)
  y = Neg (a)
}`);
    const before = printModel(m);
    const r = narrowIntegers(m, { narrowInt64: true });
    expect(r.modified).to.equal(false);
    expect(printModel(m)).to.equal(before);
  });

  it('honours a custom policy: nothing counts as intensive, nothing is narrowed', () => {
    const m = positive();
    const policy = defineIntegerPolicy({ name: 'none', intensiveOps: [], minElements: Infinity });
    const r = narrowIntegers(m, { policy }).int16!;
    expect(r.counts.narrowed).to.equal(0);
    expect(r.tensors.find((t) => t.name === 's')!.rule).to.equal('light-consumer');
    const calls: string[] = [];
    const picky = defineIntegerPolicy({ name: 'picky', decide: (q) => (calls.push(q.node.opType), q.node.opType === 'Mul' ? false : undefined) });
    const r2 = narrowIntegers(positive(), { policy: picky }).int16!;
    expect(calls).to.include('Mul');
    expect(r2.tensors.find((t) => t.name === 's')!.rule, 'Add still pays').to.equal('cast');
  });

  it('rejects invalid options with a message naming the option', () => {
    expect(() => narrowIntegers(positive(), { inputRanges: { x: [5, 1] } })).to.throw(PreconditionError, /inputRanges\.x/);
    expect(() => narrowIntegers(positive(), { dimBounds: { N: -1 } })).to.throw(PreconditionError, /dimBounds\.N/);
    const bad = int16.create({ inputRanges: ['x=1..'] });
    expect(bad._tag).to.equal('Left');
    if (bad._tag === 'Left') expect(bad.left.message).to.match(/input-ranges/);
    const unknown = int64ToInt32.create({ intensiveOps: [] });
    expect(unknown._tag).to.equal('Left');
    if (unknown._tag === 'Left') expect(unknown.left.message).to.match(/Unknown option 'intensive-ops' for pass 'int64-to-int32'/);
  });

  it('prints and parses its options in pipeline text', () => {
    const text = 'int16{unproven-inputs=cast input-ranges=[x=-5..5,y=0..9] dim-bounds=[N=4096] keep-io-types=true}';
    const p = int16Registry.parse(text);
    if (p._tag === 'Left') expect.fail(p.left.message);
    const printed = printPipeline(p.right);
    const again = int16Registry.parse(printed);
    if (again._tag === 'Left') expect.fail(again.left.message);
    expect(printPipeline(again.right)).to.equal(printed);
    expect(printed).to.equal('int16{keep-io-types=true unproven-inputs=cast input-ranges=["x=-5..5","y=0..9"] dim-bounds=["N=4096"]}');
  });

  it('castTo16BitPrecision runs the float and the integer passes in one call and reports both', () => {
    const m = parseText(`<ir_version: 8, opset_import: ["" : 17]>
main (float[64,64] f, int32[256,256] x) => (float[64,64] g, int32[256,256] y)
<int32 lo = {-1000}, int32 hi = {1000}, int32 k = {3}, float[64,64] w = {${Array.from({ length: 4096 }, (_, i) => (i % 5) / 4).join(', ')}}>
{
  g = MatMul (f, w)
  c = Clip (x, lo, hi)
  s = Add (c, c)
  y = Mul (s, k)
}`);
    const r = castTo16BitPrecision(m);
    expect(r.int16.int16?.counts.narrowed).to.equal(4);
    expect(m.graph.outputs.map((v) => v.dtype)).to.deep.equal([DataType.FLOAT16, DataType.INT16]);
    expect(verify(m).filter((d) => d.severity === 'error')).to.deep.equal([]);
  });
});

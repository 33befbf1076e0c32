import { expect } from 'chai';
import { DataType, getOpSchema, type Model, type Node } from '@mixprec/ir';
import { DTypeResolver } from '../src/dtypes.js';
import { SlotGroupCache, floatFlags, nodeSlots, slotsFor, type FlagSummary, type NodeSlots } from '../src/node-slots.js';
import { DTypeRows } from '../src/plan-rows.js';
import { planMixedPrecision } from '../src/index.js';
import { parse, runOn } from './helpers.js';

/** The comparable content of slots (groups without identity). */
function content(s: NodeSlots): unknown {
  return {
    groups: s.groups.map((g) => ({ ...g })), fixedInputs: [...s.fixedInputs], fixedOutputs: [...s.fixedOutputs], hasFloat: s.hasFloat,
    sound: s.sound.map((g) => s.groups.indexOf(g)),
  };
}

const model = parse(`<ir_version: 9, opset_import: ["" : 18]>
main (float[2,2] X, float[2,2] Y, int64[2] S, float16[2,2] H, float[4] sc, float[0] roi) => (float[2,2] Z, float16[2,2] Q, float[1,1,4,4] R)
{
  a = Add (X, Y)
  b = Add (a, X)
  c = Mul (b, Y)
  d = Reshape (c, S)
  e = Concat <axis = 0> (a, b, c)
  f = Concat <axis = 0> (a, H)
  g = Sum (a, b)
  h = Sum (a, b, c, a)
  Z = Identity (d)
  Q = Identity (H)
  x4 = Reshape (X, S)
  R = Resize (x4, roi, sc)
}`);

describe('analysis: shared slots, shared dtype rows, declared types', () => {
  it('slots found by float mask equal the slots computed for each node (and nodes with the same mask share them)', () => {
    runOn(model, 'infer-types'); // typed values: what makes a node's positions plain
    const dt = new DTypeResolver(model);
    const cache = new SlotGroupCache();
    const summary: FlagSummary = { mask: 0, plain: false };
    const seen = new Map<string, NodeSlots>();
    for (const target of [DataType.FLOAT16, DataType.BFLOAT16] as const) {
      for (const n of model.graph.nodes() as Node[]) {
        const schema = getOpSchema('', n.opType, 18)!;
        const flags = floatFlags(n, dt, new Uint8Array(n.inputs.length + n.outputs.length), summary);
        const merged = cache.get(schema, n.inputs.length, n.outputs.length, true);
        const fast = slotsFor(n, flags, summary, merged, false, dt, target);
        const fresh = nodeSlots(n, schema, dt, target, false);
        expect(content(fast), `${n.opType} ${n.outputs[0]!.name}`).to.deep.equal(content(fresh));
        if (summary.plain) {
          const key = `${target}/${n.opType}/${n.inputs.length}/${summary.mask}`;
          if (seen.has(key)) expect(seen.get(key)).to.equal(fast);
          seen.set(key, fast);
        }
      }
    }
    // Mixed float16 input (f) and the integer shape input (d) are not plain; Add, Mul, Concat, Sum are.
    expect(seen.size).to.be.greaterThan(3);
  });

  it('dtype rows: equal rows are one frozen array; long or unusual rows are copies', () => {
    const rows = new DTypeRows();
    const fill = (which: 0 | 1, ds: (DataType | undefined)[]): (DataType | undefined)[] => {
      const r = rows.scratch(which, ds.length);
      ds.forEach((d, i) => (r[i] = d));
      return r;
    };
    const a = rows.shareScratch(fill(0, [DataType.FLOAT16, undefined]), 2);
    const b = rows.shareScratch(fill(1, [DataType.FLOAT16, undefined]), 2);
    expect(a).to.equal(b);
    expect(Object.isFrozen(a)).to.equal(true);
    expect(a).to.deep.equal([DataType.FLOAT16, undefined]);
    expect(rows.shareScratch(fill(0, [undefined, undefined]), 2)).to.equal(rows.none(2));
    expect(rows.shareScratch(fill(0, [DataType.FLOAT, DataType.BFLOAT16]), 2)).to.deep.equal([DataType.FLOAT, DataType.BFLOAT16]);
    const odd = rows.shareScratch(fill(0, [DataType.DOUBLE]), 1);
    expect(odd).to.deep.equal([DataType.DOUBLE]);
    const long = new Array(20).fill(DataType.FLOAT16);
    expect(rows.shareScratch(fill(0, long), 20)).to.deep.equal(long);
    // The scratch row is reused: a shared row never changes afterwards.
    fill(0, [DataType.FLOAT, DataType.FLOAT]);
    expect(a).to.deep.equal([DataType.FLOAT16, undefined]);
  });

  it('the dtype resolver lists Constant nodes in graph order, also when the graph is not sorted', () => {
    const unsorted = parse(`<ir_version: 9, opset_import: ["" : 18]>
main (float[2] X) => (float[2] Z)
{
  Z = Add (y, k2)
  k1 = Constant <value = float[2] {1, 2}> ()
  y = Mul (w, k1)
  w = Relu (X)
  k2 = Constant <value = float[2] {3, 4}> ()
  k0 = Constant <value = float[1] {5}> ()
}`);
    const dt = new DTypeResolver(unsorted);
    const order = dt.order(unsorted.graph).map((n) => n.outputs[0]!.name);
    expect(order).to.not.deep.equal(unsorted.graph.nodes().map((n) => n.outputs[0]!.name));
    expect(dt.constantNodes(unsorted.graph)!.map((n) => n.outputs[0]!.name)).to.deep.equal(['k1', 'k2', 'k0']);
  });

  it('plans of one model are the same whatever was analysed before (no state kept between runs)', () => {
    const other: Model = parse(`<ir_version: 9, opset_import: ["" : 18]>
main (float[2] X) => (float[2] Z) { Z = Softmax (X) }`);
    const first = planMixedPrecision(model, { policy: 'balanced' });
    planMixedPrecision(other, { policy: 'balanced' });
    planMixedPrecision(other);
    const again = planMixedPrecision(model, { policy: 'balanced' });
    const view = (p: typeof first): unknown => p.nodes.map((x) => ({ ...x, node: x.node.outputs[0]!.name }));
    expect(view(again)).to.deep.equal(view(first));
  });
});

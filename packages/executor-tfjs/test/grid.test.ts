import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs-core';
import {
  attr, bfloat16BitsToFloat32, DataType, float16BitsToFloat32, GraphBuilder, roundToBFloat16, roundToFloat16,
  type Attr, type Node,
} from '@mixprec/ir';
import { KernelContext, kernels, TensorValue, type KernelHost, type RValue } from '../src/index.js';
import { gridInputs, gridKeepingOps } from '../src/grid.js';
import { setup } from './helpers.js';

/**
 * The "keeps the 16-bit grid" table (grid.ts): for every op in it, the kernel — run directly,
 * without the executor's rounding pass — turns FLOAT16 (BFLOAT16) grid values into outputs that
 * are on the same grid. Values are random 16-bit patterns: subnormals, ±0, ±Inf and NaN included.
 */

type In = readonly ['T', readonly number[]] | readonly ['i', readonly number[], readonly number[]] | readonly ['b', readonly number[], readonly number[]] | readonly ['f', readonly number[], readonly number[]] | readonly ['-'];

interface Case { readonly op: string; readonly ins: readonly In[]; readonly attrs?: Readonly<Record<string, Attr>>; readonly outputs?: number; readonly opset?: number }

const T = (...shape: number[]): In => ['T', shape];
const I = (shape: number[], v: number[]): In => ['i', shape, v];

const CASES: readonly Case[] = [
  { op: 'Identity', ins: [T(2, 3)] },
  { op: 'Reshape', ins: [T(2, 3), I([2], [3, 2])] },
  { op: 'Flatten', ins: [T(2, 3, 2)] },
  { op: 'Squeeze', ins: [T(1, 3), I([1], [0])] },
  { op: 'Unsqueeze', ins: [T(3), I([1], [0])] },
  { op: 'Transpose', ins: [T(2, 3)] },
  { op: 'Expand', ins: [T(3, 1), I([2], [3, 4])] },
  { op: 'Tile', ins: [T(2, 3), I([2], [2, 2])] },
  { op: 'Concat', ins: [T(2, 3), T(1, 3)], attrs: { axis: attr.int(0) } },
  { op: 'Split', ins: [T(4, 3)], outputs: 2 },
  { op: 'Slice', ins: [T(4, 3), I([1], [1]), I([1], [3])] },
  { op: 'DepthToSpace', ins: [T(1, 4, 2, 2)], attrs: { blocksize: attr.int(2) } },
  { op: 'SpaceToDepth', ins: [T(1, 1, 4, 4)], attrs: { blocksize: attr.int(2) } },
  { op: 'Trilu', ins: [T(3, 3)] },
  { op: 'Gather', ins: [T(5, 3), I([2], [4, 0])] },
  { op: 'GatherElements', ins: [T(3, 3), I([2, 3], [0, 1, 2, 2, 1, 0])] },
  { op: 'GatherND', ins: [T(3, 3), I([2, 2], [0, 1, 2, 2])] },
  { op: 'Compress', ins: [T(4, 3), ['b', [4], [1, 0, 1, 1]]], attrs: { axis: attr.int(0) } },
  { op: 'ReverseSequence', ins: [T(4, 2), I([2], [4, 2])], attrs: { batch_axis: attr.int(1), time_axis: attr.int(0) } },
  { op: 'Where', ins: [['b', [6], [1, 0, 1, 0, 0, 1]], T(6), T(6)] },
  { op: 'OneHot', ins: [I([3], [0, 3, 1]), I([], [4]), T(2)] },
  { op: 'MaxUnpool', ins: [T(1, 1, 2, 2), I([1, 1, 2, 2], [0, 3, 9, 14])], attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) } },
  { op: 'Scatter', ins: [T(3, 3), I([1, 3], [2, 0, 1]), T(1, 3)], opset: 10 },
  { op: 'ScatterElements', ins: [T(3, 3), I([1, 3], [2, 0, 1]), T(1, 3)], attrs: { reduction: attr.string('max') }, opset: 18 },
  { op: 'ScatterND', ins: [T(4, 3), I([2, 1], [1, 3]), T(2, 3)] },
  { op: 'Pad', ins: [T(2, 3), I([4], [1, 0, 1, 2]), T()] },
  { op: 'Pad', ins: [T(2, 3)], attrs: { pads: attr.ints([1, 0, 1, 2]) }, opset: 2 },
  { op: 'Resize', ins: [T(1, 1, 2, 3), ['-'], ['f', [4], [1, 1, 2, 1.5]]], attrs: { mode: attr.string('nearest') } },
  { op: 'Upsample', ins: [T(1, 1, 2, 2), ['f', [4], [1, 1, 2, 3]]], opset: 9 },
  ...['Relu', 'Neg', 'Abs', 'Sign', 'Floor', 'Ceil', 'Round'].map((op): Case => ({ op, ins: [T(256)] })),
  { op: 'Max', ins: [T(64), T(64), T(1)] },
  { op: 'Min', ins: [T(64), T(64)] },
  { op: 'MaxPool', ins: [T(1, 2, 5, 5)], attrs: { kernel_shape: attr.ints([2, 2]), pads: attr.ints([1, 1, 0, 0]) } },
  { op: 'GlobalMaxPool', ins: [T(1, 2, 3, 3)] },
  { op: 'ReduceMax', ins: [T(4, 5)], attrs: { axes: attr.ints([1]) } },
  { op: 'ReduceMin', ins: [T(4, 5)], attrs: { axes: attr.ints([0]) } },
  { op: 'TopK', ins: [T(10), I([1], [3])], outputs: 2 },
  { op: 'Unique', ins: [T(10)], outputs: 4 },
  { op: 'Hardmax', ins: [T(3, 4)] },
  { op: 'EyeLike', ins: [T(3, 4)] },
  { op: 'Clip', ins: [T(64), T(), T()] },
  { op: 'Cast', ins: [T(16)] },
  { op: 'CastLike', ins: [T(16), T(1)] },
];

function gridValues(dtype: DataType, n: number, seed: number): Float32Array {
  const bits = new Uint16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bits[i] = s >>> 16;
  }
  return dtype === DataType.FLOAT16 ? float16BitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
}

function nodeOf(c: Case, dtype: DataType): Node {
  const b = new GraphBuilder();
  const ins = c.ins.map((x, i) => (x[0] === '-' ? undefined : b.input(`x${i}`, x[0] === 'T' ? dtype : x[0] === 'i' ? DataType.INT64 : x[0] === 'b' ? DataType.BOOL : DataType.FLOAT, x[1])));
  const attrs = { ...c.attrs, ...(c.op === 'Cast' ? { to: attr.int(dtype) } : {}) };
  const outs = b.op(c.op, ins, { attrs, outputs: c.outputs ?? 1 });
  return outs[0]!.producer()!;
}

const host = (opset: number): KernelHost => ({
  opset, seed: 0, attrScope: undefined, note: () => undefined,
  runSubgraph: () => { throw new Error('no subgraphs here'); },
});

function offGrid(dtype: DataType, v: Float32Array): number {
  const r = dtype === DataType.FLOAT16 ? roundToFloat16(v) : roundToBFloat16(v);
  let bad = 0;
  for (let i = 0; i < v.length; i++) if (!Object.is(r[i], v[i]) && !(Number.isNaN(r[i]!) && Number.isNaN(v[i]!))) bad++;
  return bad;
}

describe('ops that keep the 16-bit grid (rounding skipped)', () => {
  before(setup);

  it('every op of the table has a case here', () => {
    const covered = new Set(CASES.map((c) => c.op));
    expect(gridKeepingOps().filter((op) => !covered.has(op))).to.deep.equal([]);
  });

  for (const dtype of [DataType.FLOAT16, DataType.BFLOAT16]) {
    for (const [k, c] of CASES.entries()) {
      it(`${c.op}${c.opset !== undefined ? `-${c.opset}` : ''} (${dtype === DataType.FLOAT16 ? 'FLOAT16' : 'BFLOAT16'}): outputs stay on the grid`, () => {
        const opset = c.opset ?? 17;
        const node = nodeOf(c, dtype);
        expect(gridInputs(node, opset), 'the table keeps this node').to.not.equal(undefined);
        tf.tidy(() => {
          const inputs: (RValue | undefined)[] = c.ins.map((x, i) => {
            if (x[0] === '-') return undefined;
            if (x[0] === 'T') {
              const n = x[1].reduce((a, d) => a * d, 1);
              return TensorValue.ofTf(dtype, tf.tensor(gridValues(dtype, n, 17 * k + i + dtype), [...x[1]], 'float32'));
            }
            const dt = x[0] === 'i' ? DataType.INT64 : x[0] === 'b' ? DataType.BOOL : DataType.FLOAT;
            const st = x[0] === 'i' ? 'int32' : x[0] === 'b' ? 'bool' : 'float32';
            return TensorValue.ofTf(dt, tf.tensor([...x[2]], [...x[1]], st));
          });
          const outs = kernels.get(`::${c.op}`)!.run(new KernelContext(node, inputs, host(opset)));
          let checked = 0;
          for (const o of outs) {
            if (o?.kind !== 'tensor' || o.dtype !== dtype || o.tf === undefined) continue;
            // (the cpu backend may hold float32 data in an Int32Array: compare numbers)
            const vals = Float32Array.from(o.tf.dataSync());
            expect(offGrid(dtype, vals), `output of ${c.op} off the grid: ${Array.from(vals).slice(0, 12).join(', ')}`).to.equal(0);
            checked++;
          }
          expect(checked, 'a 16-bit output was checked').to.be.greaterThan(0);
        });
      });
    }
  }

  it('attributes that create new values take a node out of the table', () => {
    const node = (op: string, ins: In[], attrs: Record<string, Attr>): Node => nodeOf({ op, ins, attrs }, DataType.FLOAT16);
    expect(gridInputs(node('ScatterND', [T(4, 3), I([2, 1], [1, 3]), T(2, 3)], { reduction: attr.string('add') }), 18)).to.equal(undefined);
    expect(gridInputs(node('Pad', [T(2, 3)], { pads: attr.ints([1, 0, 1, 2]), value: attr.float(0.1) }), 2)).to.equal(undefined);
    expect(gridInputs(node('Resize', [T(1, 1, 2, 2)], { mode: attr.string('linear') }), 17)).to.equal(undefined);
    expect(gridInputs(node('Clip', [T(4)], { min: attr.float(0.1) }), 6)).to.equal(undefined);
    expect(gridInputs(node('Add', [T(4), T(4)], {}), 17)).to.equal(undefined);
  });
});

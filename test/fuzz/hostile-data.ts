/**
 * Hostile tensors and types: negative and 2^62 dims, data lengths that disagree with dims,
 * huge dims with empty data, hostile external-data entries (against the sandbox folder of
 * {@link SANDBOX_LOCATIONS}), confused attributes, sparse tensors, and valid but partly 16-bit
 * models (what a converter meets when fed its own output).
 */
import { toFloat16Bits } from '@mixprec/ir';
import type { Generator } from './hostile-graphs.js';
import {
  BFLOAT16, BOOL, FLOAT, FLOAT16, INT64, baseGraph, encode, floatTensor, i64, intAttr, model, node, vi,
  type IGraph, type ITensor,
} from './proto-build.js';

const TWO = (e: number): bigint => 1n << BigInt(e);

/** Dims values that are not sizes: negative, 2^31/2^32 edges, 2^53+, 2^62, 2^63-1. */
const BAD_DIMS: readonly bigint[] = [-1n, -2n, -TWO(62), TWO(31), TWO(32), TWO(40), TWO(53) + 1n, TWO(62), TWO(63) - 1n];

export const negativeOrHugeShape: Generator = (rng) => {
  const v = rng.int(0, 3);
  const d = rng.pick(BAD_DIMS);
  const g = baseGraph();
  if (v === 0) g.input = [vi('X', FLOAT, [d])];
  else if (v === 1) g.output = [vi('Y', FLOAT, [1, d])];
  else if (v === 2) g.valueInfo = [vi('s', FLOAT, [d, d])];
  else g.input = [vi('X', FLOAT, [TWO(31), TWO(31), TWO(31)])];
  return { bytes: encode(model(g)), variant: `shape-${v}-${d}` };
};

export const badTensorDims: Generator = (rng) => {
  const v = rng.int(0, 6);
  const g = baseGraph();
  let w: ITensor;
  const d = rng.pick(BAD_DIMS);
  if (v === 0) w = { name: 'W', dims: [i64(d)], dataType: FLOAT, rawData: new Uint8Array(16) };
  else if (v === 1) w = { name: 'W', dims: [i64(TWO(31)), i64(TWO(31))], dataType: FLOAT };
  else if (v === 2) w = { name: 'W', dims: [i64(TWO(62))], dataType: FLOAT, rawData: new Uint8Array(0) };
  else if (v === 3) w = { name: 'W', dims: [0, i64(TWO(62))], dataType: FLOAT, rawData: new Uint8Array(0) };
  else if (v === 4) w = { name: 'W', dims: [i64(TWO(26)), i64(TWO(26))], dataType: FLOAT, floatData: [1, 2, 3, 4] };
  else if (v === 5) w = { name: 'W', dims: [i64(TWO(20)), i64(TWO(20)), i64(TWO(20))], dataType: 8 /* STRING */, stringData: [] };
  else w = { name: 'W', dims: [i64(d)], dataType: INT64, int64Data: [1, 2, 3, 4] };
  g.initializer = [w];
  return { bytes: encode(model(g)), variant: `tensor-dims-${v}` };
};

export const dataMismatch: Generator = (rng) => {
  const v = rng.int(0, 6);
  const g = baseGraph();
  const w: ITensor = { name: 'W', dims: [4], dataType: FLOAT };
  if (v === 0) w.rawData = new Uint8Array(15);
  else if (v === 1) w.rawData = new Uint8Array(17);
  else if (v === 2) w.floatData = [1, 2, 3];
  else if (v === 3) w.int64Data = [1, 2, 3, 4];
  else if (v === 4) Object.assign(w, { rawData: new Uint8Array(16), floatData: [1, 2, 3, 4] });
  else if (v === 5) Object.assign(w, { dataType: FLOAT16, int32Data: [0x3c00, 0x10000, -1, 0x7c00] });
  else Object.assign(w, { dataType: 8, rawData: new Uint8Array(4) });
  g.initializer = [w];
  return { bytes: encode(model(g)), variant: `data-mismatch-${v}` };
};

/** Constant nodes and shape constants that would make a folding or amp pass allocate huge tensors. */
export const hugeConstants: Generator = (rng) => {
  const v = rng.int(0, 3);
  const g = baseGraph();
  const shape = (dims: readonly bigint[]): ITensor => ({ name: 'shape', dims: [dims.length], dataType: INT64, int64Data: dims.map(i64) });
  if (v === 0) {
    g.node = [node('Constant', [], ['k'], { attribute: [{ name: 'value', type: 4, t: { dims: [i64(TWO(40))], dataType: FLOAT } }] }), node('Add', ['X', 'k'], ['Y'])];
  } else if (v === 1) {
    g.initializer = [shape([TWO(20), TWO(20), TWO(10)])];
    g.node = [node('ConstantOfShape', ['shape'], ['k']), node('Add', ['X', 'k'], ['Y'])];
  } else if (v === 2) {
    g.initializer = [shape([TWO(30), 4n])];
    g.node = [node('Expand', ['X', 'shape'], ['Y'])];
  } else {
    g.node = [node('Constant', [], ['k'], { attribute: [{ name: 'value_floats', type: 6, floats: [] }, intAttr('value_int', TWO(62))] }), node('Add', ['X', 'k'], ['Y'])];
  }
  return { bytes: encode(model(g)), variant: `huge-constant-${v}` };
};

/** Locations relative to the sandbox model folder (see sandbox.ts), most of them hostile. */
export const SANDBOX_LOCATIONS: readonly string[] = Object.freeze([
  'w.bin', 'sub/w.bin', './w.bin', 'link-in.bin', 'link-out.bin', 'linkdir/secret.bin', 'fifo', 'zero', 'devnull', 'dir',
  'missing.bin', 'case.onnx', '/etc/passwd', '/dev/zero', '../outside/secret.bin', 'sub/../../outside/secret.bin', 'sub/../w.bin',
  '..', '.', '', 'w.bin\u0000.txt', 'C:\\w.bin', '\\\\server\\share\\w.bin', 'sub\\..\\..\\x', 'file:///etc/passwd',
  'x'.repeat(5000), 'w.bin/', '~/w.bin', 'w.bin\n',
]);

const OFFSETS: readonly (string | undefined)[] = [undefined, '0', '4', '4096', '4095', '99999999', '-1', '1e3', '0x10', ' 4', '18446744073709551616', '9007199254740993', ''];
const LENGTHS: readonly (string | undefined)[] = [undefined, '16', '0', '4096', '17', '-16', '99999999999', 'abc'];

export const externalData: Generator = (rng) => {
  const location = rng.pick(SANDBOX_LOCATIONS);
  const offset = rng.pick(OFFSETS);
  const length = rng.pick(LENGTHS);
  const entries = [{ key: 'location', value: location }];
  if (offset !== undefined) entries.push({ key: 'offset', value: offset });
  if (length !== undefined) entries.push({ key: 'length', value: length });
  if (rng.chance(0.1)) entries.push({ key: 'location', value: rng.pick(SANDBOX_LOCATIONS) });
  const g = baseGraph();
  const dtype = rng.chance(0.8) ? FLOAT : rng.pick([FLOAT16, 8, 0, 999]);
  g.initializer = [{ name: 'W', dims: [4], dataType: dtype, dataLocation: 1, externalData: entries, ...(rng.chance(0.05) ? { rawData: new Uint8Array(16) } : {}) }];
  return { bytes: encode(model(g)), variant: `external-${JSON.stringify(location.length > 40 ? `${location.slice(0, 8)}…` : location)}@${offset ?? '-'}+${length ?? '-'}` };
};

export const attributeConfusion: Generator = (rng) => {
  const v = rng.int(0, 6);
  const g = baseGraph();
  const to = rng.pick([9999n, -1n, TWO(40), 0n, 8n, BigInt(FLOAT16), BigInt(BFLOAT16)]);
  if (v === 0) g.node = [node('Cast', ['X'], ['c'], { attribute: [intAttr('to', to)] }), node('Identity', ['c'], ['Y'])];
  else if (v === 1) g.node = [node('Cast', ['X'], ['Y'])];
  else if (v === 2) g.node = [node('Cast', ['X'], ['Y'], { attribute: [{ name: 'to', type: 1, f: 10 }] })];
  else if (v === 3) g.node = [node('Relu', ['X'], ['Y'], { attribute: [{ name: 'alpha', type: 99 as never }] })];
  else if (v === 4) g.node = [node('Relu', ['X'], ['Y'], { attribute: [{ name: 'x', type: 5, i: 1 }] })];
  else if (v === 5) g.node = [node('CastLike', ['X', 'X'], ['Y'], { attribute: [intAttr('saturate', 7)] })];
  else g.node = [node('Relu', ['X'], ['Y'], { attribute: [{ name: 'r', refAttrName: 'missing', type: 2 }] })];
  return { bytes: encode(model(g)), variant: `attribute-${v}` };
};

export const sparse: Generator = (rng) => {
  const v = rng.int(0, 3);
  const g = baseGraph();
  const values: ITensor = { name: 'S', dims: [2], dataType: FLOAT, floatData: [1, 2] };
  const indices: ITensor = { dims: [2], dataType: INT64, int64Data: v === 1 ? [i64(-1), i64(TWO(40))] : [0, 3] };
  const dims = v === 0 ? [i64(TWO(40)), i64(TWO(40))] : v === 2 ? [i64(-4)] : [4];
  if (v === 3) values.floatData = [1, 2, 3];
  g.sparseInitializer = [{ values, indices, dims }];
  g.node = [node('Add', ['X', 'S'], ['Y'])];
  return { bytes: encode(model(g)), variant: `sparse-${v}` };
};

/** Valid models that are already partly 16-bit: FLOAT16 weights behind Casts, 16-bit inputs, Cast pairs. */
export const partly16: Generator = (rng) => {
  const v = rng.int(0, 3);
  const half = (name: string, values: readonly number[]): ITensor => ({ name, dims: [values.length], dataType: FLOAT16, int32Data: values.map((x) => toFloat16Bits(x)) });
  const g: IGraph = baseGraph();
  if (v === 0) {
    g.initializer = [half('Wh', [0.5, 1, 1.5, 2])];
    g.node = [node('Cast', ['Wh'], ['W'], { name: 'w_to_f32', attribute: [intAttr('to', FLOAT)] }), node('Add', ['X', 'W'], ['s'], { name: 'add' }), node('Relu', ['s'], ['Y'], { name: 'relu' })];
  } else if (v === 1) {
    g.node = [node('Cast', ['X'], ['xh'], { name: 'to16', attribute: [intAttr('to', FLOAT16)] }), node('Cast', ['xh'], ['x32'], { name: 'to32', attribute: [intAttr('to', FLOAT)] }),
      node('Add', ['x32', 'W'], ['s'], { name: 'add' }), node('Relu', ['s'], ['Y'], { name: 'relu' })];
  } else if (v === 2) {
    g.input = [vi('X', FLOAT16, [4])];
    g.initializer = [half('W', [1, 2, 3, 4])];
    g.output = [vi('Y', FLOAT16, [4])];
  } else {
    g.input = [vi('X', FLOAT, [4]), vi('B', BOOL, [])];
    g.initializer = [floatTensor('W', [4], [1, 2, 3, 4]), half('H', [1, 2, 3, 4])];
    g.node = [node('Cast', ['H'], ['h32'], { name: 'h_up', attribute: [intAttr('to', FLOAT)] }), node('Mul', ['X', 'h32'], ['m'], { name: 'mul' }),
      node('Add', ['m', 'W'], ['s'], { name: 'add' }), node('Relu', ['s'], ['Y'], { name: 'relu' })];
  }
  return { bytes: encode(model(g)), variant: `partly16-${v}` };
};

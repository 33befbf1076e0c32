/**
 * Probe cases: shape and data-movement ops, gathers and scatters, resizing.
 */
import { attr } from '@mixprec/ir';
import { BOOL, FLOAT, f, fv, i64, s64, t, type Case, type CaseFn } from './case.js';

const reshape: CaseFn = (c) => (c.since < 5 ? { inputs: [f(c, 2, 3)], attrs: { shape: attr.ints([3, 2]) } }
  : { inputs: [f(c, 2, 3), i64([2], [3, 2])] });

const squeeze: CaseFn = (c) => (c.since < 13 ? { inputs: [f(c, 1, 3)], attrs: { axes: attr.ints([0]) } }
  : { inputs: [f(c, 1, 3), i64([1], [0])] });

const unsqueeze: CaseFn = (c) => (c.since < 13 ? { inputs: [f(c, 2, 3)], attrs: { axes: attr.ints([0]) } }
  : { inputs: [f(c, 2, 3), i64([1], [0])] });

const concat: CaseFn = (c) => ({ inputs: [f(c, 2, 3), f(c, 2, 3)], attrs: { axis: attr.int(0) } });

const split: CaseFn = (c) => (c.since >= 18 ? { inputs: [f(c, 2, 3)], attrs: { num_outputs: attr.int(2) }, outputs: 2 }
  : { inputs: [f(c, 2, 3)], outputs: 2 });

const slice: CaseFn = (c) => (c.since < 10
  ? { inputs: [f(c, 3, 4)], attrs: { starts: attr.ints([0]), ends: attr.ints([2]), axes: attr.ints([0]) } }
  : { inputs: [f(c, 3, 4), i64([1], [0]), i64([1], [2]), i64([1], [0])] });

const gather: CaseFn = (c) => ({ inputs: [f(c, 3, 4), i64([2], [0, 2])] });
const gatherElements: CaseFn = (c) => ({ inputs: [f(c, 3, 4), i64([3, 4], new Array<number>(12).fill(1))] });
const gatherND: CaseFn = (c) => ({ inputs: [f(c, 3, 4), i64([2, 1], [0, 2])] });

/** Scatter ops: plain, and each reduction the op version knows (a variant of the table). */
function scatter(data: (c: Parameters<CaseFn>[0]) => Case['inputs']): CaseFn {
  return (c) => {
    const base: Case = { inputs: data(c) };
    if (c.op === 'Scatter' || c.since < 16) return base;
    const reductions = c.since >= 18 ? ['add', 'mul', 'max', 'min'] : ['add', 'mul'];
    return [base, ...reductions.map((r): Case => ({
      label: `reduction=${r}`, when: { attr: 'reduction', value: r }, inputs: data(c), attrs: { reduction: attr.string(r) },
    }))];
  };
}
const scatterElements = scatter((c) => [f(c, 3, 3), i64([1, 3], [0, 1, 2]), f(c, 1, 3)]);
const scatterND = scatter((c) => [f(c, 3, 3), i64([2, 1], [0, 2]), f(c, 2, 3)]);

const expand: CaseFn = (c) => ({ inputs: [f(c, 3, 1), i64([2], [3, 4])] });
const tile: CaseFn = (c) => ({ inputs: [f(c, 2, 3), i64([2], [1, 2])] });

const pad: CaseFn = (c) => {
  if (c.since < 11) return { inputs: [f(c, 2, 3)], attrs: { pads: attr.ints([1, 1, 1, 1]) } };
  const modes = c.since >= 19 ? ['reflect', 'edge', 'wrap'] : ['reflect', 'edge'];
  return [
    { inputs: [f(c, 2, 3), i64([4], [1, 1, 1, 1]), fv(c, [], [0.5])] },
    ...modes.map((m): Case => ({ label: `mode=${m}`, when: { attr: 'mode', value: m }, inputs: [f(c, 2, 3), i64([4], [1, 1, 1, 1])], attrs: { mode: attr.string(m) } })),
  ];
};

const depthToSpace: CaseFn = (c) => ({ inputs: [f(c, 1, 4, 2, 2)], attrs: { blocksize: attr.int(2) } });
const spaceToDepth: CaseFn = (c) => ({ inputs: [f(c, 1, 1, 4, 4)], attrs: { blocksize: attr.int(2) } });
const compress: CaseFn = (c) => ({ inputs: [f(c, 3, 2), t(BOOL, [3], [1, 0, 1])], attrs: { axis: attr.int(0) } });
const reverseSequence: CaseFn = (c) => ({ inputs: [f(c, 4, 2), i64([2], [3, 2])] });

const resize: CaseFn = (c) => {
  const scales = t(FLOAT, [4], [1, 1, 2, 2]);
  if (c.since < 11) return { inputs: [f(c, 1, 1, 2, 2), scales] };
  const roi = c.since < 13 ? t(FLOAT, [0], []) : undefined;
  return [
    { inputs: [f(c, 1, 1, 2, 2), roi, scales] },
    { label: 'mode=linear', when: { attr: 'mode', value: 'linear' }, inputs: [f(c, 1, 1, 2, 2), roi, scales], attrs: { mode: attr.string('linear') } },
    { label: 'mode=cubic', when: { attr: 'mode', value: 'cubic' }, inputs: [f(c, 1, 1, 2, 2), roi, scales], attrs: { mode: attr.string('cubic') } },
  ];
};

const upsample: CaseFn = (c): Case => {
  if (c.since < 7) return { inputs: [f(c, 1, 1, 2, 2)], attrs: { height_scale: attr.float(2), width_scale: attr.float(2) } };
  if (c.since < 9) return { inputs: [f(c, 1, 1, 2, 2)], attrs: { scales: attr.floats([1, 1, 2, 2]) } };
  return { inputs: [f(c, 1, 1, 2, 2), t(FLOAT, [4], [1, 1, 2, 2])] };
};

const centerCropPad: CaseFn = (c) => ({ inputs: [f(c, 4, 5), i64([2], [3, 3])] });
const col2Im: CaseFn = (c) => ({ inputs: [f(c, 1, 4, 4), i64([2], [3, 3]), i64([2], [2, 2])] });

const topK: CaseFn = (c) => (c.since < 10 ? { inputs: [f(c, 2, 3)], attrs: { k: attr.int(2) }, outputs: 2 }
  : { inputs: [f(c, 2, 3), i64([1], [2])], outputs: 2 });

const oneHot: CaseFn = (c) => ({ inputs: [i64([3], [0, 1, 2]), s64(4), fv(c, [2], [0, 1])] });
const unique: CaseFn = (c) => ({ inputs: [fv(c, [6], [1, 2, 2, 3, 1, 4])] });
const tensorScatter: CaseFn = (c) => ({ inputs: [f(c, 1, 4, 2), f(c, 1, 1, 2), i64([1], [0])] });
/** BitCast to the integer of the same width (INT16 for 16-bit floats, INT32 for the FLOAT control). */
const bitCast: CaseFn = (c) => ({ inputs: [f(c, 2, 3)], attrs: { to: attr.int(c.F === FLOAT ? 6 : 5) }, compare: false });

export const TENSOR_CASES: ReadonlyMap<string, CaseFn> = new Map<string, CaseFn>([
  ['Reshape', reshape], ['Squeeze', squeeze], ['Unsqueeze', unsqueeze], ['Concat', concat], ['Split', split],
  ['Slice', slice], ['Gather', gather], ['GatherElements', gatherElements], ['GatherND', gatherND],
  ['Scatter', scatterElements], ['ScatterElements', scatterElements], ['ScatterND', scatterND],
  ['Expand', expand], ['Tile', tile], ['Pad', pad], ['DepthToSpace', depthToSpace], ['SpaceToDepth', spaceToDepth],
  ['Compress', compress], ['ReverseSequence', reverseSequence], ['Resize', resize], ['Upsample', upsample],
  ['CenterCropPad', centerCropPad], ['Col2Im', col2Im], ['TopK', topK], ['OneHot', oneHot], ['Unique', unique],
  ['TensorScatter', tensorScatter], ['BitCast', bitCast],
]);

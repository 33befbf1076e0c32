/**
 * Probe cases: element-wise math, contractions, random and creation ops. Ops not listed here
 * (unary and binary element-wise ops, reductions without axes, Softmax, …) use the generic case.
 */
import { attr, tensorFromNumbers } from '@mixprec/ir';
import { BOOL, FLOAT, f, fIf, fv, i64, s64, t, type Case, type CaseFn, type Ctx } from './case.js';

const mod: CaseFn = (c) => ({ inputs: [f(c, 2, 3), f(c, 2, 3)], attrs: { fmod: attr.int(1) } });

const clip: CaseFn = (c) => (c.since < 11 ? { inputs: [f(c, 2, 3)], attrs: { min: attr.float(0.2), max: attr.float(0.8) } }
  : { inputs: [f(c, 2, 3), fv(c, [], [0.2]), fv(c, [], [0.8])] });

const where: CaseFn = (c) => ({ inputs: [t(BOOL, [2, 3]), f(c, 2, 3), f(c, 2, 3)] });

const gemm: CaseFn = (c) => ({ inputs: [f(c, 2, 3), f(c, 3, 4), f(c, 2, 4)] });

const einsum: CaseFn = (c) => ({ inputs: [f(c, 2, 3), f(c, 3, 4)], attrs: { equation: attr.string('ij,jk->ik') } });

const cumulative: CaseFn = (c) => ({ inputs: [f(c, 2, 3), s64(1)] });

/**
 * Ops whose output dtype comes from a `dtype` attribute: reading a float input where admitted,
 * and (where the input may be any type) an integer one, as a conversion that sets `dtype` leaves it.
 */
const likeDtype: CaseFn = (c) => {
  const compare = c.op === 'EyeLike';
  const cases: Case[] = [{ inputs: [fIf(c, 0, 3, 3)], attrs: { dtype: attr.int(c.F) }, compare }];
  if (c.op !== 'Bernoulli') cases.push({ label: 'int64 input', inputs: [i64([3, 3], new Array<number>(9).fill(1))], attrs: { dtype: attr.int(c.F) }, compare });
  return cases;
};

const multinomial: CaseFn = (c) => ({ inputs: [f(c, 1, 4)], attrs: { sample_size: attr.int(3) }, compare: false });

const random: CaseFn = (c) => ({ inputs: [], attrs: { shape: attr.ints([2, 3]), dtype: attr.int(c.F) }, compare: false });

const constantOfShape: CaseFn = (c) => ({ inputs: [i64([2], [2, 3])], attrs: { value: attr.tensor(tensorFromNumbers(c.F, [1], [0.5])) } });

const constant: CaseFn = (c) => ({ inputs: [], attrs: { value: attr.tensor(tensorFromNumbers(c.F, [2, 3], [0.5, 1, 1.5, 2, 2.5, 3])) } });

const windowOp: CaseFn = (c) => ({ inputs: [s64(8)], attrs: { output_datatype: attr.int(c.F) } });

const melWeightMatrix: CaseFn = (c) => ({
  inputs: [s64(4), s64(16), s64(16000), fv(c, [], [0]), fv(c, [], [8000])],
  attrs: { output_datatype: attr.int(c.F) },
});

const range: CaseFn = (c) => ({ inputs: [fv(c, [], [0]), fv(c, [], [4]), fv(c, [], [0.5])] });

const pow: CaseFn = (c) => ({ inputs: [f(c, 2, 3), fIf(c, 1, 2, 3)] });

const shrink: CaseFn = (c) => ({ inputs: [f(c, 2, 3)], attrs: { lambd: attr.float(0.3) } });

/** Cast in the directions the conversion produces: boundary casts, reads of 16-bit values, creations from integers. */
const cast: CaseFn = (c) => {
  const cases: Case[] = [
    { label: 'float→F', inputs: [t(FLOAT, [2, 3])], attrs: { to: attr.int(c.F) } },
    { label: 'F→float', inputs: [f(c, 2, 3)], attrs: { to: attr.int(FLOAT) } },
    { label: 'F→int64', inputs: [f(c, 2, 3)], attrs: { to: attr.int(7) } },
    { label: 'int64→F', inputs: [i64([2, 3], [1, 2, 3, 4, 5, 6])], attrs: { to: attr.int(c.F) } },
    { label: 'bool→F', inputs: [t(BOOL, [2, 3])], attrs: { to: attr.int(c.F) } },
    { label: 'F→F', inputs: [f(c, 2, 3)], attrs: { to: attr.int(c.F) } },
  ];
  return cases;
};

const castLike: CaseFn = (c: Ctx) => [
  { label: 'float→F', inputs: [t(FLOAT, [2, 3]), f(c, 1)] },
  { label: 'F→float', inputs: [f(c, 2, 3), t(FLOAT, [1])] },
];

export const MATH_CASES: ReadonlyMap<string, CaseFn> = new Map<string, CaseFn>([
  ['Mod', mod], ['Clip', clip], ['Where', where], ['Gemm', gemm], ['Einsum', einsum],
  ['CumSum', cumulative], ['CumProd', cumulative],
  ['Bernoulli', likeDtype], ['RandomNormalLike', likeDtype], ['RandomUniformLike', likeDtype], ['EyeLike', likeDtype],
  ['Multinomial', multinomial], ['RandomNormal', random], ['RandomUniform', random],
  ['ConstantOfShape', constantOfShape], ['Constant', constant],
  ['BlackmanWindow', windowOp], ['HammingWindow', windowOp], ['HannWindow', windowOp], ['MelWeightMatrix', melWeightMatrix],
  ['Range', range], ['Pow', pow], ['Shrink', shrink], ['Cast', cast], ['CastLike', castLike],
]);

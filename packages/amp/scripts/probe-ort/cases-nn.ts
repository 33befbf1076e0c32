/**
 * Probe cases: convolutions, pools, normalizations, recurrent and attention ops, losses,
 * sampling and signal ops, quantization with 16-bit scales.
 */
import { attr } from '@mixprec/ir';
import { U8, f, fv, i64, s64, t, type CaseFn } from './case.js';

const conv: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4), f(c, 2, 2, 3, 3), f(c, 2)] });
const deformConv: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4), f(c, 2, 2, 3, 3), f(c, 1, 18, 2, 2)] });
const pool: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4)], attrs: { kernel_shape: attr.ints([2, 2]) } });
const maxRoiPool: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4), fv(c, [1, 5], [0, 0, 0, 2, 2])], attrs: { pooled_shape: attr.ints([2, 2]) } });
const maxUnpool: CaseFn = (c) => ({
  inputs: [f(c, 1, 1, 2, 2), i64([1, 1, 2, 2], [0, 3, 8, 11])], attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) },
});
const roiAlign: CaseFn = (c) => ({ inputs: [f(c, 1, 1, 4, 4), fv(c, [1, 4], [0, 0, 2, 2]), i64([1], [0])] });

const batchNorm: CaseFn = (c) => ({
  inputs: [f(c, 1, 2, 4, 4), f(c, 2), f(c, 2), f(c, 2), f(c, 2)],
  ...(c.since < 7 ? { attrs: { is_test: attr.int(1) } } : {}),
});
const instanceNorm: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4), f(c, 2), f(c, 2)] });
const layerNorm: CaseFn = (c) => [
  { inputs: [f(c, 2, 4), f(c, 4), f(c, 4)] },
  { label: 'Mean+InvStdDev', inputs: [f(c, 2, 4), f(c, 4), f(c, 4)], outputs: 3 },
];
const groupNorm: CaseFn = (c) => ({
  inputs: c.since < 21 ? [f(c, 1, 4, 2, 2), f(c, 2), f(c, 2)] : [f(c, 1, 4, 2, 2), f(c, 4), f(c, 4)],
  attrs: { num_groups: attr.int(2) },
});
const lrn: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 4, 4)], attrs: { size: attr.int(3) } });
const rmsNorm: CaseFn = (c) => ({ inputs: [f(c, 2, 4), f(c, 4)] });

/** GRU/LSTM/RNN with hidden size 4 over a 2-step sequence of 3 features. */
function recurrent(gates: number): CaseFn {
  return (c) => ({ inputs: [f(c, 2, 1, 3), f(c, 1, gates * 4, 3), f(c, 1, gates * 4, 4)], attrs: { hidden_size: attr.int(4) }, outputs: [true] });
}

const attention: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 3, 4), f(c, 1, 2, 3, 4), f(c, 1, 2, 3, 4)], outputs: [true] });
const rotary: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 3, 4), f(c, 1, 3, 2), f(c, 1, 3, 2)] });
const gridSample: CaseFn = (c) => ({ inputs: [f(c, 1, 1, 4, 4), f(c, 1, 2, 2, 2)] });
const affineGrid: CaseFn = (c) => ({ inputs: [f(c, 1, 2, 3), i64([4], [1, 1, 2, 3])] });
const loss: CaseFn = (c) => ({ inputs: [f(c, 2, 3), i64([2], [0, 1])], outputs: [true] });

const dft: CaseFn = (c) => ({ inputs: [f(c, 1, 8, 1)] });
const stft: CaseFn = (c) => ({ inputs: [f(c, 1, 16, 1), s64(4), f(c, 8), s64(8)] });

const quantize: CaseFn = (c) => ({ inputs: [f(c, 4), fv(c, [], [0.1]), t(U8, [], [0])] });
const dequantize: CaseFn = (c) => ({ inputs: [t(U8, [4], [1, 2, 3, 4]), fv(c, [], [0.1]), t(U8, [], [0])] });
const qLinearMatMul: CaseFn = (c) => ({
  inputs: [t(U8, [2, 3]), fv(c, [], [0.1]), t(U8, [], [0]), t(U8, [3, 2]), fv(c, [], [0.1]), t(U8, [], [0]), fv(c, [], [0.1]), t(U8, [], [0])],
});

export const NN_CASES: ReadonlyMap<string, CaseFn> = new Map<string, CaseFn>([
  ['Conv', conv], ['ConvTranspose', conv], ['DeformConv', deformConv],
  ['AveragePool', pool], ['MaxPool', pool], ['LpPool', pool], ['MaxRoiPool', maxRoiPool], ['MaxUnpool', maxUnpool], ['RoiAlign', roiAlign],
  ['BatchNormalization', batchNorm], ['InstanceNormalization', instanceNorm], ['LayerNormalization', layerNorm],
  ['GroupNormalization', groupNorm], ['LRN', lrn], ['RMSNormalization', rmsNorm],
  ['GRU', recurrent(3)], ['LSTM', recurrent(4)], ['RNN', recurrent(1)],
  ['Attention', attention], ['RotaryEmbedding', rotary], ['GridSample', gridSample], ['AffineGrid', affineGrid],
  ['NegativeLogLikelihoodLoss', loss], ['SoftmaxCrossEntropyLoss', loss],
  ['DFT', dft], ['STFT', stft],
  ['QuantizeLinear', quantize], ['DequantizeLinear', dequantize], ['QLinearMatMul', qLinearMatMul],
]);

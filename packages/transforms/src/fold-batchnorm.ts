import * as t from 'io-ts';
import { Node, elementCount, type Graph, type Model, type Value } from '@mixprec/ir';
import { definePass, type PassContext } from '@mixprec/passes';
import {
  constOperand, floatTensor64, floatValues, newInitializer, scaleByChannel, setConstInput, type ConstOperand,
} from './fold-batchnorm-weights.js';
import { isFloatDType } from './const-eval-numeric.js';
import { canForwardValue, forwardValue } from './rewrite.js';

/** BN parameters per channel: `y = s·(x − mean) + beta`, with `s = gamma / sqrt(var + eps)`. */
interface BnParams {
  readonly s: Float64Array;
  readonly mean: Float64Array;
  readonly beta: Float64Array;
}

/** The inference form of a BatchNormalization node with constant parameters, else undefined. */
function inferenceParams(model: Model, n: Node): BnParams | undefined {
  if (n.opType !== 'BatchNormalization' || n.domain !== '' || n.inputs.length !== 5) return undefined;
  const opset = model.opset('') ?? 1;
  if (n.getInt('training_mode', 0) !== 0) return undefined;
  if (opset < 7 && n.getInt('is_test', 0) !== 1) return undefined;
  if (opset < 9 && n.getInt('spatial', 1) !== 1) return undefined;
  // Only Y may be used (the statistics outputs exist in training mode only).
  if (n.outputs.slice(1).some((o) => o.name !== '' && (o.useCount > 0 || o.isGraphOutput()))) return undefined;
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => floatValues(constOperand(model, n.inputs[i])));
  if (gamma === undefined || beta === undefined || mean === undefined || variance === undefined) return undefined;
  const c = gamma.length;
  if (beta.length !== c || mean.length !== c || variance.length !== c || c === 0) return undefined;
  const eps = n.getFloat('epsilon', 1e-5);
  const s = new Float64Array(c);
  for (let i = 0; i < c; i++) s[i] = gamma[i]! / Math.sqrt(variance[i]! + eps);
  return { s, mean, beta };
}

/** A per-channel constant operand of an Add/Sub before the BN, as a length-C vector. */
function channelVector(c: ConstOperand | undefined, rank: number, channels: number): Float64Array | undefined {
  const v = floatValues(c);
  if (v === undefined || c!.tensor.dims.length > rank) return undefined;
  const dims = [...Array<number>(rank - c!.tensor.dims.length).fill(1), ...c!.tensor.dims];
  if (dims.some((d, i) => i !== 1 && d !== 1) || (dims[1] !== channels && dims[1] !== 1)) return undefined;
  return dims[1] === channels ? v : new Float64Array(channels).fill(v[0]!);
}

/** What the BN folds into: the weighted node, its output and the shift of an absorbed Add/Sub. */
interface Target {
  readonly producer: Node;
  readonly out: Value;
  readonly shift: Float64Array;
  readonly absorbed: Node | undefined;
}

/** A value read only by `reader` (so rewriting its producer changes nothing else). */
function onlyFeeds(v: Value, g: Graph): boolean {
  return v.useCount === 1 && !v.isGraphOutput() && v.graph() === g;
}

const WEIGHTED = new Set(['Conv', 'ConvTranspose', 'Gemm']);

function findTarget(model: Model, bn: Node, channels: number): Target | undefined {
  const g = bn.graph!;
  const x = bn.inputs[0]!;
  if (!onlyFeeds(x, g)) return undefined;
  const p = x.producer();
  if (p !== undefined && p.domain === '' && (p.opType === 'Add' || p.opType === 'Sub') && p.inputs.length === 2) {
    // Conv → Add(per-channel constant) → BN: the constant moves into the BN mean. Add commutes.
    const swap = p.opType === 'Add' && p.inputs[1]?.producer() !== undefined && WEIGHTED.has(p.inputs[1]!.producer()!.opType);
    const [a, b] = swap ? [p.inputs[1], p.inputs[0]] : [p.inputs[0], p.inputs[1]];
    const prod = a?.producer();
    if (a === undefined || prod === undefined || !WEIGHTED.has(prod.opType) || prod.domain !== '' || !onlyFeeds(a, g)) return undefined;
    const rank = prod.opType === 'Gemm' ? 2 : (constOperand(model, prod.inputs[1])?.tensor.dims.length ?? 0);
    const vec = rank >= 2 ? channelVector(constOperand(model, b), rank, channels) : undefined;
    if (vec === undefined) return undefined;
    return { producer: prod, out: a, shift: p.opType === 'Add' ? vec : vec.map((v) => -v), absorbed: p };
  }
  if (p === undefined || p.domain !== '' || !WEIGHTED.has(p.opType)) return undefined;
  return { producer: p, out: x, shift: new Float64Array(channels), absorbed: undefined };
}

function foldedWeights(model: Model, target: Target, bn: BnParams): { w: ConstOperand; wNew: ReturnType<typeof floatTensor64>; bias: Float64Array; biasDims: number[]; biasIndex: number } | undefined {
  const p = target.producer;
  const w = constOperand(model, p.inputs[1]);
  if (w === undefined || !isFloatDType(w.tensor.dtype)) return undefined;
  const c = bn.s.length;
  const dims = w.tensor.dims;
  let channelOf: (i: number) => number;
  let biasIndex = 2;
  let oldBias: Float64Array | undefined;
  let biasDims = [c];
  if (p.opType === 'Conv') {
    if (dims.length < 3 || dims[0] !== c) return undefined;
    const per = elementCount(dims.slice(1));
    channelOf = (i) => Math.floor(i / per);
  } else if (p.opType === 'ConvTranspose') {
    const group = p.getInt('group', 1);
    if (dims.length < 3 || dims[1]! * group !== c || dims[0]! % group !== 0) return undefined;
    const perGroupIn = dims[0]! / group;
    const per = elementCount(dims.slice(2));
    const outPerGroup = dims[1]!;
    channelOf = (i) => {
      const cin = Math.floor(i / (outPerGroup * per));
      const j = Math.floor(i / per) % outPerGroup;
      return Math.floor(cin / perGroupIn) * outPerGroup + j;
    };
  } else {
    if ((model.opset('') ?? 1) < 7 || dims.length !== 2) return undefined;
    const transB = p.getInt('transB', 0) === 1;
    if ((transB ? dims[0] : dims[1]) !== c) return undefined;
    channelOf = transB ? (i) => Math.floor(i / dims[1]!) : (i) => i % c;
  }
  const bOp = p.inputs[biasIndex] === undefined ? undefined : constOperand(model, p.inputs[biasIndex]);
  if (p.inputs[biasIndex] !== undefined && bOp === undefined) return undefined;
  if (bOp !== undefined) {
    oldBias = floatValues(bOp);
    if (oldBias === undefined) return undefined;
    if (p.opType !== 'Gemm') {
      if (oldBias.length !== c) return undefined;
    } else {
      // Gemm's C broadcasts to [M, N]: [1, N] and [M, N] keep their layout, a scalar or [1] becomes [N].
      const cd = bOp.tensor.dims;
      const beta = p.getFloat('beta', 1);
      const n = cd[cd.length - 1] ?? 1;
      if (cd.length > 2 || (n !== c && n !== 1) || (cd.length === 2 && cd[0] !== 1 && n !== c)) return undefined;
      biasDims = cd.length === 2 ? [cd[0]!, c] : [c];
      const full = new Float64Array(elementCount(biasDims));
      for (let i = 0; i < full.length; i++) full[i] = beta * oldBias[cd.length === 2 && cd[0] !== 1 ? i : n === 1 ? 0 : i % c]!;
      oldBias = full;
    }
  }
  const wNew = scaleByChannel(w.tensor, bn.s, channelOf);
  const bias = new Float64Array(elementCount(biasDims));
  for (let i = 0; i < bias.length; i++) {
    const ch = i % c;
    bias[i] = bn.s[ch]! * ((oldBias?.[i] ?? 0) + target.shift[ch]! - bn.mean[ch]!) + bn.beta[ch]!;
  }
  return { w, wNew, bias, biasDims, biasIndex };
}

function foldIntoProducer(model: Model, bn: Node, params: BnParams): boolean {
  const target = findTarget(model, bn, params.s.length);
  if (target === undefined || !canForwardValue(bn.outputs[0]!, target.out)) return false;
  const f = foldedWeights(model, target, params);
  if (f === undefined) return false;
  const p = target.producer;
  const bOp = p.inputs[f.biasIndex] === undefined ? undefined : constOperand(model, p.inputs[f.biasIndex]);
  const dtype = f.wNew.dtype;
  const base = p.inputs[1]!.name;
  setConstInput(p, 1, f.w, f.wNew, base);
  setConstInput(p, f.biasIndex, bOp, floatTensor64(bOp?.tensor.dtype ?? dtype, f.biasDims, f.bias), bOp?.value.name ?? `${base}_bias`);
  if (p.opType === 'Gemm' && p.attributes.has('beta')) p.setAttr('beta', { type: 'FLOAT', value: 1 });
  const g = bn.graph!;
  forwardValue(bn.outputs[0]!, target.out);
  g.remove(target.absorbed === undefined ? bn : [bn, target.absorbed]);
  return true;
}

/** BN → Mul + Add with per-channel constants shaped [C, 1, …] (rank from the input's type). */
function toMulAdd(bn: Node, params: BnParams): boolean {
  const x = bn.inputs[0]!;
  const y = bn.outputs[0]!;
  const rank = x.shape?.length ?? y.shape?.length;
  const dtype = x.dtype ?? y.dtype;
  if (rank === undefined || rank < 2 || dtype === undefined || !isFloatDType(dtype) || !canForwardValue(bn.outputs[0]!, x)) return false;
  const g = bn.graph!;
  const c = params.s.length;
  const dims = [c, ...Array<number>(rank - 2).fill(1)];
  const shift = params.beta.map((b, i) => b - params.s[i]! * params.mean[i]!);
  const name = bn.outputs[0]!.name;
  const sv = newInitializer(g, `${name}_scale`, floatTensor64(dtype, dims, Float64Array.from(params.s)));
  const tv = newInitializer(g, `${name}_shift`, floatTensor64(dtype, dims, shift));
  const mul = new Node({ opType: 'Mul', name: g.names.freshNodeName(`${bn.name || name}_mul`), inputs: [x, sv], outputs: [g.names.freshValueName(`${name}_scaled`)] });
  const add = new Node({ opType: 'Add', name: g.names.freshNodeName(`${bn.name || name}_add`), inputs: [mul.outputs[0], tv], outputs: [g.names.freshValueName(`${name}_shifted`)] });
  mul.outputs[0]!.type = x.type;
  add.outputs[0]!.type = bn.outputs[0]!.type ?? x.type;
  g.insertBefore(bn, [mul, add]);
  if (!forwardValue(bn.outputs[0]!, add.outputs[0]!)) {
    g.remove([mul, add]);
    return false;
  }
  g.remove(bn);
  return true;
}

/**
 * Folds inference-mode BatchNormalization (constant scale, bias, mean, variance; only `Y` used)
 * into the Conv, ConvTranspose (any `group`) or Gemm (`transB` either way, C of any broadcast
 * form) that produces its input, when that output has no other use and the weights (and bias)
 * are constants: `W' = W·s` per output channel, `B' = s·(B − mean) + beta` with
 * `s = gamma / sqrt(var + eps)`, computed in float64 and stored in the weight's dtype; a bias
 * is created when absent. A per-channel constant Add/Sub between the two
 * (`ConvTranspose → Add(b) → BN`, as PaddleOCR exports) is absorbed too.
 * With `standalone=true`, any other BN with constant parameters becomes `Mul(s)` + `Add(t)`.
 * Constants read only by the rewritten node are updated in place (initializer or Constant
 * node, same name); shared ones are copied to a new initializer. The BN's output name stays
 * (the producer's output takes it when it is a graph output).
 *
 * ```
 * before: y = Conv (X, W)  Z = BatchNormalization <epsilon = 0.0> (y, g, b, m, v)
 * after:  y = Conv (X, W', W_bias)  (Z's uses read y)
 * ```
 */
export const foldBatchnorm = definePass({
  name: 'fold-batchnorm',
  description: 'Fold inference BatchNormalization into the preceding Conv/ConvTranspose/Gemm weights',
  optLevel: 1,
  options: t.strict({ standalone: t.boolean, includeSubgraphs: t.boolean }),
  defaults: { standalone: false, includeSubgraphs: true },
  optionDocs: {
    standalone: 'Turn a BatchNormalization that cannot be folded into Mul + Add',
    includeSubgraphs: 'Also fold inside If/Loop/Scan bodies',
  },
  run(model: Model, _ctx: PassContext, opts) {
    let modified = false;
    const visit = (g: Graph): void => {
      for (const n of g.nodes()) {
        if (n.graph !== g) continue;
        if (opts.includeSubgraphs) for (const sg of n.subgraphs()) visit(sg);
        const params = inferenceParams(model, n);
        if (params === undefined) continue;
        if (foldIntoProducer(model, n, params) || (opts.standalone && toMulAdd(n, params))) modified = true;
      }
    };
    visit(model.graph);
    return { modified };
  },
});


import type { Dim, Node } from '@mixprec/ir';
import {
  broadcastShapes, constInts, constNumbers, dimCeilDiv, dimMul, mergeDim, normAxis, unknownDims, windowOutput,
  type ShapeRule,
} from '../shape-inference.js';

/** Spatial output sizes of a convolution or pooling window over `x` (NC + spatial dims). */
function windowShape(node: Node, x: readonly Dim[], kernel: readonly number[], ceilMode: boolean): Dim[] {
  const k = kernel.length;
  const strides = node.getInts('strides') ?? kernel.map(() => 1);
  const dilations = node.getInts('dilations') ?? kernel.map(() => 1);
  const pads = node.getInts('pads') ?? unknownDims(2 * k).map(() => 0);
  const autoPad = node.getString('auto_pad', 'NOTSET');
  const out: Dim[] = [];
  for (let i = 0; i < k; i++) {
    const input = x[2 + i];
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(dimCeilDiv(input, s));
    else if (autoPad === 'VALID') out.push(windowOutput(input, kernel[i]!, s, dilations[i] ?? 1, 0, false));
    else out.push(windowOutput(input, kernel[i]!, s, dilations[i] ?? 1, (pads[i] ?? 0) + (pads[i + k] ?? 0), ceilMode));
  }
  return out;
}

/** Conv, ConvInteger, QLinearConv: the weight is input `w`, output channels are its first dim. */
function conv(xIndex: number, wIndex: number): ShapeRule {
  return (c) => {
    const x = c.shape(xIndex);
    const w = c.shape(wIndex);
    if (x === undefined || x.length < 3) return [x === undefined && w !== undefined ? unknownDims(w.length) : undefined];
    const kernel = c.node.getInts('kernel_shape') ?? w?.slice(2);
    const channels = w?.[0];
    if (kernel === undefined || kernel.some((d) => typeof d !== 'number') || kernel.length !== x.length - 2) {
      return [[x[0], channels, ...unknownDims(x.length - 2)]];
    }
    return [[x[0], channels, ...windowShape(c.node, x, kernel as number[], false)]];
  };
}

const convTranspose: ShapeRule = (c) => {
  const x = c.shape(0);
  const w = c.shape(1);
  if (x === undefined || x.length < 3) return [undefined];
  const k = x.length - 2;
  const group = c.node.getInt('group', 1);
  const channels = dimMul(w?.[1], group);
  const kernel = c.node.getInts('kernel_shape') ?? w?.slice(2);
  const outputShape = c.node.getInts('output_shape');
  if (outputShape !== undefined) {
    const sp = outputShape.length === k + 2 ? outputShape.slice(2) : outputShape;
    if (sp.length === k) return [[x[0], channels, ...sp]];
  }
  if (kernel === undefined || kernel.length !== k || kernel.some((d) => typeof d !== 'number')) {
    return [[x[0], channels, ...unknownDims(k)]];
  }
  const strides = c.node.getInts('strides') ?? kernel.map(() => 1);
  const dilations = c.node.getInts('dilations') ?? kernel.map(() => 1);
  const outPad = c.node.getInts('output_padding') ?? kernel.map(() => 0);
  const pads = c.node.getInts('pads') ?? unknownDims(2 * k).map(() => 0);
  const autoPad = c.node.getString('auto_pad', 'NOTSET');
  const spatial = kernel.map((kd, i): Dim => {
    const input = x[2 + i];
    const s = strides[i] ?? 1;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return dimMul(input, s);
    if (typeof input !== 'number') return undefined;
    const total = autoPad === 'VALID' ? 0 : (pads[i] ?? 0) + (pads[i + k] ?? 0);
    return s * (input - 1) + (outPad[i] ?? 0) + ((kd as number) - 1) * (dilations[i] ?? 1) + 1 - total;
  });
  return [[x[0], channels, ...spatial]];
};

const pool: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined || x.length < 3) return c.node.outputs.map(() => undefined);
  const kernel = c.node.getInts('kernel_shape');
  const shape: Dim[] = kernel === undefined || kernel.length !== x.length - 2
    ? [x[0], x[1], ...unknownDims(x.length - 2)]
    : [x[0], x[1], ...windowShape(c.node, x, kernel, c.node.getInt('ceil_mode', 0) === 1)];
  return c.node.outputs.map(() => shape);
};

const globalPool: ShapeRule = (c) => {
  const x = c.shape(0);
  return [x === undefined || x.length < 2 ? undefined : [x[0], x[1], ...x.slice(2).map(() => 1)]];
};

const maxUnpool: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  if (c.has(2)) {
    const given = constInts(c, 2);
    return [given ?? unknownDims(x.length)];
  }
  const kernel = c.node.getInts('kernel_shape');
  if (kernel === undefined) return [unknownDims(x.length)];
  const k = kernel.length;
  const strides = c.node.getInts('strides') ?? kernel.map(() => 1);
  const pads = c.node.getInts('pads') ?? unknownDims(2 * k).map(() => 0);
  return [[x[0], x[1], ...kernel.map((kd, i): Dim => {
    const d = x[2 + i];
    return typeof d === 'number' ? (d - 1) * (strides[i] ?? 1) + kd - (pads[i] ?? 0) - (pads[i + k] ?? 0) : undefined;
  })]];
};

/** Numpy matmul shapes (1-D operands are promoted, then their unit dim removed). */
export function matmulShape(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): Dim[] | undefined {
  if (a === undefined || b === undefined || a.length === 0 || b.length === 0) return undefined;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]);
  if (batch === undefined) return undefined;
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
}

const gemm: ShapeRule = (c) => {
  const a = c.shape(0);
  const b = c.shape(1);
  const ta = c.node.getInt('transA', 0) === 1;
  const tb = c.node.getInt('transB', 0) === 1;
  const m = a?.length === 2 ? a[ta ? 1 : 0] : undefined;
  const n = b?.length === 2 ? b[tb ? 0 : 1] : undefined;
  return [[m, n]];
};

const batchNorm: ShapeRule = (c) => {
  const x = c.shape(0);
  const ch = c.shape(1) ?? (x === undefined ? undefined : [x[1]]);
  return c.node.outputs.map((_, i) => (i === 0 ? x : ch));
};

const layerNorm: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return c.node.outputs.map(() => undefined);
  const axis = normAxis(c.node.getInt('axis', -1), x.length);
  const stat = axis === undefined ? undefined : x.map((d, i) => (i < axis ? d : 1));
  return c.node.outputs.map((_, i) => (i === 0 ? x : stat));
};

/** LSTM, GRU, RNN: `gates` weight blocks per direction (4, 3, 1). */
function recurrent(gates: number): ShapeRule {
  return (c) => {
    const x = c.shape(0);
    const w = c.shape(1);
    const r = c.shape(2);
    const layout = c.node.getInt('layout', 0);
    const dirs: Dim = c.node.getString('direction', 'forward') === 'bidirectional' ? 2 : mergeDim(1, w?.[0]);
    let hidden: Dim = c.node.getInt('hidden_size');
    if (hidden === undefined) {
      const fromW = w?.[1];
      hidden = r?.[2] ?? (typeof fromW === 'number' ? fromW / gates : undefined);
    }
    const seq = x?.[layout === 0 ? 0 : 1];
    const batch = x?.[layout === 0 ? 1 : 0];
    const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
    const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
    return c.node.outputs.map((_, i) => (i === 0 ? y : state));
  };
}

const resize: ShapeRule = (c) => {
  const x = c.shape(0);
  if (x === undefined) return [undefined];
  const rank = x.length;
  const axes = (c.opset >= 18 ? c.node.getInts('axes') : undefined)?.map((a) => normAxis(a, rank));
  if (axes?.some((a) => a === undefined)) return [undefined];
  const on = (axes as number[] | undefined) ?? x.map((_, i) => i);
  const scalesIndex = c.opset < 11 ? 1 : 2;
  const sizes = c.opset >= 11 && c.has(3) ? constInts(c, 3) : undefined;
  const scales = c.has(scalesIndex) ? constNumbers(c, scalesIndex) : undefined;
  const out = [...x];
  if (sizes !== undefined && sizes.length === on.length) {
    const policy = c.opset >= 18 ? c.node.getString('keep_aspect_ratio_policy', 'stretch') : 'stretch';
    if (policy === 'stretch') {
      on.forEach((a, i) => { out[a] = sizes[i]; });
      return [out];
    }
    const ins = on.map((a) => x[a]);
    if (ins.some((d) => typeof d !== 'number')) return [out.map((d, i) => (on.includes(i) ? undefined : d))];
    const ratios = on.map((_, i) => sizes[i]! / (ins[i] as number));
    const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    on.forEach((a, i) => { out[a] = Math.round(scale * (ins[i] as number)); });
    return [out];
  }
  if (scales !== undefined && scales.length === on.length) {
    on.forEach((a, i) => {
      const d = x[a];
      out[a] = scales[i] === 1 ? d : typeof d === 'number' ? Math.floor(d * Math.fround(scales[i]!)) : undefined;
    });
    return [out];
  }
  return [unknownDims(rank)];
};

/** Einsum: letters map to dims; the implicit output is the ellipsis then letters used once, sorted. */
const einsum: ShapeRule = (c) => {
  const eq = c.node.getString('equation', '').replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  if (lhs === undefined) return [undefined];
  const terms = lhs.split(',');
  const letters = new Map<string, Dim>();
  const counts = new Map<string, number>();
  let ellipsis: Dim[] | undefined = [];
  for (let t = 0; t < terms.length; t++) {
    const s = c.shape(t);
    if (s === undefined) return [undefined];
    const term = terms[t]!;
    const named = term.replace('...', '');
    const ell = s.length - named.length;
    if (ell < 0) return [undefined];
    let k = 0;
    for (let i = 0; i < term.length; i++) {
      if (term.startsWith('...', i)) {
        ellipsis = broadcastShapes([ellipsis, s.slice(k, k + ell)]);
        k += ell;
        i += 2;
        continue;
      }
      const ch = term[i]!;
      letters.set(ch, letters.has(ch) ? mergeDim(letters.get(ch), s[k]) : s[k]);
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
      k++;
    }
  }
  if (ellipsis === undefined) return [undefined];
  if (rhs === undefined) {
    const once = [...counts].filter(([, n]) => n === 1).map(([ch]) => ch).sort();
    return [[...ellipsis, ...once.map((ch) => letters.get(ch))]];
  }
  const out: Dim[] = [];
  for (let i = 0; i < rhs.length; i++) {
    if (rhs.startsWith('...', i)) {
      out.push(...ellipsis);
      i += 2;
    } else {
      out.push(letters.get(rhs[i]!));
    }
  }
  return [out];
};

/** Rules of this family by op type. */
export const nnRules: ReadonlyMap<string, ShapeRule> = new Map<string, ShapeRule>([
  ['Conv', conv(0, 1)], ['ConvInteger', conv(0, 1)], ['QLinearConv', conv(0, 3)], ['ConvTranspose', convTranspose],
  ['AveragePool', pool], ['MaxPool', pool], ['LpPool', pool], ['GlobalAveragePool', globalPool],
  ['GlobalMaxPool', globalPool], ['GlobalLpPool', globalPool], ['MaxUnpool', maxUnpool],
  ['MatMul', (c) => [matmulShape(c.shape(0), c.shape(1))]], ['MatMulInteger', (c) => [matmulShape(c.shape(0), c.shape(1))]],
  ['QLinearMatMul', (c) => [matmulShape(c.shape(0), c.shape(3))]], ['Gemm', gemm],
  ['BatchNormalization', batchNorm], ['LayerNormalization', layerNorm],
  ['LSTM', recurrent(4)], ['GRU', recurrent(3)], ['RNN', recurrent(1)], ['Resize', resize], ['Einsum', einsum],
  ['GridSample', (c) => {
    const x = c.shape(0);
    const g = c.shape(1);
    return [x === undefined || g === undefined ? undefined : [x[0], x[1], ...g.slice(1, -1)]];
  }],
  ['RoiAlign', (c) => [[c.shape(1)?.[0], c.shape(0)?.[1], c.node.getInt('output_height', 1), c.node.getInt('output_width', 1)]]],
]);


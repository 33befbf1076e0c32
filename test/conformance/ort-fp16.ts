/**
 * Helpers for comparing FP16 models between the executor and onnxruntime-node.
 *
 * onnxruntime's CPU EP has fp16 kernels for few ops. Its InsertCastTransformer (run at every
 * graph optimisation level, 'disabled' included) wraps each other fp16 node in Cast→fp32 op→Cast,
 * then removes every fp32→fp16→fp32 Cast pair between two wrapped nodes, and also forces an
 * "isolated" fp16-capable node between wrapped nodes into fp32. A chain of such ops therefore runs
 * wholly in fp32 and is rounded to fp16 only where the chain ends: the fp16 values the model
 * declares in between are never materialised, a model's own Cast to float16 included (measured
 * in ort-fp16-storage.test.ts). ONNX semantics (and the executor) put every fp16 value on the
 * fp16 grid. {@link pinFp16Storage} makes onnxruntime honour that.
 */
import * as ort from 'onnxruntime-node';
import {
  DataType, Node, Tensor, Value, float16BitsToFloat32, tensorToFloat64, tensorType, topologicalOrder, walkGraphs, type Model,
} from '@mixprec/ir';

/** An IR tensor as an onnxruntime-node tensor (float16 as its bit patterns). */
export function toOrt(t: Tensor): ort.Tensor {
  const dims = [...t.dims];
  switch (t.dtype) {
    case DataType.FLOAT: return new ort.Tensor('float32', t.data as Float32Array, dims);
    case DataType.FLOAT16: return new ort.Tensor('float16', t.data as Uint16Array, dims);
    case DataType.INT64: return new ort.Tensor('int64', t.data as BigInt64Array, dims);
    case DataType.INT32: return new ort.Tensor('int32', t.data as Int32Array, dims);
    case DataType.BOOL: return new ort.Tensor('bool', t.data as Uint8Array, dims);
    default: throw new Error(`no onnxruntime conversion for dtype ${t.dtype}`);
  }
}

/** A float onnxruntime-node tensor as an IR tensor (undefined for other types). */
export function fromOrt(t: ort.Tensor): Tensor | undefined {
  if (t.type === 'float16') return Tensor.of(DataType.FLOAT16, [...t.dims], t.data as Uint16Array);
  if (t.type === 'float32') return Tensor.of(DataType.FLOAT, [...t.dims], t.data as Float32Array);
  return undefined;
}

/** The values of a float onnxruntime-node tensor. */
export function ortValues(t: ort.Tensor): Float64Array {
  if (t.type === 'float16') return Float64Array.from(float16BitsToFloat32(t.data as Uint16Array));
  return Float64Array.from(t.data as Float32Array);
}

/** max |a − e| / max |e| over the finite elements of e (both must be finite at the same places). */
export function relError(a: Float64Array, e: Float64Array, what: string): number {
  if (a.length !== e.length) throw new Error(`${what}: ${a.length} values vs ${e.length}`);
  let maxE = 0;
  let maxD = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i]!) !== Number.isFinite(e[i]!)) throw new Error(`${what}[${i}]: ${a[i]} vs ${e[i]} (finiteness differs)`);
    if (!Number.isFinite(e[i]!)) continue;
    maxE = Math.max(maxE, Math.abs(e[i]!));
    maxD = Math.max(maxD, Math.abs(a[i]! - e[i]!));
  }
  return maxE === 0 ? maxD : maxD / maxE;
}

/** The fp16 ulp at |x| (normal range), or the subnormal spacing. */
export function fp16Ulp(x: number): number {
  const a = Math.abs(x);
  return a < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(a)) - 10);
}

/**
 * Makes onnxruntime keep every declared fp16 value on the fp16 grid: each named output of a
 * non-Constant node (in every graph) that some node reads goes through Identity → Identity.
 * Identity has native kernels for every type; two adjacent ones are never "isolated", so
 * onnxruntime runs them as they are and the Casts around the producer and the consumers stay.
 * The model's meaning is unchanged. Run it with graph optimisations off, or with
 * `extra: { optimization: { disable_specified_optimizers: 'EliminateIdentity' } }`: Identity
 * elimination would remove the pins. Returns the number of values pinned.
 */
export function pinFp16Storage(model: Model): number {
  let pinned = 0;
  for (const g of walkGraphs(model)) {
    for (const n of topologicalOrder(g)) {
      if (n.opType === 'Constant' && n.domain === '') continue;
      for (const o of n.outputs) {
        const uses = o.uses();
        if (o.name === '' || uses.length === 0) continue;
        const a = new Node({ opType: 'Identity', name: g.names.freshNodeName(`${o.name}_pin`), inputs: [o], outputs: [g.names.freshValueName(`${o.name}_pin`)] });
        const b = new Node({ opType: 'Identity', name: g.names.freshNodeName(`${o.name}_pin`), inputs: [a.outputs[0]], outputs: [g.names.freshValueName(`${o.name}_pin`)] });
        a.outputs[0]!.type = o.type;
        b.outputs[0]!.type = o.type;
        g.insertAfter(n, [a, b]);
        for (const u of uses) u.node.replaceInput(u.index, b.outputs[0]!);
        pinned++;
      }
    }
  }
  return pinned;
}

/** Makes every use of the main-graph value `name` read a new graph input of `dtype` instead; returns its name. */
export function cutValue(model: Model, name: string, dtype: DataType): string {
  for (const n of model.graph) {
    for (const o of n.outputs) {
      if (o.name !== name) continue;
      const input = new Value(model.graph.names.freshValueName(`${name}_fed`), tensorType(dtype));
      model.graph.addInput(input);
      for (const u of o.uses()) u.node.replaceInput(u.index, input);
      return input.name;
    }
  }
  throw new Error(`no node output '${name}' in the main graph`);
}

/** Where two runs first part: the first node whose float outputs differ while its inputs agree bit for bit. */
export interface Divergence {
  readonly node: Node;
  readonly value: string;
  readonly differing: number;
  readonly count: number;
  /** max |Δ| in fp16 ulps of the value's largest magnitude. */
  readonly scaleUlps: number;
  readonly rel: number;
}

/** Whether element i holds the same number in both (±0 equal, NaN equal to NaN): bits for FLOAT16, values otherwise. */
function sameAt(a: Tensor, b: Tensor, i: number): boolean {
  if (a.dtype === DataType.FLOAT16) {
    const x = (a.data as Uint16Array)[i]!;
    const y = (b.data as Uint16Array)[i]!;
    const nan = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
    return x === y || ((x | y) & 0x7fff) === 0 || (nan(x) && nan(y));
  }
  const x = (a.data as Float32Array)[i]!;
  const y = (b.data as Float32Array)[i]!;
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

/** The number of elements holding different numbers (undefined when dtype or length differ). */
function differingCount(a: Tensor, b: Tensor): number | undefined {
  const n = (a.data as ArrayLike<number>).length;
  if (a.dtype !== b.dtype || n !== (b.data as ArrayLike<number>).length) return undefined;
  let d = 0;
  for (let i = 0; i < n; i++) if (!sameAt(a, b, i)) d++;
  return d;
}

/**
 * Walks the main graph in topological order and returns the first nodes whose float outputs
 * differ between two runs (tensors by value name) while every float input is identical
 * (element for element; ±0 and NaNs count as equal). Values one of the runs lacks (non-float,
 * or not exposed) count as equal.
 */
export function firstDivergences(model: Model, a: ReadonlyMap<string, Tensor>, b: ReadonlyMap<string, Tensor>): Divergence[] {
  const same = new Map<string, boolean>();
  const out: Divergence[] = [];
  for (const n of topologicalOrder(model.graph)) {
    const inputsSame = n.inputs.every((v) => v === undefined || (same.get(v.name) ?? true));
    for (const o of n.outputs) {
      const x = a.get(o.name);
      const y = b.get(o.name);
      if (x === undefined || y === undefined) continue;
      const differing = differingCount(x, y);
      if (differing === undefined) throw new Error(`${n.toString()} output '${o.name}': the runs disagree on its dtype or size`);
      same.set(o.name, differing === 0);
      if (differing === 0 || !inputsSame) continue;
      const xv = tensorToFloat64(x);
      const yv = tensorToFloat64(y);
      let maxE = 0;
      let maxD = 0;
      for (let i = 0; i < yv.length; i++) {
        maxE = Math.max(maxE, Math.abs(yv[i]!));
        maxD = Math.max(maxD, Math.abs(xv[i]! - yv[i]!));
      }
      out.push({ node: n, value: o.name, differing, count: yv.length, scaleUlps: maxD / fp16Ulp(maxE), rel: maxE === 0 ? maxD : maxD / maxE });
    }
  }
  return out;
}

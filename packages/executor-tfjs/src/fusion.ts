import * as tf from '@tensorflow/tfjs-core';
import { DataType, toNumber, type Node, type Value } from '@mixprec/ir';
import { ACCUMULATION_KEY } from './context.js';
import { FusedKernel, programKey, type FusedOperand, type FusedProgram, type FusedStep } from './fused-module.js';
import { FUSED } from './heap-kernels.js';
import { numbersOf } from './host.js';
import { gridOf, roundTo } from './low-precision.js';
import { TensorValue, type RValue } from './values.js';

/**
 * Fusion of elementwise chains on the wasm backend (fused-module.ts): consecutive Add, Sub,
 * Mul, Div and Clip nodes whose intermediate values nothing outside the chain reads (no other
 * node, no graph output) run as one compiled loop. Planned once per graph; decided per run,
 * when the operands are known: every operand a float tensor (FLOAT, FLOAT16, BFLOAT16) of one
 * shape and layout, or a single element (Clip bounds must be single elements, not NaN); every
 * op touching the tensor; no observer of intermediate values (`keepIntermediates`, `onValue`),
 * no accumulation annotation. Otherwise the nodes run one by one. The results are the same
 * bits either way (tested): the same float32 operations in the same order, and each op's
 * output rounded onto its 16-bit grid when its dtype is FLOAT16/BFLOAT16, as `finalize` does.
 */

const FUSABLE = new Set(['Add', 'Sub', 'Mul', 'Div', 'Clip']);

/** A planned chain: steps [start, end) of a graph plan, its ops and the Constant steps among them. */
export interface FusionGroup {
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly Node[];
  readonly constants: readonly number[];
}

/** A Constant node whose value depends on its attributes only (no inputs). */
function isConstant(node: Node): boolean {
  if (node.domain !== '' || node.opType !== 'Constant' || node.inputs.length > 0) return false;
  for (const a of node.attributes.values()) if (a.refAttrName !== undefined) return false;
  return true;
}

function fusable(node: Node, opset: number): boolean {
  if (node.domain !== '' || !FUSABLE.has(node.opType) || node.outputs.length !== 1 || node.outputs[0]!.name === '') return false;
  // Before opset 11 Clip's bounds are attributes (function attribute references excluded).
  if (node.opType === 'Clip' && opset < 11 && [...node.attributes.values()].some((a) => a.refAttrName !== undefined)) return false;
  const acc = node.metadataOrUndefined()?.get(ACCUMULATION_KEY);
  return acc === undefined || acc === 'float32' || acc === 'float';
}

/**
 * The chains of a graph's node order (keyed by their first step): maximal runs of fusable
 * nodes, cut where an intermediate value is read outside the chain or is a graph output.
 */
export function planFusion(order: readonly Node[], outputs: ReadonlySet<Value>, opset: number): Map<number, FusionGroup> {
  const groups = new Map<number, FusionGroup>();
  let i = 0;
  while (i < order.length) {
    if (!fusable(order[i]!, opset)) {
      i++;
      continue;
    }
    // The run of fusable nodes from i; Constant nodes in between (scalar operands) join it.
    let e = i;
    while (e < order.length && (fusable(order[e]!, opset) || isConstant(order[e]!))) e++;
    while (e > i && !fusable(order[e - 1]!, opset)) e--;
    let end = e;
    // The longest prefix [i, end) whose intermediates stay inside it.
    for (; end > i; end--) {
      if (!fusable(order[end - 1]!, opset)) continue;
      const ops = order.slice(i, end).filter((n) => fusable(n, opset));
      if (ops.length < 2) break;
      const inside = new Set(ops);
      const ok = ops.slice(0, -1).every((n) => {
        const v = n.outputs[0]!;
        return !outputs.has(v) && v.uses().every((u) => inside.has(u.node));
      });
      if (ok) {
        const constants: number[] = [];
        for (let k = i; k < end; k++) if (!fusable(order[k]!, opset)) constants.push(k);
        groups.set(i, { start: i, end, nodes: ops, constants });
        break;
      }
    }
    i = groups.has(i) ? groups.get(i)!.end : i + 1;
  }
  return groups;
}

/** What a prepared model keeps for its fused chains: compiled programs, scalar operands read. */
export interface FusionCache {
  readonly kernels: Map<string, FusedKernel>;
  readonly scalars: WeakMap<TensorValue, number>;
}

function roundOf(dt: DataType): FusedStep['round'] | undefined {
  if (dt === DataType.FLOAT) return 'none';
  if (dt === DataType.FLOAT16) return 'fp16';
  if (dt === DataType.BFLOAT16) return 'bf16';
  return undefined;
}

/**
 * Runs a chain as one fused kernel, or returns undefined (nothing done) when this run's
 * operands do not qualify. `lookup` reads a value bound outside the chain; `cache` keeps the
 * compiled programs and the scalar operands read of a prepared model.
 */
export function runFused(
  group: FusionGroup, opset: number, lookup: (v: Value) => RValue | undefined, cache: FusionCache,
): TensorValue | undefined {
  const tensors: TensorValue[] = [];
  const scalars: number[] = [];
  const scalarTypes: DataType[] = [];
  const steps: FusedStep[] = [];
  const stepOf = new Map<Value, number>();
  const dtypes: DataType[] = [];
  let main: TensorValue | undefined;
  let scalarRank = 0;
  const external = (v: Value | undefined, scalarOnly: boolean): FusedOperand | undefined => {
    if (v === undefined) return undefined;
    const k = stepOf.get(v);
    if (k !== undefined) return scalarOnly ? undefined : { kind: 'step', index: k };
    const x = lookup(v);
    if (x === undefined || x.kind !== 'tensor' || x.stored === undefined || x.stored.dtype !== 'float32' || roundOf(x.dtype) === undefined) return undefined;
    if (x.size === 1 && (main === undefined || x.rank <= main.rank)) {
      scalarRank = Math.max(scalarRank, x.rank);
      // Values are immutable once bound: a resident constant's number is read once per model.
      let s = cache.scalars.get(x);
      if (s === undefined) {
        s = numbersOf(x)[0]!;
        cache.scalars.set(x, s);
      }
      if (scalarOnly && Number.isNaN(s)) return undefined;
      scalarTypes.push(x.dtype);
      return { kind: 'scalar', index: scalars.push(s) - 1 };
    }
    if (scalarOnly) return undefined;
    if (main === undefined) main = x;
    else if (x.channelsLast !== main.channelsLast || x.shape.length !== main.shape.length || x.shape.some((d, i) => d !== main!.shape[i])) return undefined;
    let t = tensors.indexOf(x);
    if (t < 0) t = tensors.push(x) - 1;
    return { kind: 'tensor', index: t };
  };
  const dtypeOf = (o: FusedOperand): DataType => (o.kind === 'step' ? dtypes[o.index]! : o.kind === 'tensor' ? tensors[o.index]!.dtype : DataType.FLOAT);
  const shaped = new Set<number>();
  for (const node of group.nodes) {
    const ins = node.inputs;
    const a = external(ins[0], false);
    if (a === undefined) return undefined;
    let step: FusedStep;
    const first = a.kind === 'scalar' ? scalarInput(ins[0], lookup) : dtypeOf(a);
    if (node.opType === 'Clip') {
      const bound = (v: Value | undefined, missing: number): FusedOperand | undefined => {
        if (v !== undefined) return external(v, true);
        scalarTypes.push(DataType.UNDEFINED);
        return { kind: 'scalar', index: scalars.push(missing) - 1 };
      };
      const attrBound = (name: string, fallback: number): FusedOperand => {
        const a = node.attributes.get(name);
        const v = a === undefined ? fallback : a.type === 'FLOAT' ? a.value : a.type === 'INT' ? toNumber(a.value) : NaN;
        // As a bound of the op's own type when it lies on that type's grid.
        const grid = gridOf(first ?? DataType.FLOAT);
        scalarTypes.push(grid === undefined || Number.isNaN(v) || roundTo(v, grid) !== v ? DataType.FLOAT : first!);
        return { kind: 'scalar', index: scalars.push(v) - 1 };
      };
      const legacy = opset < 11;
      const lo = legacy ? attrBound('min', -3.4028234663852886e38) : bound(ins[1], -Infinity);
      const hi = legacy ? attrBound('max', 3.4028234663852886e38) : bound(ins[2], Infinity);
      if (Number.isNaN(scalars[lo?.index ?? 0]!) || Number.isNaN(scalars[hi?.index ?? 0]!)) return undefined;
      if (lo?.kind !== 'scalar' || hi?.kind !== 'scalar') return undefined;
      step = { op: 'clip', a, lo: lo.index, hi: hi.index, round: 'none' };
    } else {
      const b = external(ins[1], false);
      if (b === undefined || ins.length !== 2) return undefined;
      step = { op: node.opType === 'Add' ? 'add' : node.opType === 'Sub' ? 'sub' : node.opType === 'Mul' ? 'mul' : 'div', a, b, round: 'none' };
    }
    const touches = [step.a, step.b].some((o) => o !== undefined && (o.kind === 'tensor' || (o.kind === 'step' && shaped.has(o.index))));
    if (!touches) return undefined;
    if (first === undefined || roundOf(first) === undefined) return undefined;
    const declared = node.outputs[0]!.type;
    const dt = declared?.kind === 'tensor' ? declared.dtype : first;
    let round = roundOf(dt);
    if (round === undefined) return undefined;
    // Clip of a 16-bit value by bounds of its type (or none) stays on its grid (grid.ts).
    const onGrid = (o: FusedOperand | undefined): boolean => o === undefined || (o.kind === 'scalar' ? [dt, DataType.UNDEFINED].includes(scalarTypes[o.index]!) : dtypeOf(o) === dt);
    if (step.op === 'clip' && round !== 'none' && onGrid(step.a) && [step.lo, step.hi].every((b) => onGrid(b === undefined ? undefined : { kind: 'scalar', index: b }))) round = 'none';
    shaped.add(steps.length);
    stepOf.set(node.outputs[0]!, steps.length);
    dtypes.push(dt);
    steps.push({ ...step, round });
  }
  // A single element of a higher rank than the tensors would broadcast the result to its rank.
  if (main === undefined || scalarRank > main.rank) return undefined;
  const m = main;
  const call = (program: FusedProgram, operands: readonly tf.Tensor[]): tf.Tensor => {
    const key = programKey(program);
    let kernel = cache.kernels.get(key);
    if (kernel === undefined) {
      kernel = new FusedKernel(program);
      cache.kernels.set(key, kernel);
    }
    const inputs: Record<string, tf.Tensor> = {};
    operands.forEach((t, i) => { inputs[`t${i}`] = t; });
    return tf.engine().runKernel(FUSED, inputs, { kernel, scalars, count: operands.length } as unknown as tf.NamedAttrMap) as tf.Tensor;
  };
  let out: tf.Tensor;
  if (steps.every((st) => st.round === 'none')) {
    out = call({ tensors: tensors.length, scalars: scalars.length, steps }, tensors.map((t) => t.stored!));
  } else {
    // With 16-bit roundings a whole chain in one loop needs more vector registers than the
    // machine has (measured: slower than the nodes one by one): the chain runs in segments of
    // at most one rounding op, at their end (e.g. an on-grid Clip and the Mul after it), each
    // segment one pass; a segment ends too where a later one reads its value.
    const later = steps.map((_, k) => steps.some((st, j) => j > k + 1 && [st.a, st.b].some((o) => o?.kind === 'step' && o.index === k)));
    const results = new Map<number, tf.Tensor>();
    try {
      let first = 0;
      for (let k = 0; k < steps.length; k++) {
        if (steps[k]!.round === 'none' && k < steps.length - 1 && !later[k]) continue;
        const operands: tf.Tensor[] = [];
        const bind = (o: FusedOperand): FusedOperand => {
          if (o.kind === 'scalar' || (o.kind === 'step' && o.index >= first)) return o.kind === 'step' ? { kind: 'step', index: o.index - first } : o;
          const t = o.kind === 'tensor' ? tensors[o.index]!.stored! : results.get(o.index)!;
          let i = operands.indexOf(t);
          if (i < 0) i = operands.push(t) - 1;
          return { kind: 'tensor', index: i };
        };
        const segment = steps.slice(first, k + 1).map((st): FusedStep => (st.b === undefined ? { ...st, a: bind(st.a) } : { ...st, a: bind(st.a), b: bind(st.b) }));
        results.set(k, call({ tensors: operands.length, scalars: scalars.length, steps: segment }, operands));
        first = k + 1;
      }
    } finally {
      for (const [k, t] of results) if (k !== steps.length - 1) t.dispose();
    }
    out = results.get(steps.length - 1)!;
  }
  const dt = dtypes[dtypes.length - 1]!;
  return m.channelsLast ? TensorValue.ofChannelsLast(dt, out) : TensorValue.ofTf(dt, out);
}

/** The dtype of a single-element first operand (its value was read already). */
function scalarInput(v: Value | undefined, lookup: (v: Value) => RValue | undefined): DataType | undefined {
  const x = v === undefined ? undefined : lookup(v);
  return x?.kind === 'tensor' ? x.dtype : undefined;
}

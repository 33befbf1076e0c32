import { DataType, type Dim, type Node, type ValueType } from '@mixprec/ir';
import type { TypeInferencer } from './infer-types-engine.js';
import type { Inferred } from './infer-types-merge.js';
import { normAxis } from './shape-inference.js';

/**
 * Types of control-flow ops, from their bodies (ONNX `If`, `Loop`, `Scan`, `SequenceMap`):
 * body parameters are typed from the outer inputs first (only where not declared), then the
 * body is inferred, then the node's outputs are typed from the body's outputs.
 */

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan', 'SequenceMap']);

/** Whether the op (ONNX domain) is typed by {@link inferControlFlow}. */
export function isControlFlow(opType: string): boolean {
  return CONTROL_FLOW.has(opType);
}

const UNKNOWN: Inferred = { type: undefined, shape: undefined };

/** A value type as an {@link Inferred}: dtype level plus tensor shape. */
function split(t: ValueType | undefined, keepShape = true): Inferred {
  if (t === undefined) return UNKNOWN;
  if (t.kind === 'tensor' || t.kind === 'sparse_tensor') {
    return { type: { kind: t.kind, dtype: t.dtype }, shape: keepShape ? t.shape : undefined };
  }
  return { type: t, shape: undefined };
}

function tensorShape(t: ValueType | undefined): readonly Dim[] | undefined {
  return t?.kind === 'tensor' ? t.shape : undefined;
}

/** Dims equal in both shapes stay; others become unknown; different ranks give no shape. */
function commonShape(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): Dim[] | undefined {
  if (a === undefined || b === undefined || a.length !== b.length) return undefined;
  return a.map((d, i) => (d === b[i] ? d : undefined));
}

/** What two branches' outputs agree on. */
function unify(a: ValueType | undefined, b: ValueType | undefined): Inferred {
  if (a === undefined) return split(b, false);
  if (b === undefined) return split(a, false);
  if (a.kind !== b.kind) return UNKNOWN;
  if (a.kind === 'tensor' || a.kind === 'sparse_tensor') {
    if (a.dtype !== (b as typeof a).dtype) return UNKNOWN;
    return { type: { kind: a.kind, dtype: a.dtype }, shape: commonShape(a.shape, (b as typeof a).shape) };
  }
  return JSON.stringify(split(a).type) === JSON.stringify(split(b).type) ? split(a, false) : UNKNOWN;
}

function elementOf(t: ValueType | undefined): ValueType | undefined {
  return t?.kind === 'sequence' ? t.elem : t;
}

function inferIf(n: Node, eng: TypeInferencer): Inferred[] {
  const a = n.getGraph('then_branch');
  const b = n.getGraph('else_branch');
  if (a !== undefined) eng.inferGraph(a);
  if (b !== undefined) eng.inferGraph(b);
  return n.outputs.map((_, o) => unify(a?.outputs[o]?.type, b?.outputs[o]?.type));
}

function inferLoop(n: Node, eng: TypeInferencer): Inferred[] {
  const body = n.getGraph('body');
  if (body === undefined) return n.outputs.map(() => UNKNOWN);
  const carried = Math.max(0, n.inputs.length - 2);
  const params = body.inputs;
  if (params[0] !== undefined) eng.assign(params[0], { type: { kind: 'tensor', dtype: DataType.INT64 }, shape: [] }, undefined, body);
  if (params[1] !== undefined) eng.assign(params[1], { type: { kind: 'tensor', dtype: DataType.BOOL }, shape: [] }, undefined, body);
  for (let k = 0; k < carried; k++) {
    const p = params[2 + k];
    // A loop-carried value may change shape between iterations (ONNX drops it too).
    if (p !== undefined) eng.assign(p, split(n.inputs[2 + k]?.type, false), undefined, body);
  }
  eng.inferGraph(body);
  return n.outputs.map((_, o) => {
    if (o < carried) {
      const init = n.inputs[2 + o]?.type;
      const out = body.outputs[1 + o]?.type;
      const t = split(out ?? init).type;
      return { type: t, shape: t?.kind === 'tensor' ? commonShape(tensorShape(init), tensorShape(out)) : undefined };
    }
    const out = split(body.outputs[1 + o]?.type);
    return out.type?.kind === 'tensor' ? { type: out.type, shape: out.shape === undefined ? undefined : [undefined, ...out.shape] } : UNKNOWN;
  });
}

/** Scan-9+: states, then scan inputs sliced along their axis; scan outputs stacked along theirs. */
function inferScan(n: Node, opset: number, eng: TypeInferencer): Inferred[] {
  const body = n.getGraph('body');
  if (body === undefined) return n.outputs.map(() => UNKNOWN);
  const m = n.getInt('num_scan_inputs', 0);
  const legacy = opset < 9;
  const first = legacy ? 1 : 0;
  const states = Math.max(0, n.inputs.length - first - m);
  const inAxes = n.getInts('scan_input_axes') ?? [];
  const outAxes = n.getInts('scan_output_axes') ?? [];
  let seqLen: Dim;
  let batch: Dim;
  for (let k = 0; k < states; k++) {
    const p = body.inputs[k];
    const outer = split(n.inputs[first + k]?.type);
    if (p !== undefined) eng.assign(p, legacy ? { type: outer.type, shape: outer.shape?.slice(1) } : outer, undefined, body);
    if (legacy) batch ??= outer.shape?.[0];
  }
  for (let j = 0; j < m; j++) {
    const p = body.inputs[states + j];
    const outer = split(n.inputs[first + states + j]?.type);
    const s = outer.shape;
    let sliced: Dim[] | undefined;
    if (s !== undefined) {
      if (legacy) {
        batch ??= s[0];
        seqLen ??= s[1];
        sliced = s.slice(2);
      } else {
        const axis = normAxis(inAxes[j] ?? 0, s.length);
        if (axis !== undefined) {
          seqLen ??= s[axis];
          sliced = s.filter((_, i) => i !== axis);
        }
      }
    }
    if (p !== undefined) eng.assign(p, { type: outer.type, shape: sliced }, undefined, body);
  }
  eng.inferGraph(body);
  return n.outputs.map((_, o) => {
    const out = split(body.outputs[o]?.type);
    if (out.type?.kind !== 'tensor') return out.type === undefined ? UNKNOWN : { type: out.type, shape: undefined };
    const s = out.shape;
    if (s === undefined) return { type: out.type, shape: undefined };
    if (o < states) return { type: out.type, shape: legacy ? [batch, ...s] : s };
    if (legacy) return { type: out.type, shape: [batch, seqLen, ...s] };
    const axis = normAxis(outAxes[o - states] ?? 0, s.length + 1);
    if (axis === undefined) return { type: out.type, shape: undefined };
    const shape: Dim[] = [...s];
    shape.splice(axis, 0, seqLen);
    return { type: out.type, shape };
  });
}

function inferSequenceMap(n: Node, eng: TypeInferencer): Inferred[] {
  const body = n.getGraph('body');
  if (body === undefined) return n.outputs.map(() => UNKNOWN);
  body.inputs.forEach((p, i) => {
    const outer = n.inputs[i]?.type;
    eng.assign(p, split(i === 0 || outer?.kind === 'sequence' ? elementOf(outer) : outer, false), undefined, body);
  });
  eng.inferGraph(body);
  return n.outputs.map((_, o) => {
    const t = split(body.outputs[o]?.type, false).type;
    return { type: t === undefined ? undefined : { kind: 'sequence', elem: t }, shape: undefined };
  });
}

/** Output types of an If/Loop/Scan/SequenceMap node, after inferring its bodies. */
export function inferControlFlow(n: Node, opset: number, eng: TypeInferencer): Inferred[] {
  switch (n.opType) {
    case 'If': return inferIf(n, eng);
    case 'Loop': return inferLoop(n, eng);
    case 'Scan': return inferScan(n, opset, eng);
    case 'SequenceMap': return inferSequenceMap(n, eng);
    default: return n.outputs.map(() => UNKNOWN);
  }
}


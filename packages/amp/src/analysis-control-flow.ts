import { DataType, type Graph, type Node, type Value } from '@mixprec/ir';
import type { Analysis } from './analysis-state.js';
import { isPlannableConstant } from './constants.js';
import type { NodePlan } from './plan.js';

/** Decides every node of a graph (recursion for bodies). */
export type GraphDecider = (a: Analysis, g: Graph) => void;

/** True for If/Loop/Scan (ONNX domain), the ops whose bodies this analysis types. */
export function isControlFlow(n: Node): boolean {
  return n.domain === '' && (n.opType === 'If' || n.opType === 'Loop' || n.opType === 'Scan');
}

/** A body output is 16-bit: planned so, or a constant (converted for free). */
function bodyOutputIsTarget(a: Analysis, v: Value | undefined): boolean {
  if (v === undefined || a.forced.has(v)) return false;
  return a.plannedOf(v) === a.target || (isPlannableConstant(v) && a.isFloat(v));
}

function plan(n: Node, path: string, inputs: (DataType | undefined)[], outputs: (DataType | undefined)[], a: Analysis): NodePlan {
  const converted = outputs.some((d) => d === a.target);
  return {
    node: n, graph: path, color: 'gray', rule: 'control-flow', converted, materialized: false, inputs, outputs,
    reason: converted ? 'outputs follow the bodies (16-bit where every body yields 16-bit)' : 'bodies yield float32',
  };
}

/** If: each float output is 16-bit iff both branches yield it 16-bit; a differing branch gets a Cast at its end. */
function decideIf(a: Analysis, n: Node, path: string, decideGraph: GraphDecider): NodePlan {
  const thenG = n.getGraph('then_branch');
  const elseG = n.getGraph('else_branch');
  if (thenG !== undefined) decideGraph(a, thenG);
  if (elseG !== undefined) decideGraph(a, elseG);
  const outputs = n.outputs.map((o, k): DataType | undefined => {
    if (!a.isFloat(o)) return undefined;
    const both = !a.forced.has(o) && bodyOutputIsTarget(a, thenG?.outputs[k]) && bodyOutputIsTarget(a, elseG?.outputs[k]);
    const d = both ? a.target : DataType.FLOAT;
    a.planned.set(o, d);
    return d;
  });
  for (const g of [thenG, elseG]) if (g !== undefined) a.graphOutputs.set(g, [...outputs]);
  return plan(n, path, new Array(n.inputs.length).fill(undefined), outputs, a);
}

/**
 * Loop-carried (or Scan state) variables: 16-bit when the initial value is available in 16-bit
 * and the body keeps the variable 16-bit; decided by re-analysing the body until stable (each
 * round can only turn a variable to float32, so at most one round per variable).
 */
function carriedFixpoint(
  a: Analysis, body: Graph, inits: readonly (Value | undefined)[], bodyIn: (k: number) => Value | undefined,
  bodyOut: (k: number) => Value | undefined, beforeRound: () => void, decideGraph: GraphDecider,
): (DataType | undefined)[] {
  const carried = inits.map((init, k): DataType | undefined => {
    if (!a.isFloat(init)) return undefined;
    const bi = bodyIn(k);
    if (a.forced.has(init!) || (bi !== undefined && a.forced.has(bi)) || a.dt.isContainer(init!)) return DataType.FLOAT;
    return a.available(init!) ? a.target : DataType.FLOAT;
  });
  for (let round = 0; round <= carried.length + 1; round++) {
    carried.forEach((d, k) => {
      const bi = bodyIn(k);
      if (d !== undefined && bi !== undefined) a.planInput(bi, d);
    });
    beforeRound();
    decideGraph(a, body);
    let changed = false;
    carried.forEach((d, k) => {
      if (d === a.target && !bodyOutputIsTarget(a, bodyOut(k))) {
        carried[k] = DataType.FLOAT;
        changed = true;
      }
    });
    if (!changed) break;
  }
  return carried;
}

function decideLoop(a: Analysis, n: Node, path: string, decideGraph: GraphDecider): NodePlan {
  const body = n.getGraph('body');
  const inputs: (DataType | undefined)[] = new Array(n.inputs.length).fill(undefined);
  const outputs: (DataType | undefined)[] = new Array(n.outputs.length).fill(undefined);
  if (body === undefined) return plan(n, path, inputs, outputs, a);
  const nCarried = Math.max(0, n.inputs.length - 2);
  const inits = n.inputs.slice(2);
  const carried = carriedFixpoint(a, body, inits, (k) => body.inputs[2 + k], (k) => body.outputs[1 + k], () => undefined, decideGraph);
  const wants: (DataType | undefined)[] = new Array(body.outputs.length).fill(undefined);
  carried.forEach((d, k) => {
    inputs[2 + k] = d;
    wants[1 + k] = d;
    if (k < n.outputs.length) outputs[k] = d;
  });
  for (let j = nCarried; j < n.outputs.length; j++) {
    const o = n.outputs[j]!;
    if (!a.isFloat(o)) continue;
    const bo = body.outputs[1 + j];
    const d = a.forced.has(o) ? DataType.FLOAT : a.plannedOf(bo) === a.target ? a.target : DataType.FLOAT;
    outputs[j] = d;
    wants[1 + j] = d;
  }
  outputs.forEach((d, j) => { if (d !== undefined) a.planned.set(n.outputs[j]!, d); });
  a.graphOutputs.set(body, wants);
  return plan(n, path, inputs, outputs, a);
}

function decideScan(a: Analysis, n: Node, path: string, decideGraph: GraphDecider): NodePlan {
  const body = n.getGraph('body');
  const inputs: (DataType | undefined)[] = new Array(n.inputs.length).fill(undefined);
  const outputs: (DataType | undefined)[] = new Array(n.outputs.length).fill(undefined);
  if (body === undefined) return plan(n, path, inputs, outputs, a);
  const off = (a.opset('') ?? 9) < 9 ? 1 : 0;
  const m = n.getInt('num_scan_inputs', 0);
  const nState = Math.max(0, n.inputs.length - off - m);
  const inits = n.inputs.slice(off, off + nState);
  // Scan inputs hand their planned dtype to the body (no Cast: an element is a slice of the outer value).
  const typeScanInputs = (): void => {
    for (let j = 0; j < m; j++) {
      const outer = n.inputs[off + nState + j];
      const bi = body.inputs[nState + j];
      if (bi === undefined || !a.isFloat(outer)) continue;
      const d = a.plannedOf(outer)!;
      inputs[off + nState + j] = d;
      a.planInput(bi, d);
    }
  };
  const carried = carriedFixpoint(a, body, inits, (k) => body.inputs[k], (k) => body.outputs[k], typeScanInputs, decideGraph);
  const wants: (DataType | undefined)[] = new Array(body.outputs.length).fill(undefined);
  carried.forEach((d, k) => {
    inputs[off + k] = d;
    wants[k] = d;
    if (k < n.outputs.length) outputs[k] = d;
  });
  for (let j = nState; j < n.outputs.length; j++) {
    const o = n.outputs[j]!;
    if (!a.isFloat(o)) continue;
    const d = a.plannedOf(body.outputs[j]) === a.target ? a.target : DataType.FLOAT;
    outputs[j] = d;
    wants[j] = d;
  }
  outputs.forEach((d, j) => { if (d !== undefined) a.planned.set(n.outputs[j]!, d); });
  a.graphOutputs.set(body, wants);
  return plan(n, path, inputs, outputs, a);
}

/** Decides an If/Loop/Scan node and (recursively) its bodies. */
export function decideControlFlow(a: Analysis, n: Node, path: string, decideGraph: GraphDecider): NodePlan {
  for (const [k, at] of n.attributes) {
    if (at.type === 'GRAPH') a.registerSubgraph(n.graph!, n, k, at.value);
  }
  if (n.opType === 'If') return decideIf(a, n, path, decideGraph);
  if (n.opType === 'Loop') return decideLoop(a, n, path, decideGraph);
  return decideScan(a, n, path, decideGraph);
}

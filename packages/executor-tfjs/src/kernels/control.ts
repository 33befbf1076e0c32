import * as tf from '@tensorflow/tfjs-core';
import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor, numbersOf } from '../host.js';
import { family } from '../registry.js';
import { cloneValue, disposeValue, type RValue, TensorValue } from '../values.js';

/**
 * Control flow: If, Loop and Scan run their subgraphs through the executor (captured outer
 * values are read from the enclosing scope). Loop-carried and state values pass ownership
 * from one iteration to the next, so intermediate iterations are freed as they go.
 */

function ifOp(ctx: KernelContext): RValue[] {
  const c = ctx.tensor(0);
  if (c.size !== 1) ctx.fail(`condition must hold one element, got ${c.toString()}`);
  const taken = numbersOf(c)[0] ? 'then_branch' : 'else_branch';
  return ctx.host.runSubgraph(ctx.graph(taken), []);
}

/** Stacks per-iteration tensors along a new `axis`; reversed when `reverse`. */
function stackOutputs(ctx: KernelContext, items: RValue[], axis: number, reverse: boolean): TensorValue {
  if (items.length === 0) return makeTensor(DataType.FLOAT, [0], []);
  const ts = items.map((v) => (v.kind === 'tensor' ? v : ctx.fail('scan outputs must be tensors')));
  const list = ts.map((v) => ctx.tfOf(v));
  if (reverse) list.reverse();
  const r = tf.stack(list, axis < 0 ? axis + list[0]!.rank + 1 : axis);
  return TensorValue.ofTf(ts[0]!.dtype, r);
}

function loop(ctx: KernelContext): RValue[] {
  const body = ctx.graph('body');
  const maxTrip = ctx.has(0) && ctx.tensor(0).size > 0 ? ctx.scalar(0) : Infinity;
  let cond = ctx.has(1) && ctx.tensor(1).size > 0 ? numbersOf(ctx.tensor(1))[0] !== 0 : true;
  const nCarried = ctx.inputCount - 2;
  let carried: RValue[] = [];
  for (let i = 0; i < nCarried; i++) carried.push(cloneValue(ctx.value(i + 2)));
  const nScan = body.outputs.length - 1 - nCarried;
  const scans: RValue[][] = Array.from({ length: nScan }, () => []);
  for (let it = 0; it < maxTrip && cond; it++) {
    const inputs: RValue[] = [makeTensor(DataType.INT64, [], [it]), makeTensor(DataType.BOOL, [], [1]), ...carried];
    const outs = ctx.host.runSubgraph(body, inputs);
    const c = outs[0]!;
    cond = c.kind === 'tensor' ? numbersOf(c)[0] !== 0 : ctx.fail('body condition output must be a tensor');
    disposeValue(c);
    carried = outs.slice(1, 1 + nCarried);
    outs.slice(1 + nCarried).forEach((v, k) => scans[k]!.push(v));
  }
  const stacked = scans.map((items) => stackOutputs(ctx, items, 0, false));
  for (const items of scans) for (const v of items) disposeValue(v);
  return [...carried, ...stacked];
}

/** Slice `t` of a scan input along `axis` (size-1 dim removed). */
function sliceAt(ctx: KernelContext, v: TensorValue, axis: number, t: number): TensorValue {
  const x = ctx.tfOf(v);
  const begin = x.shape.map((_, i) => (i === axis ? t : 0));
  const size = x.shape.map((d, i) => (i === axis ? 1 : d));
  return TensorValue.ofTf(v.dtype, tf.squeeze(tf.slice(x, begin, size), [axis]));
}

function scanCore(ctx: KernelContext, states: RValue[], scanIns: TensorValue[]): RValue[] {
  const body = ctx.graph('body');
  const nIn = scanIns.length;
  const inAxes = (ctx.ints('scan_input_axes') ?? new Array<number>(nIn).fill(0)).map((a, i) => (a < 0 ? a + scanIns[i]!.rank : a));
  const inDirs = ctx.ints('scan_input_directions') ?? new Array<number>(nIn).fill(0);
  const nStates = states.length;
  const nOut = body.outputs.length - nStates;
  const outAxes = ctx.ints('scan_output_axes') ?? new Array<number>(nOut).fill(0);
  const outDirs = ctx.ints('scan_output_directions') ?? new Array<number>(nOut).fill(0);
  const len = nIn > 0 ? scanIns[0]!.shape[inAxes[0]!]! : 0;
  let cur = states;
  const outs: RValue[][] = Array.from({ length: nOut }, () => []);
  for (let t = 0; t < len; t++) {
    const slices = scanIns.map((v, i) => sliceAt(ctx, v, inAxes[i]!, inDirs[i] ? len - 1 - t : t));
    const res = ctx.host.runSubgraph(body, [...cur, ...slices]);
    cur = res.slice(0, nStates);
    res.slice(nStates).forEach((v, k) => outs[k]!.push(v));
  }
  const stacked = outs.map((items, k) => stackOutputs(ctx, items, outAxes[k]!, outDirs[k] !== 0));
  for (const items of outs) for (const v of items) disposeValue(v);
  return [...cur, ...stacked];
}

function scan(ctx: KernelContext): RValue[] {
  const nScan = ctx.int('num_scan_inputs') ?? ctx.fail('num_scan_inputs is required');
  if (ctx.opset >= 9) {
    const nStates = ctx.inputCount - nScan;
    const states = Array.from({ length: nStates }, (_, i) => cloneValue(ctx.value(i)));
    const scanIns = Array.from({ length: nScan }, (_, i) => ctx.tensor(nStates + i));
    return scanCore(ctx, states, scanIns);
  }
  // Scan-8: a leading batch axis on every input, optional sequence_lens first.
  const nStates = ctx.inputCount - 1 - nScan;
  const batch = ctx.tensor(1).shape[0]!;
  const perBatch: RValue[][] = [];
  for (let b = 0; b < batch; b++) {
    const states = Array.from({ length: nStates }, (_, i) => sliceAt(ctx, ctx.tensor(1 + i), 0, b));
    const scanIns = Array.from({ length: nScan }, (_, i) => sliceAt(ctx, ctx.tensor(1 + nStates + i), 0, b));
    perBatch.push(scanCore(ctx, states, scanIns.map((v) => v)));
  }
  const n = perBatch[0]?.length ?? 0;
  return Array.from({ length: n }, (_, k) => stackOutputs(ctx, perBatch.map((r) => r[k]!), 0, false));
}

export const CONTROL = family('', {
  If: ifOp,
  Loop: loop,
  Scan: scan,
});

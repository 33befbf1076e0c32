import * as t from 'io-ts';
import {
  Node, attr, elementCount, isFloatType, tensorToFloat64, walkGraphs, type Graph, type Tensor, type Value,
} from '@mixprec/ir';
import { definePass } from '@mixprec/passes';
import { constantValue, forwardValue } from '@mixprec/transforms';

/** The single number a value holds when it is a one-element float constant (initializer or Constant node). */
function scalar(v: Value | undefined): number | undefined {
  if (v === undefined) return undefined;
  let tensor: Tensor | undefined = v.constValue;
  if (tensor === undefined) {
    const p = v.producer();
    const c = p === undefined ? undefined : constantValue(p);
    if (c?.kind === 'dense') tensor = c.tensor;
  }
  if (tensor === undefined || !isFloatType(tensor.dtype) || elementCount(tensor.dims) !== 1) return undefined;
  return tensorToFloat64(tensor)[0];
}

const near = (a: number | undefined, b: number): boolean => a !== undefined && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

/** A value used by exactly one node input and not a graph output: safe to fold away. */
function internal(v: Value): boolean {
  return v.useCount === 1 && !v.isGraphOutput();
}

/** The other input of a two-input node, when `one` is one of them. */
function other(n: Node, one: (v: Value | undefined) => boolean): Value | undefined {
  const [a, b] = n.inputs;
  if (one(a)) return b;
  if (one(b)) return a;
  return undefined;
}

/** Clip's bounds: attributes before opset 11, inputs since (absent = unbounded). */
function clipBounds(n: Node, opset: number): [number | undefined, number | undefined] {
  if (opset < 11) return [n.getFloat('min', -3.4028234663852886e38), n.getFloat('max', 3.4028234663852886e38)];
  return [n.inputs[1] === undefined ? -Infinity : scalar(n.inputs[1]), n.inputs[2] === undefined ? Infinity : scalar(n.inputs[2])];
}

/** A matched `x · clip(x + 3, 0, 6) / 6`: its input, its nodes (last first) and its output. */
interface HardSwish {
  readonly x: Value;
  readonly nodes: readonly Node[];
  readonly out: Value;
}

/** Matches the pattern ending at `last` (a `Div` by 6 or a `Mul` by 1/6). */
function match(last: Node, opset: number): HardSwish | undefined {
  if (last.domain !== '' || last.inputs.length !== 2) return undefined;
  let prod: Value | undefined;
  if (last.opType === 'Div' && near(scalar(last.inputs[1]), 6)) prod = last.inputs[0];
  else if (last.opType === 'Mul') prod = other(last, (v) => near(scalar(v), 1 / 6));
  const mul = prod?.producer();
  if (prod === undefined || !internal(prod) || mul === undefined || mul.opType !== 'Mul' || mul.domain !== '' || mul.graph !== last.graph) return undefined;
  // Mul(x, clip) in either order: try both as the clip.
  for (const k of [0, 1]) {
    const clipped = mul.inputs[k];
    const x = mul.inputs[1 - k];
    const clip = clipped?.producer();
    if (clipped === undefined || x === undefined || !internal(clipped) || clip?.opType !== 'Clip' || clip.domain !== '') continue;
    const [lo, hi] = clipBounds(clip, opset);
    if (!near(lo, 0) || !near(hi, 6)) continue;
    const shifted = clip.inputs[0];
    const add = shifted?.producer();
    if (shifted === undefined || !internal(shifted) || add?.opType !== 'Add' || add.domain !== '') continue;
    if (other(add, (v) => v === x) === undefined || !near(scalar(other(add, (v) => v === x)), 3)) continue;
    return { x, nodes: [last, mul, clip, add], out: last.outputs[0]! };
  }
  return undefined;
}

/** Replaces one match; false (nothing changed) when its output cannot take the new value's place. */
function rewrite(g: Graph, m: HardSwish, opset: number, hardSwish: boolean): boolean {
  const last = m.nodes[0]!;
  const base = last.name !== '' ? last.name : 'hard_swish';
  const out = g.names.freshValueName(`${m.x.name}_hard_swish`);
  let added: Node[];
  if (hardSwish && opset >= 14) {
    added = [new Node({ opType: 'HardSwish', name: g.names.freshNodeName(base), inputs: [m.x], outputs: [out] })];
  } else {
    const gate = new Node({
      opType: 'HardSigmoid', name: g.names.freshNodeName(`${base}/gate`), inputs: [m.x], outputs: [g.names.freshValueName(`${m.x.name}_gate`)],
      attributes: { alpha: attr.float(1 / 6), beta: attr.float(0.5) },
    });
    gate.outputs[0]!.type = m.x.type;
    added = [gate, new Node({ opType: 'Mul', name: g.names.freshNodeName(base), inputs: [m.x, gate.outputs[0]!], outputs: [out] })];
  }
  g.insertBefore(last, added);
  if (!forwardValue(m.out, added[added.length - 1]!.outputs[0]!)) {
    g.remove(added);
    return false;
  }
  g.remove([...m.nodes]);
  return true;
}

/**
 * Fuses the hard-swish that exporters without a HardSwish op write out (PaddlePaddle,
 * opset < 14): `x · Clip(x + 3, 0, 6) / 6` (or `· (1/6)`) becomes `HardSwish(x)` when the model's
 * opset has it (≥ 14), else `x · HardSigmoid(x; α = 1/6, β = 0.5)` — the same function in 2 nodes
 * instead of 4, valid since opset 6. The intermediate values must have no other use; the
 * constants 3 and 6 are left for `dce`.
 *
 * ```
 * a = Add(x, three)                       # three = 3
 * c = Clip<min=0, max=6>(a)
 * m = Mul(x, c)
 * y = Div(m, six)                         # six = 6
 * ```
 * becomes (opset < 14)
 * ```
 * g = HardSigmoid<alpha=0.1666667, beta=0.5>(x)
 * y = Mul(x, g)
 * ```
 */
export const fuseHardSwish = definePass({
  name: 'fuse-hard-swish',
  description: 'Fuse x*Clip(x+3,0,6)/6 into HardSwish (opset >= 14) or x*HardSigmoid(x)',
  optLevel: 1,
  options: t.strict({ hardSwish: t.boolean }),
  defaults: { hardSwish: true },
  optionDocs: { hardSwish: 'use HardSwish where the opset has it (false: always HardSigmoid and Mul)' },
  run(model, ctx, opts) {
    const opset = model.opsetImports.get('') ?? 1;
    let fused = 0;
    for (const g of walkGraphs(model)) {
      for (const n of g) {
        const m = match(n, opset);
        if (m !== undefined && rewrite(g, m, opset, opts.hardSwish)) fused++;
      }
    }
    if (fused > 0) {
      ctx.report({ severity: 'info', code: 'fuse-hard-swish', message: `fuse-hard-swish: ${fused} hard-swish pattern(s) fused into ${opts.hardSwish && opset >= 14 ? 'HardSwish' : 'HardSigmoid and Mul'}` });
    }
    return { modified: fused > 0 };
  },
});

import * as tf from '@tensorflow/tfjs-core';
import {
  DataType, implicitInputs, topologicalOrder, type Attr, type Diagnostic, type Graph, type Model, type Node, type Value,
} from '@mixprec/ir';
import { isMissingKernelError, onCpu } from './backend.js';
import { ACCUMULATION_KEY, KernelContext, type KernelHost } from './context.js';
import { ExecError, nodeError } from './errors.js';
import { planFusion, runFused, type FusionCache, type FusionGroup } from './fusion.js';
import { gridInputs, type GridInputs } from './grid.js';
import { roundInPlace } from './heap-kernels.js';
import type { HeapKernels } from './wasm-module.js';
import type { KernelSpec, KernelTable } from './registry.js';
import type { Resident } from './resident.js';
import { asChannelsLast, channelsLastOperands } from './layout.js';
import { roundTensor } from './round-kernels.js';
import { Scope } from './scope.js';
import { splitWideRun } from './wide.js';
import { cloneValue, describeValue, disposeValue, type RValue, storageOf, tensorsOf } from './values.js';

/** Everything one model run shares. */
export interface RunEnv {
  readonly model: Model;
  readonly kernels: KernelTable;
  readonly opset: number;
  readonly seed: number;
  readonly notes: Diagnostic[];
  /** Execution plans, computed once per graph (per prepared model). */
  readonly plans: WeakMap<Graph, GraphPlan>;
  /** Initializers and Constant outputs kept across runs (owned by the prepared model). */
  readonly resident: Resident;
  /** Called with every value any graph (main graph and subgraphs, every iteration) defines. */
  readonly observe?: Recorder;
  /** The executor's WebAssembly kernels on the wasm backend's heap (in-place rounding), if active. */
  readonly heap?: HeapKernels;
}

/** One node of a plan: what is looked up once per model instead of once per run. */
export interface PlanStep {
  readonly node: Node;
  /** The kernel (undefined: a model-local function call or an unsupported op). */
  readonly spec: KernelSpec | undefined;
  /** A Constant node whose value depends on its attributes only (computed once, resident). */
  readonly constant: boolean;
  /** Inputs the outputs are made of when the op keeps the 16-bit grid (see grid.ts). */
  readonly grid: GridInputs | undefined;
}

/** Node order and liveness of one graph. */
export interface GraphPlan {
  readonly steps: readonly PlanStep[];
  /** Values to free after step i (their last use in this graph, captures included). */
  readonly freeAfter: readonly (readonly Value[])[];
  readonly used: ReadonlySet<Value>;
  readonly outputs: ReadonlySet<Value>;
  /** Elementwise chains run as one kernel on the wasm backend, by first step (fusion.ts). */
  readonly fusion: ReadonlyMap<number, FusionGroup>;
  /** Their compiled programs and scalar operands. */
  readonly fused: FusionCache;
}

/** Called with every value a graph defines (inputs excluded), before it can be freed. */
export type Recorder = (value: Value, v: RValue) => void;

function isStaticConstant(node: Node): boolean {
  if (node.domain !== '' || node.opType !== 'Constant') return false;
  for (const a of node.attributes.values()) if (a.refAttrName !== undefined) return false;
  return true;
}

function planOf(env: RunEnv, g: Graph): GraphPlan {
  const cached = env.plans.get(g);
  if (cached !== undefined) return cached;
  const order = topologicalOrder(g);
  const last = new Map<Value, number>();
  order.forEach((n, i) => {
    for (const v of n.inputs) if (v !== undefined) last.set(v, i);
    if (n.subgraphs().length > 0) for (const v of implicitInputs(n)) last.set(v, i);
  });
  const freeAfter: Value[][] = order.map(() => []);
  for (const [v, i] of last) freeAfter[i]!.push(v);
  const steps = order.map((node): PlanStep => ({
    node,
    spec: env.kernels.get(`${node.domain}::${node.opType}`),
    constant: isStaticConstant(node),
    grid: gridInputs(node, env.opset),
  }));
  const outputs = new Set(g.outputs);
  // Subgraphs may read values by capture, which use lists do not show: no fusion there.
  const fusion = order.some((n) => n.subgraphs().length > 0) ? new Map<number, FusionGroup>() : planFusion(order, outputs, env.opset);
  const plan: GraphPlan = { steps, freeAfter, used: new Set(last.keys()), outputs, fusion, fused: { kernels: new Map(), scalars: new WeakMap() } };
  env.plans.set(g, plan);
  return plan;
}


/**
 * Runs a graph. `inputs` bind the graph inputs in order and become owned by the run (they
 * are freed after their last use); captured outer values are read, never freed. Returns the
 * graph outputs, owned by the caller.
 */
export function runGraph(
  env: RunEnv, g: Graph, inputs: readonly (RValue | undefined)[], parent: Scope | undefined,
  attrScope: ReadonlyMap<string, Attr> | undefined, record?: Recorder,
): RValue[] {
  const plan = planOf(env, g);
  const scope = new Scope(parent, attrScope);
  const free = (v: Value): void => {
    if (!plan.outputs.has(v)) scope.free(v);
  };
  try {
    g.inputs.forEach((v, i) => {
      const x = inputs[i];
      if (x !== undefined) scope.set(v, x);
      else if (!v.isInitializer()) throw new ExecError('InvalidInput', `Graph '${g.name}' input '${v.name}' has no value`);
    });
    for (let i = g.inputs.length; i < inputs.length; i++) disposeValue(inputs[i]);
    for (const inits of [g.initializers, g.sparseInitializers]) {
      for (const v of inits.values()) {
        if (!scope.has(v) && (plan.used.has(v) || plan.outputs.has(v))) scope.set(v, env.resident.initializer(v), true);
      }
    }
    for (const v of g.inputs) if (!plan.used.has(v)) free(v);
    const steps = plan.steps;
    const runStep = (i: number): void => {
      const step = steps[i]!;
      const node = step.node;
      const nodeInputs = node.inputs;
      const ins: (RValue | undefined)[] = new Array(nodeInputs.length);
      for (let k = 0; k < nodeInputs.length; k++) {
        const v = nodeInputs[k];
        if (v === undefined) continue;
        const x = scope.get(v);
        if (x === undefined) throw nodeError('KernelError', node, `input '${v.name}' has no value (not computed before this node)`);
        ins[k] = x;
      }
      const borrowed = step.constant;
      const outs = borrowed ? env.resident.constantOutputs(node, () => execNode(env, step, ins, scope)) : execNode(env, step, ins, scope);
      node.outputs.forEach((o, k) => {
        const x = outs[k];
        if (o.name === '') {
          if (!borrowed) disposeValue(x);
          return;
        }
        if (x === undefined) throw nodeError('KernelError', node, `output ${k} ('${o.name}') was not produced`);
        scope.set(o, x, borrowed);
        record?.(o, x);
        env.observe?.(o, x);
        if (!plan.used.has(o)) free(o);
      });
      if (!borrowed) for (let k = node.outputs.length; k < outs.length; k++) disposeValue(outs[k]);
      for (const v of plan.freeAfter[i]!) free(v);
    };
    const fuse = env.heap !== undefined && record === undefined && env.observe === undefined && plan.fusion.size > 0;
    for (let i = 0; i < steps.length; i++) {
      const group = fuse ? plan.fusion.get(i) : undefined;
      if (group !== undefined) {
        // The chain's constants first (they have no inputs); run again below if not fused.
        for (const k of group.constants) runStep(k);
        const fused = runFused(group, env.opset, (v) => scope.get(v), plan.fused);
        if (fused !== undefined) {
          const o = group.nodes[group.nodes.length - 1]!.outputs[0]!;
          scope.set(o, fused);
          if (!plan.used.has(o)) free(o);
          for (let k = i; k < group.end; k++) for (const v of plan.freeAfter[k]!) free(v);
          i = group.end - 1;
          continue;
        }
      }
      runStep(i);
    }
    const returned = new Set<Value>();
    return g.outputs.map((v) => {
      if (scope.has(v) && !returned.has(v)) {
        returned.add(v);
        return scope.take(v)!;
      }
      const x = scope.get(v);
      if (x === undefined) throw new ExecError('KernelError', `Graph '${g.name}' output '${v.name}' has no value`);
      return cloneValue(x);
    });
  } finally {
    scope.clear();
  }
}

/** Runs one node: tidy scope, missing-kernel fallback, dtype and 16-bit rounding. */
function execNode(env: RunEnv, step: PlanStep, ins: readonly (RValue | undefined)[], scope: Scope): RValue[] {
  const { node, spec } = step;
  if (spec === undefined) return callFunction(env, node, ins, scope);
  const resident = env.resident;
  const host: KernelHost = {
    opset: env.opset,
    seed: env.seed,
    attrScope: scope.attrScope,
    runSubgraph: (sg, inputs) => runGraph(env, sg, inputs, scope, scope.attrScope),
    note: (code, message) => env.notes.push({ severity: 'info', code, message: `${node.toString()}: ${message}`, node: node.name }),
    derived: (x, key, make) => resident.derived(x, key, make),
    resident: (x) => resident.has(x),
  };
  let outs: (RValue | undefined)[] = [];
  tf.tidy(() => {
    // An elementwise op on a channels-last value runs in NHWC order (see layout.ts).
    const nhwc = spec.layout === 'elementwise' ? channelsLastOperands(ins) : undefined;
    const ctx = new KernelContext(node, nhwc ?? ins, host);
    if (spec.accumulates !== true && ctx.accumulation !== DataType.FLOAT) {
      host.note('accumulation-not-honoured', `${ACCUMULATION_KEY}=${node.metadataOrUndefined()?.get(ACCUMULATION_KEY)} is not emulated for ${node.opType}; it computes in float32 and rounds its outputs`);
    }
    outs = runKernel(spec, ctx);
    outs = outs.map((o, i) => finalize(env, ctx, o, i, step.grid));
    if (nhwc !== undefined) outs = outs.map(asChannelsLast);
    return outs.flatMap((o) => tensorsOf(o));
  });
  return outs as RValue[];
}

function runKernel(spec: KernelSpec, ctx: KernelContext): (RValue | undefined)[] {
  const attempt = (): (RValue | undefined)[] => [...(spec.movesData !== undefined ? splitWideRun(spec, ctx) : spec.run(ctx))];
  try {
    try {
      // Empty tensors never reach the wasm backend: several of its kernels trap or read
      // uninitialised memory on them, and the cpu backend handles them in plain JS (cheaply).
      if (hasEmptyTensor(ctx.inputs) && tf.getBackend() === 'wasm') return onCpu(attempt);
      return attempt();
    } catch (e) {
      if (isMissingKernelError(e)) return onCpu(attempt);
      throw e;
    }
  } catch (e) {
    if (e instanceof ExecError) throw e;
    if (e instanceof WebAssembly.RuntimeError) {
      // A trap inside the backend's WebAssembly: the kernel read or wrote outside its buffers
      // for inputs no check caught. The backend's heap may be damaged from here on.
      const shapes = ctx.inputs.map((x) => describeValue(x)).join(', ');
      throw nodeError('KernelError', ctx.node, `the tfjs wasm backend trapped (${e.message}) on inputs ${shapes}; these shapes are not supported here, and the wasm backend may be unusable in this process (use the cpu backend or restart)`);
    }
    throw nodeError('KernelError', ctx.node, e instanceof Error ? e.message : String(e));
  }
}

/** True when an input (or a sequence/optional item) is a tfjs tensor with no elements. */
function hasEmptyTensor(xs: readonly (RValue | undefined)[]): boolean {
  for (const x of xs) {
    if (x === undefined) continue;
    for (const t of tensorsOf(x)) if (t.size === 0) return true;
  }
  return false;
}

/** True when `t` is a tfjs tensor of one of the node's inputs. */
function isInput(ctx: KernelContext, t: tf.Tensor): boolean {
  for (const x of ctx.inputs) if (x?.kind === 'tensor' && (x.stored === t || x.logicalTwin === t)) return true;
  return false;
}

/**
 * True when the node keeps the grid and each input the outputs are made of has the 16-bit
 * dtype `dtype` (so is on its grid already, see grid.ts).
 */
function onGrid(ctx: KernelContext, grid: GridInputs, dtype: DataType): boolean {
  const n = grid === 'all' ? ctx.inputs.length : grid.length;
  for (let k = 0; k < n; k++) {
    const x = ctx.inputs[grid === 'all' ? k : grid[k]!];
    if (x === undefined) continue;
    if (x.kind !== 'tensor' || x.dtype !== dtype) return false;
  }
  return true;
}

/**
 * Applies the declared output dtype and rounds 16-bit float outputs onto their grid (unless
 * the node provably keeps it).
 */
function finalize(env: RunEnv, ctx: KernelContext, o: RValue | undefined, i: number, grid: GridInputs | undefined): RValue | undefined {
  if (o === undefined || o.kind !== 'tensor') return o;
  let v = o;
  const declared = ctx.declaredDType(i);
  if (declared !== undefined && declared !== v.dtype && storageOf(declared) !== undefined) {
    if (storageOf(declared) !== storageOf(v.dtype)) {
      ctx.fail(`output ${i} is declared ${KernelContext.dtypeName(declared)} but the op computes ${KernelContext.dtypeName(v.dtype)}`);
    }
    v = v.relabel(declared);
  }
  const t = v.stored;
  if (t !== undefined && t.dtype === 'float32' && (v.dtype === DataType.FLOAT16 || v.dtype === DataType.BFLOAT16)) {
    if (grid !== undefined && onGrid(ctx, grid, v.dtype)) return v;
    // A fresh output the node owns alone is rounded where it lies (no second buffer), in
    // whatever layout it is stored.
    const inPlace = env.heap !== undefined && !isInput(ctx, t) && v.logicalTwin === undefined;
    if (inPlace && roundInPlace(env.heap!, t, v.dtype === DataType.FLOAT16 ? 'fp16' : 'bf16')) return v;
    const r = roundTensor(t, v.dtype);
    if (r !== t) v = v.withStored(r);
  }
  return v;
}

/** Runs a model-local function (FunctionProto) called by `node`. */
function callFunction(env: RunEnv, node: Node, ins: readonly (RValue | undefined)[], scope: Scope): RValue[] {
  const fn = env.model.findFunction(node.domain, node.opType, node.overload);
  if (fn === undefined) {
    const dom = node.domain === '' ? 'ai.onnx' : node.domain;
    throw nodeError('UnsupportedOp', node, `unsupported op ${dom}::${node.opType} (no kernel and no model-local function); see supportedOps() for the ${env.kernels.size} supported ops`);
  }
  const attrs = new Map<string, Attr>(fn.attributeDefaults);
  for (const [k, a] of node.attributes) attrs.set(k, a.refAttrName !== undefined ? (scope.attrScope?.get(a.refAttrName) ?? a) : a);
  const inputs = ins.map((x) => (x === undefined ? undefined : cloneValue(x)));
  // Values inside a model-local function are its private business: not observed.
  const fnEnv: RunEnv = { ...env, opset: fn.opsetImports.get('') ?? env.opset, observe: undefined };
  return runGraph(fnEnv, fn.graph, inputs, undefined, attrs);
}

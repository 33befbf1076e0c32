import {
  DataType, dataTypeText, type Graph, type Model, type Node, type Value,
} from '@mixprec/ir';
import { decideControlFlow, isControlFlow } from './analysis-control-flow.js';
import { decideNode } from './analysis-node.js';
import { Analysis } from './analysis-state.js';
import type { DTypeResolver } from './dtypes.js';
import { constantBehind, constantNodeTensor, isPlannableConstant } from './constants.js';
import { AmpError, resolveAmpOptions, type AmpOptions, type ResolvedAmpOptions } from './options.js';
import type { NodePlan, Plan } from './plan.js';
import type { RewriteHints } from './rewrite.js';
import { ioKeptFloat32 } from './runtime-gaps.js';

/** Most container fixpoint rounds (each forces at least one more value to float32). */
const MAX_ROUNDS = 10000;

function emptyPlan(n: Node, path: string, rule: NodePlan['rule'], color: NodePlan['color'], reason?: string): NodePlan {
  return {
    node: n, graph: path, color, rule, ...(reason === undefined ? {} : { reason }), converted: false, materialized: false,
    inputs: new Array(n.inputs.length).fill(undefined), outputs: new Array(n.outputs.length).fill(undefined),
  };
}

/** Nodes inside bodies of ops this analysis does not type (e.g. SequenceMap): every capture keeps its dtype. */
function untouchedBody(a: Analysis, g: Graph, path: string, inner: Set<Graph>): void {
  inner.add(g);
  for (const n of g) {
    const p = emptyPlan(n, path, 'unsupported-subgraph', 'red', 'inside the body of an op whose bodies are left as they are');
    const inputs = n.inputs.map((v) => (v !== undefined && a.isFloat(v) && !inner.has(v.graph()!) ? DataType.FLOAT : undefined));
    a.plans.set(n, { ...p, inputs });
    for (const [k, at] of n.attributes) {
      if (at.type === 'GRAPH') {
        a.registerSubgraph(g, n, k, at.value);
        untouchedBody(a, at.value, a.path(at.value), inner);
      }
    }
  }
}

/** Decides every node of `g` in topological order (bodies when their node is reached). */
function decideGraph(a: Analysis, g: Graph): void {
  const path = a.path(g);
  const order = a.dt.order(g);
  // (Indexed loops over the nodes and values: `for…of` allocates per step in unoptimized code.)
  for (let k = 0; k < order.length; k++) {
    const n = order[k]!;
    const op = n.opType;
    if ((op === 'If' || op === 'Loop' || op === 'Scan') && isControlFlow(n)) {
      a.plans.set(n, decideControlFlow(a, n, path, decideGraph));
      continue;
    }
    // (`hasSubgraphs` first: no array per node; a GRAPHS attribute may still hold none.)
    if (!n.hasSubgraphs() || n.subgraphs().length === 0) {
      if (n.domain === '' && n.opType === 'Constant' && a.isFloat(n.outputs[0]) && constantNodeTensor(n) !== undefined) {
        a.plans.set(n, emptyPlan(n, path, 'constant', 'gray', 'follows its consumers'));
      } else {
        a.plans.set(n, decideNode(a, n, path));
      }
      continue;
    }
    {
      const p = decideNode(a, n, path);
      const red = emptyPlan(n, path, 'unsupported-subgraph', 'red', `${n.opType} bodies are not converted`);
      const inputs = p.inputs.map((d) => (d === undefined ? undefined : DataType.FLOAT));
      const outputs = p.outputs.map((d, o) => {
        if (d === undefined) return undefined;
        a.planned.set(n.outputs[o]!, DataType.FLOAT);
        return DataType.FLOAT;
      });
      a.plans.set(n, { ...red, inputs, outputs });
      for (const [k, at] of n.attributes) {
        if (at.type === 'GRAPH') {
          a.registerSubgraph(g, n, k, at.value);
          untouchedBody(a, at.value, a.path(at.value), new Set());
        }
      }
    }
  }
}

/** Container values (sequence, optional, map, sparse) at control-flow and keep-IO boundaries stay float32. */
function preForce(a: Analysis): void {
  const force = (v: Value | undefined): void => {
    if (v !== undefined && a.isFloat(v) && a.dt.isContainer(v)) a.forced.add(v);
  };
  for (const g of a.graphs) for (const v of g.sparseInitializers.values()) if (a.isFloat(v)) a.forced.add(v);
  for (const n of a.dt.withSubgraphs) {
    const subs = n.subgraphs();
    if (subs.length === 0) continue;
    n.inputs.forEach(force);
    n.outputs.forEach(force);
    for (const b of subs) {
      b.inputs.forEach(force);
      b.outputs.forEach(force);
    }
  }
  for (const v of [...a.main.inputs, ...a.main.outputs]) if (a.keepIo(v.name)) force(v);
}

/** A note for IO that keeps float32 because no Cast admits the target or the legacy-opset runtime rule. */
function legacyNote(a: Analysis, v: Value, what: string): void {
  const why = ioKeptFloat32(a.opset('') ?? 1, a.target, a.opts.runtime);
  if (why === undefined || a.opts.keepAllIo || a.opts.keepIoNames.has(v.name)) return;
  a.notes.push({ severity: 'info', code: 'amp-io-kept', value: v.name, message: `${what} '${v.name}' stays float32: ${why}` });
}

function planMainInputs(a: Analysis): void {
  for (const v of a.main.inputs) {
    if (!a.isFloat(v)) continue;
    legacyNote(a, v, 'Input');
    const keep = a.keepIo(v.name);
    if (!keep && a.forced.has(v)) {
      a.notes.push({ severity: 'info', code: 'amp-io-kept', value: v.name, message: `Input '${v.name}' is a ${a.dt.kind(v)} that stays float32 (its consumers cannot all run in ${dataTypeText(a.target)})` });
    }
    a.planInput(v, keep || a.forced.has(v) ? DataType.FLOAT : a.target);
  }
}

function planMainOutputs(a: Analysis): void {
  const wants = a.main.outputs.map((v): DataType | undefined => {
    if (!a.isFloat(v)) return undefined;
    legacyNote(a, v, 'Output');
    let want: DataType = a.keepIo(v.name) ? DataType.FLOAT : a.target;
    if (want === a.target && a.forced.has(v)) {
      want = DataType.FLOAT;
      a.notes.push({ severity: 'info', code: 'amp-io-kept', value: v.name, message: `Output '${v.name}' is a ${a.dt.kind(v)} that stays float32 (its producers cannot all run in ${dataTypeText(a.target)})` });
    }
    if (v.isGraphInput() && a.plannedOf(v) !== want) {
      a.notes.push({ severity: 'info', code: 'amp-io-passthrough', value: v.name, message: `Output '${v.name}' is also a graph input: it keeps the input's dtype ${dataTypeText(a.plannedOf(v)!)}` });
      want = a.plannedOf(v)!;
    }
    return want;
  });
  a.graphOutputs.set(a.main, wants);
}

/** Whether a consumer or graph-output slot of container value `v` wants another dtype than planned. */
function disagrees(a: Analysis, v: Value, g: Graph, outWants: readonly (DataType | undefined)[] | undefined): boolean {
  const p = a.plannedOf(v);
  let bad = false;
  for (const u of v.uses()) {
    const w = a.plans.get(u.node)?.inputs[u.index];
    if (w !== undefined && w !== p) bad = true;
  }
  g.outputs.forEach((o, k) => {
    const w = outWants?.[k];
    if (o === v && w !== undefined && w !== p) bad = true;
  });
  return bad;
}

/** Forces float32 on container values whose producer and consumers disagree; true when any was added. */
function checkContainers(a: Analysis): boolean {
  let added = false;
  // Only container values can disagree: the dtype resolver found them (usually there are none).
  const cs = a.dt.containers;
  for (let k = 0; k < cs.length; k++) {
    const { value: v, graph: g } = cs[k]!;
    if ((a.forced.size > 0 && a.forced.has(v)) || !a.isFloat(v)) continue;
    if (disagrees(a, v, g, a.graphOutputs.get(g))) {
      a.forced.add(v);
      added = true;
    }
  }
  return added;
}

/** Wanted dtypes of values listed as graph outputs (main: IO decision; bodies: control flow). */
function outputWants(a: Analysis): Map<Value, DataType[]> {
  const m = new Map<Value, DataType[]>();
  for (const g of a.graphs) {
    const w = a.graphOutputs.get(g);
    g.outputs.forEach((o, k) => {
      const list = m.get(o) ?? [];
      list.push(w?.[k] ?? DataType.FLOAT);
      m.set(o, list);
    });
  }
  return m;
}

/** A constant's consumers want the target (`WANT_TARGET`), another dtype (`WANT_OTHER`), both, or nothing (0). */
const WANT_TARGET = 1;
const WANT_OTHER = 2;

/** What each use of a constant wants (bits, see `WANT_TARGET`); undefined wants mean "as it is" (FLOAT). */
function constantWants(a: Analysis, c: Value, outs: ReadonlyMap<Value, DataType[]>): number {
  const T = a.target;
  let wants = 0;
  const uses = c.uses();
  for (let k = 0; k < uses.length; k++) {
    const u = uses[k]!;
    wants |= (a.plans.get(u.node)?.inputs[u.index] ?? DataType.FLOAT) === T ? WANT_TARGET : WANT_OTHER;
  }
  const o = outs.size > 0 ? outs.get(c) : undefined;
  if (o !== undefined) for (const w of o) wants |= w === T ? WANT_TARGET : WANT_OTHER;
  return wants;
}

/** The constants of `g` the conversion may store 16-bit: initializers (not graph inputs), then Constant outputs. */
function plannableConstants(a: Analysis, g: Graph): Value[] {
  const consts: Value[] = [];
  for (const v of g.initializers.values()) if (isPlannableConstant(v)) consts.push(v);
  // The Constant nodes the dtype resolver met, in graph order (no walk over every node).
  const known = a.dt.constantNodes(g);
  if (known !== undefined) {
    for (let k = 0; k < known.length; k++) if (constantNodeTensor(known[k]!) !== undefined) consts.push(known[k]!.outputs[0]!);
    return consts;
  }
  for (let n = g.first; n !== undefined; n = n.next) {
    if (n.opType === 'Constant' && n.domain === '' && constantNodeTensor(n) !== undefined) consts.push(n.outputs[0]!);
  }
  return consts;
}

/** Constants become 16-bit in place when every consumer wants 16-bit, else stay and get a 16-bit copy. */
function planConstants(a: Analysis, copies: Set<Value>): void {
  const outs = outputWants(a);
  for (const g of a.graphs) {
    const consts = plannableConstants(a, g);
    for (let k = 0; k < consts.length; k++) {
      const c = consts[k]!;
      if (!a.isFloat(c)) continue;
      const wants = constantWants(a, c, outs);
      if (wants === 0) continue;
      const inPlace = wants === WANT_TARGET;
      const toTarget = (wants & WANT_TARGET) !== 0;
      a.planConstant(c, inPlace ? a.target : DataType.FLOAT);
      if (!inPlace && toTarget) copies.add(c);
      const p = c.producer();
      const np = p === undefined ? undefined : a.plans.get(p);
      if (p !== undefined && np !== undefined) {
        a.plans.set(p, { ...np, converted: inPlace || toTarget, outputs: [inPlace ? a.target : DataType.FLOAT] });
      }
    }
  }
}

/** weightsOnly: every range-safe FLOAT constant is stored 16-bit and decoded in the graph; nothing else changes. */
function planWeightsOnly(a: Analysis): Value[] {
  const out: Value[] = [];
  for (const g of a.graphs) {
    const path = a.path(g);
    for (const n of g) {
      for (const [k, at] of n.attributes) if (at.type === 'GRAPH') a.registerSubgraph(g, n, k, at.value);
      a.plans.set(n, emptyPlan(n, path, a.isFloat(n.outputs[0]) || n.inputs.some((v) => a.isFloat(v)) ? 'weights-only' : 'no-float', 'none', 'weightsOnly: computes as before'));
    }
    const consts = plannableConstants(a, g);
    for (const c of consts) {
      if (!a.isFloat(c) || c.useCount === 0 || c.isGraphOutput()) continue;
      const s = a.stats(constantBehind(c)!.tensor);
      if (s.overflow > 0 || s.underflow > 0) {
        if (s.overflow > 0) a.kept.push({ graph: path, node: '', value: c.name, absMax: s.absMax });
        continue;
      }
      out.push(c);
    }
  }
  return out;
}

function checkKeepNames(a: Analysis): void {
  const io = new Set([...a.main.inputs, ...a.main.outputs].map((v) => v.name));
  for (const name of a.opts.keepIoNames) {
    if (!io.has(name)) {
      throw new AmpError({
        _tag: 'AmpOptionError', option: 'keepIoTypes',
        message: `Option 'keepIoTypes' names '${name}', which is not a graph input or output; the inputs are ${a.main.inputs.map((v) => v.name).join(', ')} and the outputs ${a.main.outputs.map((v) => v.name).join(', ')}`,
      });
    }
  }
}

/** Runs the analysis with resolved options. */
export function analyse(model: Model, opts: ResolvedAmpOptions): Plan {
  return analyseWithDTypes(model, opts).plan;
}

/**
 * {@link analyse}, also returning the dtype resolver it built: the rewrite that follows on the
 * unchanged model reuses it instead of resolving every value again.
 */
export function analyseWithDTypes(model: Model, opts: ResolvedAmpOptions): { plan: Plan; dtypes: DTypeResolver; hints: RewriteHints } {
  const a = new Analysis(model, opts);
  checkKeepNames(a);
  const copies = new Set<Value>();
  let decoded: Value[] = [];
  if (opts.weightsOnly) {
    decoded = planWeightsOnly(a);
  } else {
    preForce(a);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      a.resetRound();
      planMainInputs(a);
      decideGraph(a, a.main);
      planMainOutputs(a);
      if (!checkContainers(a)) break;
    }
    planConstants(a, copies);
  }
  const plan = Object.freeze({
    target: opts.target,
    policy: opts.policy.name,
    ioMode: opts.keepAllIo ? 'keep' : opts.keepIoNames.size > 0 ? 'keep-some' : 'convert',
    accumulation: opts.accumulation,
    weightsOnly: opts.weightsOnly,
    nodes: [...a.plans.values()],
    // The analysis state ends here: its maps are handed over, not copied.
    byNode: a.plans,
    values: a.planned,
    graphOutputs: new Map(a.graphOutputs),
    constantCopies: copies,
    decodedWeights: decoded,
    keptForRange: [...a.kept],
    graphPaths: new Map(a.paths),
    diagnostics: [...a.notes],
    narrowing: a.narrowingCounts(),
  } satisfies Plan);
  // Only decideNode plans an output in another dtype than computed (every other writer of a
  // node output's planned dtype writes the computed one): none counted, no output Casts.
  return {
    plan, dtypes: a.dt,
    hints: { outputOverrides: a.outputOverrides > 0, firstStep: { inputs: a.plannedInputs, constants: a.plannedConstants } },
  };
}

/**
 * The mixed-precision analysis: decides, for every node, its colour, the rule that decided it,
 * its accumulation and the dtypes of its inputs and outputs; for every value its planned
 * dtype. Pure: the model is not changed. Throws {@link AmpError} on invalid options.
 */
export function planMixedPrecision(model: Model, options: AmpOptions = {}): Plan {
  const r = resolveAmpOptions(options);
  if (r._tag === 'Left') throw new AmpError(r.left);
  return analyse(model, r.right);
}

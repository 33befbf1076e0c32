import {
  DataType, InvariantError, Narrower, Value, attr, dataTypeText, elementDType, floatTensor, type Graph,
  type LowPrecisionFloat, type Model, type Tensor,
} from '@mixprec/ir';
import { MATERIALIZED_KEY } from './analysis-node.js';
import { convertTensor, isPlannableConstant } from './constants.js';
import { DTYPE_ATTR, DTypeResolver } from './dtypes.js';
import type { NodePlan, Plan } from './plan.js';
import { CastInserter, TypeMemo, dtypeSuffix } from './rewrite-casts.js';
import { CAST_STRING_TO_BELOW } from './runtime-gaps.js';
import { convertConstantInPlace, copyConstant, decodeWeight } from './rewrite-constants.js';
import { emptyLog, type RewriteLog } from './rewrite-log.js';

/** Metadata key of the accumulation annotation (read by the reference executor). */
export const ACCUMULATION_KEY = 'mixprec.accumulation';

/** The annotation value of an accumulation dtype. */
export function accumulationName(d: DataType): string {
  return d === DataType.FLOAT ? 'float32' : d === DataType.FLOAT16 ? 'float16' : d === DataType.BFLOAT16 ? 'bfloat16' : dataTypeText(d);
}

class Rewriter {
  readonly log: RewriteLog = emptyLog();
  readonly dt: DTypeResolver;
  /**
   * Current dtype of values the rewrite created or retyped, over the plan's dtypes (an overlay:
   * the plan's map of every value is not copied).
   */
  readonly cur = new Map<Value, DataType>();
  readonly casts: CastInserter;
  /** Converted types, one per (type, dtype) of the run. */
  readonly types = new TypeMemo();
  /**
   * The SIMD kernels converting this run's FLOAT weights (one WebAssembly instance, made on
   * first use); lazy converted weights keep it to narrow when the saver streams them.
   */
  readonly narrower = new Narrower();

  constructor(readonly model: Model, readonly plan: Plan, dtypes: DTypeResolver, readonly hints?: RewriteHints) {
    this.dt = dtypes;
    this.casts = new CastInserter(this.log, (g) => this.path(g), (v) => this.dtypeOf(v), (model.opset('') ?? 1) < CAST_STRING_TO_BELOW);
  }

  path(g: Graph): string {
    return this.plan.graphPaths.get(g) ?? g.name;
  }

  dtypeOf(v: Value): DataType | undefined {
    // (Most runs look up many values before the rewrite has created or retyped any.)
    return (this.cur.size > 0 ? this.cur.get(v) : undefined) ?? this.plan.values.get(v) ?? this.dt.dtype(v);
  }

  /**
   * Gives a value a new element dtype (types it when it had none only if `force`). The step
   * that retypes the model's values (2) records them and applies them at the end of the run:
   * until then every value keeps its original type, which later steps read (as original dtypes,
   * and as shapes for the Casts they create), and nothing needs pinning in the dtype resolver.
   */
  setDType(v: Value, d: DataType): void {
    const t = v.type;
    if (t !== undefined && elementDType(t) !== d) {
      v.type = this.types.as(t, d);
      this.log.edits++;
    }
    if (v.constValue !== undefined && v.constValue.dtype !== d && !v.isInitializer()) {
      v.constValue = undefined;
      this.log.edits++;
    }
  }

  run(): RewriteLog {
    const p = this.plan;
    const T = p.target;
    if (p.weightsOnly) {
      for (const v of p.decodedWeights) {
        this.dt.pin(v);
        decodeWeight(v, T, this.casts, this.log, this.path(v.graph()!), p.narrowing, this.narrower);
      }
      return this.log;
    }
    // Graph inputs to retype at the end (step 2), and their new dtypes.
    const retype: Value[] = [];
    const retypeTo: DataType[] = [];
    // 1. Constants: in place, or a 16-bit copy next to the FLOAT original; and (step 2) graph
    // inputs get their planned dtype.
    const first = (d: DataType, v: Value): void => {
      if (v.isGraphInput() && d !== this.dt.dtype(v)) {
        retype.push(v);
        retypeTo.push(d);
      }
      if (d !== T) return;
      // Only initializers and Constant outputs are converted here (most values are neither).
      const producer = v.producer();
      if ((producer === undefined || producer.opType !== 'Constant') && !v.isInitializer()) return;
      if (this.dt.dtype(v) !== DataType.FLOAT) return;
      if (isPlannableConstant(v) || (v.isInitializer() && v.isGraphInput())) {
        this.dt.pin(v);
        convertConstantInPlace(v, T, this.log, this.path(v.graph()!), p.narrowing, this.narrower);
      }
    };
    // The analysis lists the graph inputs and constants it planned, in the plan's order: only
    // they can need this step (no visit of every planned value).
    const listed = this.hints?.firstStep;
    if (listed === undefined) {
      // (`forEach`, not `for…of` over entries, on the map of every value: no entry array per value.)
      p.values.forEach(first);
    } else {
      for (const list of [listed.inputs, listed.constants]) {
        for (let k = 0; k < list.length; k++) {
          const v = list[k]!;
          const d = p.values.get(v);
          if (d !== undefined) first(d, v);
        }
      }
    }
    for (const v of p.constantCopies) this.cur.set(copyConstant(v, T, this.casts, this.log, this.path(v.graph()!), p.narrowing, this.narrower), T);
    const nodes = p.nodes;
    // 3. Outputs seen in another dtype than computed: Cast after the node, which takes the value's
    // name. (Skipped when the analysis planned no such output: then there is none.)
    if (this.hints?.outputOverrides !== false) for (let k = 0; k < nodes.length; k++) this.#outputCasts(nodes[k]!);
    // 4. One shared Cast per (value, dtype) for every use that wants another dtype; 6. the
    // attributes that follow the dtype, and annotations; 2. the node's outputs get their computed
    // dtype. One walk over the nodes: what each step reads of a node is not changed by the
    // steps of other nodes (a Cast's shape and an original dtype; values keep their planned dtypes).
    for (let k = 0; k < nodes.length; k++) {
      const np = nodes[k]!;
      this.#useCasts(np);
      this.#attributes(np);
      const row = np.outputs;
      const outs = np.node.outputs;
      for (let o = 0; o < row.length; o++) {
        const d = row[o];
        if (d !== undefined && d !== this.dt.dtype(outs[o]!)) this.setDType(outs[o]!, d);
      }
    }
    // 5. Graph outputs: body outputs get a Cast at the end; main outputs keep their names.
    for (const [g, wants] of p.graphOutputs) {
      if (g === this.model.graph) this.#mainOutputs(g, wants);
      else this.#bodyOutputs(g, wants);
    }
    for (let k = 0; k < retype.length; k++) this.setDType(retype[k]!, retypeTo[k]!);
    return this.log;
  }

  #outputCasts(np: NodePlan): void {
    const n = np.node;
    const row = np.outputs;
    for (let o = 0; o < row.length; o++) {
      const c = row[o];
      if (c === undefined) continue;
      const v = n.outputs[o]!;
      const seen = this.plan.values.get(v);
      if (seen === undefined || seen === c) continue;
      const g = n.graph!;
      const oldName = v.name;
      v.name = g.names.freshValueName(`${oldName}_${dtypeSuffix(c)}`);
      const w = new Value(oldName, this.types.as(v.type, seen));
      w.docString = v.docString;
      w.metadataProps = v.metadataProps;
      v.docString = undefined;
      v.metadataProps = undefined;
      const cast = this.casts.makeNamedCast(g, undefined, oldName, w, seen);
      v.replaceAllUsesWith(w, { replaceGraphOutputs: true });
      cast.replaceInput(0, v);
      this.casts.placeAtDefinition(v, cast);
      this.cur.set(v, c);
      this.cur.set(w, seen);
      this.casts.record(g, cast, c, 'output-dtype');
    }
  }

  #useCasts(np: NodePlan): void {
    const n = np.node;
    const row = np.inputs;
    for (let i = 0; i < row.length; i++) {
      const want = row[i];
      if (want === undefined) continue;
      const v = n.inputs[i];
      if (v === undefined) continue;
      const have = this.dtypeOf(v);
      if (have === want) continue;
      if (this.dt.isContainer(v)) {
        throw new InvariantError(`amp: ${n.toString()} wants its ${this.dt.kind(v)} input '${v.name}' as ${dataTypeText(want)} but it is ${have === undefined ? 'untyped' : dataTypeText(have)}`);
      }
      const main = v.isGraphInput() && v.graph() === this.model.graph;
      const c = this.casts.castOf(v, want, main ? 'io-input' : 'use');
      this.cur.set(c, want);
      n.replaceInput(i, c);
    }
  }

  #bodyOutputs(g: Graph, wants: readonly (DataType | undefined)[]): void {
    wants.forEach((want, k) => {
      const v = g.outputs[k];
      if (want === undefined || v === undefined) return;
      const have = this.dtypeOf(v);
      if (have === want) return;
      const n = this.casts.makeCast(g, v, v.name, v.type, want);
      g.append(n);
      g.setOutput(k, n.outputs[0]!);
      this.cur.set(n.outputs[0]!, want);
      this.casts.record(g, n, have, 'body-output');
    });
  }

  #mainOutputs(g: Graph, wants: readonly (DataType | undefined)[]): void {
    const done = new Map<Value, Map<DataType, Value>>();
    wants.forEach((want, k) => {
      const v = g.outputs[k];
      if (want === undefined || v === undefined) return;
      const have = this.dtypeOf(v);
      if (have === want || v.isGraphInput()) return;
      const prior = done.get(v)?.get(want);
      if (prior !== undefined) {
        g.setOutput(k, prior);
        return;
      }
      const oldName = v.name;
      v.name = g.names.freshValueName(`${oldName}_${have === undefined ? 'orig' : dtypeSuffix(have)}`);
      const w = new Value(oldName, this.types.as(v.type, want));
      w.docString = v.docString;
      w.metadataProps = v.metadataProps;
      const cast = this.casts.makeNamedCast(g, v, oldName, w, want);
      this.casts.placeAtDefinition(v, cast);
      g.setOutput(k, w);
      this.cur.set(w, want);
      this.casts.record(g, cast, have, 'io-output');
      const m = done.get(v) ?? new Map<DataType, Value>();
      m.set(want, w);
      done.set(v, m);
    });
  }

  #attributes(np: NodePlan): void {
    const n = np.node;
    if (np.converted && np.accumulation !== undefined) {
      const name = accumulationName(np.accumulation);
      if (n.metadataOrUndefined()?.get(ACCUMULATION_KEY) !== name) {
        n.metadataProps.set(ACCUMULATION_KEY, name);
        this.log.edits++;
      }
    }
    if (np.materialized && n.metadataOrUndefined()?.get(MATERIALIZED_KEY) === undefined) {
      n.metadataProps.set(MATERIALIZED_KEY, accumulationName(np.accumulation ?? DataType.FLOAT));
      this.log.edits++;
    }
    if (n.domain !== '') return;
    const out = np.outputs[0];
    const v = n.outputs[0];
    if (v === undefined) return;
    if (n.opType === 'Cast') {
      const to = n.getInt('to');
      if (out !== undefined && to !== undefined && to !== out) {
        n.setAttr('to', attr.int(out));
        this.log.edits++;
        this.log.retargeted.push({ graph: np.graph, node: n.name, opType: 'Cast', from: dataTypeText(to), to: dataTypeText(out) });
      }
      return;
    }
    if (n.opType === 'ConstantOfShape' && out !== undefined && out !== this.dt.dtype(v)) {
      const orig = this.dt.dtype(v);
      const t = n.getTensor('value');
      const value = t !== undefined ? convertTensor(t, out as LowPrecisionFloat).tensor : zero(out);
      n.setAttr('value', attr.tensor(value));
      this.log.edits++;
      this.log.retargeted.push({ graph: np.graph, node: n.name, opType: n.opType, from: dataTypeText(orig ?? DataType.FLOAT), to: dataTypeText(out) });
      return;
    }
    // Own properties only: an op named `toString` must not find Object.prototype's (found by fuzzing).
    const da = Object.hasOwn(DTYPE_ATTR, n.opType) ? DTYPE_ATTR[n.opType] : undefined;
    if (da === undefined) return;
    const orig = this.dt.dtype(v);
    const now = out ?? orig;
    if (now === undefined || orig !== DataType.FLOAT) return;
    const given = n.getInt(da[0]);
    const dflt = da[1] === 'input' ? this.dtypeOf(n.inputs[0]!) : da[1];
    const effective = given ?? dflt;
    if (effective !== now) {
      n.setAttr(da[0], attr.int(now));
      this.log.edits++;
      this.log.retargeted.push({ graph: np.graph, node: n.name, opType: n.opType, from: dataTypeText(effective ?? DataType.FLOAT), to: dataTypeText(now) });
    }
  }
}

function zero(d: DataType): Tensor {
  return convertTensor(floatTensor([1], [0]), d as LowPrecisionFloat).tensor;
}

/** Applies a plan to its model, in place; returns what it did. */
export function applyPlan(model: Model, plan: Plan): RewriteLog {
  return applyPlanWith(model, plan, new DTypeResolver(model));
}

/** What the analysis knows that lets the rewrite skip work (absent: nothing is skipped). */
export interface RewriteHints {
  /** Some node output is planned in another dtype than its node computes. */
  readonly outputOverrides: boolean;
  /**
   * The planned graph inputs (of every graph) and then the planned constants, each in plan
   * order: the only values the rewrite's first step (constants, graph input types) acts on.
   */
  readonly firstStep?: { readonly inputs: readonly Value[]; readonly constants: readonly Value[] };
}

/** {@link applyPlan} with the original dtypes already resolved (by the analysis, on the unchanged model). */
export function applyPlanWith(model: Model, plan: Plan, dtypes: DTypeResolver, hints?: RewriteHints): RewriteLog {
  return new Rewriter(model, plan, dtypes, hints).run();
}

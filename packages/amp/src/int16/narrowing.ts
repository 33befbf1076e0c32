import {
  DataType, elementCount, graphValues, walkGraphs, type Diagnostic, type Graph, type Model, type Value,
} from '@mixprec/ir';
import { constantValue } from '@mixprec/transforms';
import { foldableValues, knownValues } from './constant-analysis.js';
import type { IntegerPolicy } from './integer-policy.js';
import { intervalJson, typeRange, type Interval } from './interval.js';
import { indexTaint, int16WorthIt, int32WorthIt, judgeUnit, type JudgeContext } from './judges.js';
import { planNarrowing, type NarrowingRule } from './narrowing-plan.js';
import { RangeAnalysis } from './range-analysis.js';
import { summarizeNarrowing, type CandidateTensor, type IntegerNarrowingReport, type UnitReport } from './report.js';
import { applyPlan, type RewriteRecord } from './rewrite.js';
import { UnitIndex } from './units.js';
import { dtypeName, ruleOf } from './value-rules.js';
import { ValueTypes } from './value-types.js';

/** Decoded options of one narrowing run. */
export interface NarrowingConfig {
  readonly pass: 'int16' | 'int64-to-int32';
  readonly policy: IntegerPolicy;
  /** `true`: every graph input/output keeps its dtype; a list: those names do. */
  readonly keepIoTypes: boolean | readonly string[];
  /** `cast`: graph inputs without a proven range are assumed to fit the narrow type. */
  readonly unprovenInputs: 'skip' | 'cast';
  readonly inputRanges: ReadonlyMap<string, Interval>;
  readonly dimBounds: ReadonlyMap<string, bigint>;
}

const CREATION = new Set(['Range', 'ConstantOfShape', 'Cast', 'CastLike', 'EyeLike', 'Multinomial', 'Bernoulli', 'RandomUniformLike', 'RandomNormalLike']);

function kindOf(v: Value): CandidateTensor['kind'] {
  if (v.isGraphInput()) return 'input';
  const p = v.producer();
  if (v.isInitializer() || (p !== undefined && p.opType === 'Constant' && p.domain === '')) return 'weight';
  return p !== undefined && p.domain === '' && CREATION.has(p.opType) ? 'creation' : 'op-output';
}

/** Bytes of the constant tensors of a graph (initializers and dense Constant nodes). */
function constantBytes(g: Graph): number {
  let n = 0;
  for (const v of g.initializers.values()) n += v.constValue?.byteLength ?? 0;
  for (const node of g) {
    const c = constantValue(node);
    if (c?.kind === 'dense') n += c.tensor.byteLength;
  }
  return n;
}

/**
 * Runs one integer narrowing (`int16`: INT32/INT64 → INT16 where proven and worth it;
 * `int64-to-int32`: INT64 → INT32 where proven and it removes INT64 values) on the main graph
 * and returns its report. Subgraph bodies are left as they are (their values are reported).
 */
export function runNarrowing(model: Model, cfg: NarrowingConfig): IntegerNarrowingReport {
  const g = model.graph;
  const target = cfg.pass === 'int16' ? DataType.INT16 : DataType.INT32;
  const sources = cfg.pass === 'int16' ? [DataType.INT32, DataType.INT64] : [DataType.INT64];
  const types = new ValueTypes(model);
  const ranges = new RangeAnalysis(model, types, {
    inputRanges: cfg.inputRanges,
    dimBounds: cfg.dimBounds,
    ...(cfg.unprovenInputs === 'cast' ? { assumedInputRange: typeRange(target) } : {}),
  });
  const known = knownValues(g, types);
  const foldable = foldableValues(g, known);
  const tainted = cfg.pass === 'int16' ? indexTaint(g) : new Map<Value, string>();
  const index = new UnitIndex(g, types, sources);
  const keepIo = (v: Value): boolean => cfg.keepIoTypes === true || (Array.isArray(cfg.keepIoTypes) && cfg.keepIoTypes.includes(v.name));
  const jctx: JudgeContext = { model, types, ranges, known, policy: cfg.policy, target, tainted };
  const plan = planNarrowing({
    graph: g, index, target, known, keepIo,
    judge: (u) => judgeUnit(u, jctx),
    worthIt: (c, modes, view, verdicts) => (cfg.pass === 'int16' ? int16WorthIt(c, verdicts) : int32WorthIt(c, modes, view, keepIo, known)),
  });

  // Candidates, decided before the rewrite changes any type.
  const isCandidate = (v: Value): boolean => {
    const d = types.dtype(v);
    return v.name !== '' && d !== undefined && sources.includes(d) && types.isTensor(v);
  };
  const ruleInputs = { model, graph: g, pass: cfg.pass, plan, index, ranges, foldable, tainted, policy: cfg.policy, opset: types.opset.bind(types) };
  const tensors: CandidateTensor[] = [];
  for (const v of graphValues(g)) {
    if (!isCandidate(v)) continue;
    const { rule, reason } = ruleOf(v, ruleInputs);
    const shape = types.shape(v);
    const mode = plan.modes.get(v);
    tensors.push({
      // A value narrowed through a Cast keeps its name and type; the copy is in `casts`.
      graph: 'main', name: v.name, kind: kindOf(v), dtype: dtypeName(types.dtype(v)),
      after: dtypeName(mode === undefined || mode === 'cast-after' || mode === 'input-cast' ? types.dtype(v) : target),
      rule, reason, range: intervalJson(ranges.get(v).all),
      ...(shape !== undefined && shape.every((d) => typeof d === 'number') ? { elements: elementCount(shape as number[]) } : {}),
      ...(mode === undefined ? {} : { mode }),
    });
  }
  for (const sg of walkGraphs(g)) {
    if (sg === g) continue;
    for (const v of graphValues(sg)) {
      if (!isCandidate(v)) continue;
      tensors.push({
        graph: sg.name, name: v.name, kind: kindOf(v), dtype: dtypeName(types.dtype(v)), after: dtypeName(types.dtype(v)),
        rule: 'subgraph', reason: `inside a body of ${nodeLabel(sg)} (bodies are kept as they are)`,
        range: intervalJson(typeRange(types.dtype(v))),
      });
    }
  }
  const units: UnitReport[] = [...plan.verdicts].map(([u, vd]) => ({
    node: u.node.name !== '' ? u.node.name : u.node.outputs[0]?.name ?? '', opType: u.node.opType, param: u.param,
    narrowed: plan.narrowedUnits.has(u), verdict: vd.rule, reason: vd.reason, intensive: vd.intensive,
  }));

  const ioBefore = (vs: readonly Value[]) => vs.map((v) => ({ name: v.name, before: dtypeName(types.dtype(v)) }));
  const inputsBefore = ioBefore(g.inputs);
  const outputsBefore = ioBefore(g.outputs);
  const bytesBefore = constantBytes(g);
  let record: RewriteRecord = { casts: [], constants: [], retargeted: [] };
  if (plan.modes.size > 0) record = applyPlan(g, plan, index, types, keepIo);
  const after = new ValueTypes(model);
  const bytesAfter = constantBytes(g);

  const byRule: Partial<Record<NarrowingRule, number>> = {};
  for (const t of tensors) byRule[t.rule] = (byRule[t.rule] ?? 0) + 1;
  const narrowed = tensors.filter((t) => t.rule === 'cast' || t.rule === 'cast-unproven-input-opt-in').length;
  const diagnostics: Diagnostic[] = [];
  // The assumption matters once something narrowed rests on it.
  const relied = tensors.some((t) => t.rule === 'cast-unproven-input-opt-in');
  const assumedInputs = relied ? [...ranges.assumedInputs].filter((v) => v.useCount > 0).map((v) => v.name) : [];
  for (const name of assumedInputs) {
    diagnostics.push({
      severity: 'warning', code: `${cfg.pass}-assumed-input-range`, graph: g.name, value: name,
      message: `Input '${name}' is assumed to fit ${dtypeName(target)} (unprovenInputs: cast): feeds outside ${intervalJson(typeRange(target)).join('..')} give wrong results; prove a range with inputRanges instead`,
    });
  }
  const ioMode = cfg.keepIoTypes === true ? 'keep' : Array.isArray(cfg.keepIoTypes) && cfg.keepIoTypes.length > 0 ? 'partial' : 'default';
  const report: IntegerNarrowingReport = {
    pass: cfg.pass, target: dtypeName(target), policy: cfg.policy.name, runtime: cfg.policy.runtime, ioMode,
    unprovenInputs: cfg.unprovenInputs, tensors, units, casts: record.casts, constants: record.constants,
    retargeted: record.retargeted,
    counts: { candidates: tensors.length, narrowed, byRule, unitsNarrowed: plan.narrowedUnits.size, castsInserted: record.casts.length },
    weights: { bytesBefore, bytesAfter, saved: bytesBefore - bytesAfter },
    io: {
      inputs: inputsBefore.map((x, i) => ({ ...x, after: dtypeName(after.dtype(g.inputs[i]!)) })),
      outputs: outputsBefore.map((x, i) => ({ ...x, after: dtypeName(after.dtype(g.outputs[i]!)) })),
    },
    assumedInputs,
    userRanges: [...ranges.userInputs].map((v) => v.name),
    ...(cfg.pass === 'int64-to-int32' ? { remainingInt64: remaining(tensors, record) } : {}),
    diagnostics,
    modified: plan.modes.size > 0,
  };
  diagnostics.push({ severity: 'info', code: `${cfg.pass}-summary`, graph: g.name, message: summarizeNarrowing(report) });
  return report;
}

function nodeLabel(sg: Graph): string {
  const p = sg.parentNode;
  return p === undefined ? 'a subgraph' : `${p.opType} '${p.name !== '' ? p.name : p.outputs[0]?.name ?? ''}'`;
}

function remaining(tensors: readonly CandidateTensor[], record: RewriteRecord): { name: string; rule: string; reason: string }[] {
  const out: { name: string; rule: string; reason: string }[] = tensors.filter((t) => t.after === 'INT64' && t.graph === 'main').map((t) => ({ name: t.name, rule: t.rule, reason: t.reason }));
  for (const c of record.casts) {
    if (c.to === 'INT64') out.push({ name: c.output, rule: 'cast-back', reason: `widened back from '${c.input}' for uses that take only INT64 (or a kept output)` });
  }
  return out;
}

/**
 * The sweep: every ai.onnx op whose schema admits the target type, at every opset from 6 to
 * the newest onnxruntime loads, FLOAT control and target side by side.
 */
import { DataType, dataTypeText, getOpSchema, knownOps, typeStringOf, type OpSchema } from '@mixprec/ir';
import { buildProbe, genericCase } from './build.js';
import type { Case, CaseFn, Ctx } from './case.js';
import { measure, relativeError, type Status } from './measure.js';

/** The newest ai.onnx opset onnxruntime-node 1.30 loads (27 is refused). */
export const ORT_MAX_OPSET = 26;
/** Older opsets are kept float32 by a blanket rule for float16 (Cast-1 takes a string); not probed. */
export const MIN_OPSET = 6;

/** One measurement: an op at an opset (one variant), control and target. */
export interface Row {
  readonly op: string;
  readonly opset: number;
  readonly since: number;
  readonly label?: string;
  readonly when?: { readonly attr: string; readonly value: string };
  readonly control: Status;
  readonly target: Status;
  readonly message?: string;
  readonly controlMessage?: string;
  /** max |target − control| / max |control| over the outputs (deterministic cases that ran). */
  readonly error?: number;
}

/** Whether a schema mentions `dt` anywhere (type constraints, also inside seq/optional, or fixed). */
export function schemaAdmits(s: OpSchema, dt: DataType): boolean {
  const ts = typeStringOf(dt);
  const hit = (x: string): boolean => x === ts || x.includes(`(${ts})`);
  for (const allowed of s.typeConstraints.values()) if (allowed.some(hit)) return true;
  return [...s.inputs, ...s.outputs].some((p) => hit(p.typeStr));
}

/**
 * Opsets at which `op` is probed: every opset from 6 (or the first admitting since_version) to
 * the newest onnxruntime loads, where the schema admits the target. Not only the since_versions:
 * onnxruntime decides by the model's opset too (it expands some function ops, e.g. HannWindow-17,
 * at opsets 17–18 but looks for a kernel at 21), so a result holds for the opset it was measured at.
 */
export function probeOpsets(op: string, target: DataType): number[] {
  const out: number[] = [];
  for (let o = MIN_OPSET; o <= ORT_MAX_OPSET; o++) {
    const s = getOpSchema('', op, o);
    // A deprecated version (Scatter-11, Upsample-10) is refused by onnxruntime whatever the type.
    if (s !== undefined && !s.deprecated && schemaAdmits(s, target)) out.push(o);
  }
  return out;
}

function casesOf(fn: CaseFn | undefined, c: Ctx, target: DataType): readonly Case[] {
  const r = fn?.(c) ?? genericCase(c, target);
  if (r === undefined) return [];
  return Array.isArray(r) ? r : [r as Case];
}

/** Progress and problems go to `log`; returns one row per (op, opset, variant). */
export async function sweep(
  target: DataType, cases: ReadonlyMap<string, CaseFn>, only: ReadonlySet<string> | undefined, log: (s: string) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const k of knownOps('')) {
    const op = k.opType;
    if (only !== undefined && !only.has(op)) continue;
    for (const opset of probeOpsets(op, target)) {
      const since = getOpSchema('', op, opset)!.sinceVersion;
      const ctl = casesOf(cases.get(op), { op, since, opset, F: DataType.FLOAT }, target);
      const tgt = casesOf(cases.get(op), { op, since, opset, F: target }, target);
      if (tgt.length === 0) {
        log(`!! ${op}-${since} (opset ${opset}): no case (the schema needs a hand-written one)`);
        continue;
      }
      for (let i = 0; i < tgt.length; i++) {
        const kc = ctl[i]!;
        const kt = tgt[i]!;
        const c = await measure(buildProbe({ op, since, opset, F: DataType.FLOAT }, kc));
        const m = await measure(buildProbe({ op, since, opset, F: target }, kt));
        let error: number | undefined;
        if (c.status === 'runs' && m.status === 'runs' && kt.compare !== false) {
          error = 0;
          c.outputs!.forEach((ref, j) => { error = Math.max(error!, relativeError(m.outputs![j]!, ref)); });
        }
        const row: Row = {
          op, opset, since, control: c.status, target: m.status,
          ...(kt.label === undefined ? {} : { label: kt.label }),
          ...(kt.when === undefined ? {} : { when: kt.when }),
          ...(m.message === undefined ? {} : { message: m.message }),
          ...(c.message === undefined ? {} : { controlMessage: c.message }),
          ...(error === undefined ? {} : { error }),
        };
        rows.push(row);
        const tag = `${op}-${since}@${opset}${kt.label === undefined ? '' : ` [${kt.label}]`}`;
        if (c.status !== 'runs') log(`!! ${tag}: FLOAT control ${c.status}: ${c.message ?? ''}`);
        else if (m.status !== 'runs') log(`   ${tag}: ${dataTypeText(target)} ${m.status}: ${m.message ?? ''}`);
      }
    }
  }
  return rows;
}

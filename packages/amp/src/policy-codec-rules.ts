import { toNumber, type Attr, type DataType } from '@mixprec/ir';
import type { Decision, PolicyQuery, PolicyRule } from './policy.js';
import type { RuleJson } from './policy-codec.js';
import { attrOrDefault, isDepthwiseConv, macsOf, reductionDepth, weightElements } from './policy-helpers.js';

type AttrJson = number | string | readonly number[] | readonly string[];

function opKey(q: PolicyQuery): string {
  return q.node.domain === '' ? q.node.opType : `${q.node.domain}.${q.node.opType}`;
}

/** True when the node's attribute (or the schema default) equals the JSON value. */
function attrMatches(a: Attr | undefined, want: AttrJson): boolean {
  if (a === undefined) return false;
  if (typeof want === 'number') {
    return (a.type === 'INT' || a.type === 'FLOAT') && toNumber(a.value) === want;
  }
  if (typeof want === 'string') {
    if (a.type !== 'STRING') return false;
    return (typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value)) === want;
  }
  let have: readonly (number | string)[];
  if (a.type === 'INTS' || a.type === 'FLOATS') have = a.value.map((v) => toNumber(v));
  else if (a.type === 'STRINGS') have = a.value.map((v) => (typeof v === 'string' ? v : new TextDecoder().decode(v)));
  else return false;
  return have.length === want.length && have.every((v, i) => v === want[i]);
}

/** `undefined` (unknown) never satisfies a bound. */
function within(v: number | undefined, min: number | undefined, max: number | undefined): boolean {
  if (min === undefined && max === undefined) return true;
  if (v === undefined) return false;
  return (min === undefined || v >= min) && (max === undefined || v <= max);
}

/**
 * A policy-file rule as a {@link PolicyRule}. It has an opinion on a node when every selector
 * holds: `op` (op type, or `domain.Op`; a list means any of them), `node` (a regular
 * expression searched in the node name) and every `when` condition. A condition about a
 * shape the query cannot tell (symbolic dims, a weight that is not a constant) does not hold,
 * so the rule then stays silent and lower rules decide.
 */
export function compileJsonRule(r: RuleJson, defaultName: string, dtypes: Readonly<Record<string, DataType>>): PolicyRule {
  const ops = r.op === undefined ? undefined : new Set(typeof r.op === 'string' ? [r.op] : r.op);
  const nodeRe = r.node === undefined ? undefined : new RegExp(r.node);
  const w = r.when;
  const attrs = w?.attr === undefined ? [] : Object.entries(w.attr);
  const decision: Decision = {
    color: r.color,
    ...(r.accumulation === undefined ? {} : { accumulation: dtypes[r.accumulation]! }),
    ...(r.output === undefined ? {} : { output: dtypes[r.output]! }),
    ...(r.reason === undefined ? {} : { reason: r.reason }),
  };
  const name = r.name ?? defaultName;
  const withReason: Decision = decision.reason === undefined ? { ...decision, reason: `${name}: ${r.color}` } : decision;
  return Object.freeze({
    name,
    level: r.level,
    // Selected by op type alone: asked once per op type of a model.
    ...(nodeRe === undefined && w === undefined ? { scope: 'op' as const } : {}),
    decide(q: PolicyQuery): Decision | undefined {
      if (ops !== undefined && !ops.has(opKey(q)) && !(q.node.domain === '' && ops.has(`ai.onnx.${q.node.opType}`))) return undefined;
      if (nodeRe !== undefined && !nodeRe.test(q.node.name)) return undefined;
      if (w !== undefined) {
        if ((w.minMacs !== undefined || w.maxMacs !== undefined) && !within(macsOf(q), w.minMacs, w.maxMacs)) return undefined;
        if ((w.minWeightElements !== undefined || w.maxWeightElements !== undefined)
          && !within(weightElements(q), w.minWeightElements, w.maxWeightElements)) return undefined;
        if ((w.minReductionDepth !== undefined || w.maxReductionDepth !== undefined)
          && !within(reductionDepth(q), w.minReductionDepth, w.maxReductionDepth)) return undefined;
        if (w.depthwise !== undefined && isDepthwiseConv(q) !== w.depthwise) return undefined; // undefined (unknown) never equals
        for (const [k, v] of attrs) if (!attrMatches(attrOrDefault(q, k), v)) return undefined;
      }
      return withReason;
    },
  });
}

import { DataType, GraphBuilder, PreconditionError, knownOps } from '@mixprec/ir';
import { decide, type Color, type Policy } from './policy.js';
import type { PolicyJson } from './policy-codec.js';
import { createPolicyQuery } from './policy-helpers.js';

const DTYPE_NAMES: Readonly<Partial<Record<DataType, 'float32' | 'float16' | 'bfloat16'>>> = {
  [DataType.FLOAT]: 'float32', [DataType.FLOAT16]: 'float16', [DataType.BFLOAT16]: 'bfloat16',
};

/**
 * The policy-file form of a policy made of colour lists only (as the shipped ones are): what
 * `decodePolicyJson` turns back into an equivalent policy. The lists are read by asking the
 * policy about every op the schema table knows plus `extraOps` (`domain.Op` names), so an
 * op a list names but neither of those contains is not written. A policy with callable rules
 * (anything but `<name>:lists` rules) cannot be written: its callables are code.
 */
export function encodeListPolicy(policy: Policy, extraOps: readonly string[] = []): PolicyJson {
  for (const r of policy.rules) {
    if (!r.name.endsWith(':lists')) {
      throw new PreconditionError(`Policy '${policy.name}' has the callable rule '${r.name}'; only colour lists can be written as a policy file`);
    }
  }
  const ops = [...knownOps().map((o) => (o.domain === '' ? o.opType : `${o.domain}.${o.opType}`)), ...extraOps];
  const lists: Record<Color, string[]> = { green: [], gray: [], red: [] };
  const accumulation: Record<string, 'float32' | 'float16' | 'bfloat16'> = {};
  const reasons: Record<string, string> = {};
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op)) continue;
    seen.add(op);
    const dot = op.lastIndexOf('.');
    const domain = dot < 0 ? '' : op.slice(0, dot);
    const b = new GraphBuilder();
    const node = b.op1(dot < 0 ? op : op.slice(dot + 1), [], { domain }).producer()!;
    const d = decide(policy, createPolicyQuery(node, b.model({ opsets: domain === '' ? {} : { [domain]: 1 } }), { target: policy.target }));
    if (d.rule === 'fallback') continue;
    if (d.output !== undefined) {
      throw new PreconditionError(`Policy '${policy.name}' sets an output dtype for ${op}; policy-file lists cannot express it`);
    }
    lists[d.color].push(op);
    const acc = d.accumulation === undefined ? undefined : DTYPE_NAMES[d.accumulation];
    if (acc !== undefined) accumulation[op] = acc;
    if (d.reason !== undefined) reasons[op] = d.reason;
  }
  return {
    name: policy.name,
    description: policy.description,
    target: policy.target === DataType.BFLOAT16 ? 'bfloat16' : 'float16',
    ...(lists.green.length > 0 ? { green: lists.green } : {}),
    ...(lists.gray.length > 0 ? { gray: lists.gray } : {}),
    ...(lists.red.length > 0 ? { red: lists.red } : {}),
    ...(Object.keys(accumulation).length > 0 ? { accumulation } : {}),
    ...(Object.keys(reasons).length > 0 ? { reasons } : {}),
    fallback: policy.fallback.color,
    ...(policy.fallback.reason === undefined ? {} : { fallbackReason: policy.fallback.reason }),
  };
}

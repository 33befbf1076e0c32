import type { AmpReport } from './report.js';
import { formatBytes as bytes, formatFlops as flops, formatPercent as pct } from './units.js';

function row(label: string, text: string): string {
  return `${label.padEnd(10)}${text}`;
}

/**
 * A human summary of a report: nodes per colour, Casts, weights and FLOPs in 16-bit, weight
 * size before/after, IO dtypes, float32 nodes grouped by rule, and warnings.
 */
export function formatReport(r: AmpReport, options: { maxExamples?: number } = {}): string {
  const ex = options.maxExamples ?? 3;
  const c = r.counts;
  const lines: string[] = [];
  lines.push(`mixprec amp: target ${r.target}, policy ${r.policy}, io ${r.ioMode}, accumulation ${r.accumulation}${r.weightsOnly ? ', weights only' : ''}`);
  lines.push(row('nodes', `${c.nodes} | green ${c.green} | gray ${c.gray} | red ${c.red} | no float ${c.none} | computing 16-bit ${c.converted}`));
  lines.push(row('casts', `inserted ${c.castsInserted} | removed ${c.castsRemoved} | retargeted ${c.castsRetargeted} | in model ${c.castsBefore} → ${c.castsAfter}`));
  const w = r.weights;
  const ratio = w.bytesBefore === 0 ? 1 : w.bytesAfter / w.bytesBefore;
  lines.push(row('weights', `${bytes(w.bytesBefore)} → ${bytes(w.bytesAfter)} (${pct(ratio)}) | 16-bit ${pct(w.fraction16)} of float weight elements`));
  const f = r.flops;
  lines.push(row('flops', `16-bit ${pct(f.fraction16)} of ${flops(f.total)}${f.unknownNodes > 0 ? ` (${f.unknownNodes} nodes with unknown shapes counted as 0)` : ''}`));
  const io = [...r.io.inputs.map((x) => ({ ...x, kind: 'input' })), ...r.io.outputs.map((x) => ({ ...x, kind: 'output' }))]
    .filter((x) => x.before !== x.after)
    .map((x) => `${x.kind} '${x.name}' ${x.before} → ${x.after}`);
  lines.push(row('io', io.length === 0 ? 'unchanged' : io.join('; ')));
  const byRule = new Map<string, string[]>();
  for (const n of r.nodes) {
    if (n.converted || n.color === 'none' || n.rule === 'constant' || n.rule === 'control-flow' || n.materialized === true) continue;
    const list = byRule.get(n.rule) ?? [];
    list.push(`${n.opType} '${n.name !== '' ? n.name : n.outputNames[0] ?? ''}'`);
    byRule.set(n.rule, list);
  }
  if (byRule.size > 0) {
    lines.push('float32 nodes by rule:');
    for (const [rule, list] of [...byRule].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
      const more = list.length > ex ? `, … ${list.length - ex} more` : '';
      lines.push(`  ${rule.padEnd(14)}${String(list.length).padStart(5)}  ${list.slice(0, ex).join(', ')}${more}`);
    }
  }
  const t = r.tensors;
  if (t.saturated.length > 0) lines.push(`warning: ${t.saturated.length} tensor(s) saturated to ±max: ${t.saturated.slice(0, ex).map((s) => `'${s.name}' (${s.count})`).join(', ')}`);
  if (t.underflowed.length > 0) lines.push(`warning: ${t.underflowed.length} tensor(s) with values that underflow to 0: ${t.underflowed.slice(0, ex).map((s) => `'${s.name}' (${s.count}${s.replaced ? `, ${s.replaced} kept as ±min subnormal` : ''})`).join(', ')}`);
  if (t.keptForRange.length > 0) lines.push(`note: ${t.keptForRange.length} weight(s) beyond the 16-bit range kept their consumers in float32: ${t.keptForRange.slice(0, ex).map((k) => `'${k.value}' (|v| ${k.absMax.toExponential(2)})`).join(', ')}`);
  const shown = new Set(['amp-saturated', 'amp-underflow', 'amp-kept-for-range']);
  for (const d of r.diagnostics.filter((x) => x.severity !== 'info' && !shown.has(x.code)).slice(0, 2 * ex)) lines.push(`${d.severity}: ${d.message}`);
  return `${lines.join('\n')}\n`;
}

import type { AmpReport } from '../report.js';
import { escapeHtml as h } from './escape.js';
import type { GraphView } from './graph-data.js';
import { formatBytes, formatFlops as flops, formatPercent as pct } from '../units.js';

/** Rows shown per table; the rest is counted (the JSON report has everything). */
export const MAX_ROWS = 1000;

/** Finds the box of a node by graph path and node name, for links into the drawing. */
export class NodeLinks {
  readonly #graphs = new Map<string, number>();
  readonly #boxes: Map<string, number>[];

  constructor(readonly views: readonly GraphView[]) {
    this.#boxes = views.map((g, gi) => {
      this.#graphs.set(g.path, gi);
      const m = new Map<string, number>();
      g.nodes.forEach((n, i) => {
        if (n.k !== 'in' && n.k !== 'out' && !m.has(n.n)) m.set(n.n, i);
        for (const [o] of n.outs ?? []) if (o !== '' && !m.has(`#${o}`)) m.set(`#${o}`, i);
      });
      return m;
    });
  }

  /** A link that selects the node in the drawing, or plain text when it is not drawn. */
  link(graph: string, node: string, text = node): string {
    const gi = this.#graphs.get(graph);
    const bi = gi === undefined ? undefined : (this.#boxes[gi]!.get(node) ?? this.#boxes[gi]!.get(`#${node}`));
    if (gi === undefined || bi === undefined) return h(text === '' ? '(unnamed)' : text);
    return `<a href="#" class="node-link" data-g="${gi}" data-i="${bi}">${h(text === '' ? '(unnamed)' : text)}</a>`;
  }

  /** A link by value name: the node producing it (or consuming it, for graph inputs). */
  valueLink(graph: string, value: string): string {
    const gi = this.#graphs.get(graph);
    if (gi === undefined) return h(value);
    const nodes = this.views[gi]!.nodes;
    let bi = this.#boxes[gi]!.get(`#${value}`);
    if (bi === undefined) bi = nodes.findIndex((n) => n.k !== 'in' && n.k !== 'out' && (n.ins ?? []).some(([v]) => v === value));
    if (bi === undefined || bi < 0) return h(value);
    return `<a href="#" class="node-link" data-g="${gi}" data-i="${bi}">${h(value)}</a>`;
  }
}

/** Options of {@link table}. */
export interface TableOptions {
  /** Columns aligned right (numbers). */
  readonly numeric?: readonly number[];
  /** A class per row (e.g. `pass`/`fail`). */
  readonly rowClasses?: readonly (string | undefined)[];
  /** Spans the whole page width (tables with many columns). */
  readonly wide?: boolean;
}

/** A table with a caption; rows are already-escaped cells. */
export function table(id: string, caption: string, head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const numeric = options.numeric ?? [];
  const rowClasses = options.rowClasses ?? [];
  const card = options.wide === true ? 'card wide' : 'card';
  const shown = rows.slice(0, MAX_ROWS);
  const more = rows.length > shown.length ? `<p class="more">… ${rows.length - shown.length} more rows (see the JSON report)</p>` : '';
  const cls = (i: number): string => (numeric.includes(i) ? ' class="num"' : '');
  if (rows.length === 0) return `<section class="${card}" id="${id}"><h3>${h(caption)}</h3><p class="empty">none</p></section>`;
  return `<section class="${card}" id="${id}"><h3>${h(caption)} <span class="count">${rows.length}</span></h3>`
    + `<div class="scroll"><table><thead><tr>${head.map((c, i) => `<th${cls(i)}>${h(c)}</th>`).join('')}</tr></thead><tbody>`
    + shown.map((r, k) => `<tr${rowClasses[k] === undefined ? '' : ` class="${rowClasses[k]}"`}>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('')
    + `</tbody></table></div>${more}</section>`;
}

/** Key figures of the conversion as a definition grid. */
export function summary(r: AmpReport): string {
  const c = r.counts;
  const w = r.weights;
  const f = r.flops;
  const items: [string, string][] = [
    ['target', r.target], ['policy', r.policy], ['IO', r.ioMode], ['accumulation', r.accumulation + (r.weightsOnly ? ', weights only' : '')],
    ['nodes', `${c.nodes} analysed: ${c.green} green, ${c.gray} gray, ${c.red} red, ${c.none} without float; ${c.converted} compute in 16-bit`],
    ['casts', `${c.castsInserted} inserted, ${c.castsRemoved} removed, ${c.castsRetargeted} retargeted; ${c.castsBefore} → ${c.castsAfter} in the model`],
    ['weights', `${formatBytes(w.bytesBefore)} → ${formatBytes(w.bytesAfter)}; ${pct(w.fraction16)} of float weight elements in 16-bit`],
    ['FLOPs', `${pct(f.fraction16)} of ${flops(f.total)} in 16-bit${f.unknownNodes > 0 ? ` (${f.unknownNodes} nodes with unknown shapes counted as 0)` : ''}`],
  ];
  return `<dl class="summary">${items.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`;
}

/** IO dtypes before and after. */
export function ioTable(r: AmpReport): string {
  const rows = [
    ...r.io.inputs.map((x) => ['input', h(x.name), h(x.before), h(x.after)]),
    ...r.io.outputs.map((x) => ['output', h(x.name), h(x.before), h(x.after)]),
  ];
  return table('io', 'Inputs and outputs', ['', 'name', 'before', 'after'], rows);
}

/** Inserted, removed and retargeted Casts. */
export function castTables(r: AmpReport, links: NodeLinks): string {
  const ins = r.casts.inserted.map((c) => [links.link(c.graph, c.node), h(c.graph), links.valueLink(c.graph, c.input), h(`${c.from} → ${c.to}`), h(c.reason)]);
  const rem = r.casts.removed.map((c) => [h(c.node === '' ? '(unnamed)' : c.node), h(c.graph), h(c.input), h(c.output), c.inserted ? 'inserted, then folded away' : 'was in the model']);
  const ret = r.casts.retargeted.map((c) => [links.link(c.graph, c.node), h(c.graph), h(c.opType), h(`${c.from} → ${c.to}`)]);
  return table('casts-inserted', 'Casts inserted', ['node', 'graph', 'input', 'from → to', 'why'], ins, { wide: ins.length > 0 })
    + table('casts-removed', 'Casts removed by cleanup', ['node', 'graph', 'input', 'output', ''], rem)
    + table('casts-retargeted', 'Casts and creation ops retargeted', ['node', 'graph', 'op', 'dtype'], ret);
}

/** Clamped (saturated), underflowed and range-kept tensors. */
export function tensorTables(r: AmpReport, links: NodeLinks): string {
  const t = r.tensors;
  const sat = t.saturated.map((s) => [links.valueLink(s.graph, s.name), h(s.graph), String(s.count), String(s.elements)]);
  const und = t.underflowed.map((s) => [links.valueLink(s.graph, s.name), h(s.graph), String(s.count), String(s.elements), String(s.replaced ?? 0)]);
  const kept = t.keptForRange.map((k) => [links.link(k.graph, k.node), h(k.graph), h(k.value), k.absMax.toPrecision(6)]);
  return table('saturated', 'Weights clamped to ±max (mask sentinels)', ['tensor', 'graph', 'values clamped', 'elements'], sat, { numeric: [2, 3] })
    + table('underflowed', 'Weights with values that underflow to 0', ['tensor', 'graph', 'values', 'elements', 'kept as ±min subnormal'], und, { numeric: [2, 3, 4] })
    + table('kept-for-range', 'Nodes kept in float32 for the range of a weight', ['node', 'graph', 'weight', 'max |value|'], kept, { numeric: [3] });
}

/** Nodes left in float32 (and why), grouped by rule. */
export function float32Table(r: AmpReport, links: NodeLinks): string {
  const rows = r.nodes
    .filter((n) => !n.converted && n.color !== 'none' && n.rule !== 'constant' && n.rule !== 'control-flow')
    .map((n) => [links.link(n.graph, n.name !== '' ? n.name : (n.outputNames[0] ?? ''), n.name !== '' ? n.name : (n.outputNames[0] ?? '')), h(n.opType), `<span class="chip ${n.color}">${h(n.color)}</span>`, h(n.rule), h(n.reason ?? '')]);
  return table('float32-nodes', 'Nodes computing in float32', ['node', 'op', 'colour', 'rule', 'reason'], rows, { wide: true });
}

/** Warnings and notes of the conversion. */
export function diagnosticsTable(r: AmpReport): string {
  const rows = r.diagnostics.map((d) => [h(d.severity), h(d.code), h(d.message)]);
  return table('diagnostics', 'Diagnostics', ['severity', 'code', 'message'], rows, { wide: rows.length > 0 });
}

/** The bodies of If/Loop/Scan nodes, each with a button that draws it. */
export function subgraphPanel(views: readonly GraphView[]): string {
  if (views.length <= 1) return '';
  const rows = views.slice(1).map((g, k) => {
    const gi = k + 1;
    const c = { green: 0, gray: 0, red: 0, other: 0 };
    for (const n of g.nodes) {
      if (n.k === 'in' || n.k === 'out') continue;
      if (n.c === 'green' || n.c === 'gray' || n.c === 'red') c[n.c]++;
      else c.other++;
    }
    return `<li><a href="#" class="graph-link" data-g="${gi}">${h(g.path)}</a> <span class="muted">${g.nodeCount} nodes: `
      + `<span class="chip green">${c.green}</span> <span class="chip gray">${c.gray}</span> <span class="chip red">${c.red}</span> ${c.other} other</span></li>`;
  });
  return `<details class="card" id="subgraphs"><summary><h3>Subgraphs (If/Loop/Scan bodies) <span class="count">${views.length - 1}</span></h3></summary><ul class="subgraphs">${rows.join('')}</ul></details>`;
}

import {
  cloneModel, countNodes, graphValues, walkGraphs, type Model, type Value, type ValueType,
} from '@mixprec/ir';
import { createPassContext, runPipeline } from '@mixprec/passes';
import { inferTypes } from '@mixprec/transforms';
import type { AmpReport } from '../report.js';
import { formatBytes } from '../units.js';
import { escapeHtml as h, jsonForScript } from './escape.js';
import { buildGraphViews, type GraphView, type ViewCounts } from './graph-data.js';
import { PAGE_CSS } from './page-css.js';
import { PAGE_SCRIPT } from './page-script.js';
import { localizationSection, validationSection, type HtmlLocalization, type HtmlValidation } from './validation.js';
import {
  NodeLinks, castTables, diagnosticsTable, float32Table, ioTable, subgraphPanel, summary, tensorTables,
} from './tables.js';

/** Where the converted model came from and went, for the page header (all optional). */
export interface HtmlReportSource {
  readonly input?: string;
  readonly output?: string;
  readonly bytesBefore?: number;
  readonly bytesAfter?: number;
}

/** What {@link renderHtmlReport} draws. */
export interface HtmlReportInput {
  /** The conversion report (`castFp32ToFp16`, `castTo16BitPrecision`). */
  readonly report: AmpReport;
  /** The converted model: the graph that is drawn, coloured from the report. */
  readonly model: Model;
  /** Page title (default: from `source.output`, else the model's graph name). */
  readonly title?: string;
  readonly source?: HtmlReportSource;
  /** A validation of the converted model against the original (`compareModels`): a table per output. */
  readonly validation?: HtmlValidation;
  /** A divergence localisation (`localizeDivergence`): its root causes are outlined in the graph. */
  readonly localization?: HtmlLocalization;
  /**
   * Infer types on a copy of the model so that edges and details show dtypes and shapes where
   * the model declares none (default true; the model itself is not changed).
   */
  readonly inferTypes?: boolean;
}

/** Types per value of `model`: declared ones, completed by `infer-types` on a clone. */
function valueTypes(model: Model, infer: boolean): (v: Value) => ValueType | undefined {
  if (!infer) return (v) => v.type;
  const clone = cloneModel(model);
  const ctx = createPassContext({ report: () => undefined });
  if (ctx._tag === 'Left') return (v) => v.type;
  const r = runPipeline(clone, inferTypes(), ctx.right);
  if (r._tag === 'Left') return (v) => v.type;
  // A clone has the same graphs, values and order: pair them up.
  const map = new Map<Value, ValueType | undefined>();
  const a = [...walkGraphs(model)];
  const b = [...walkGraphs(clone)];
  a.forEach((g, i) => {
    const gb = b[i];
    if (gb === undefined) return;
    const va = [...graphValues(g)];
    const vb = [...graphValues(gb)];
    va.forEach((v, k) => {
      const w = vb[k];
      if (w !== undefined && w.name === v.name) map.set(v, w.type ?? v.type);
    });
  });
  return (v) => (map.has(v) ? map.get(v) : v.type);
}

function legend(c: ViewCounts, loc: HtmlLocalization | undefined): string {
  const items: [string, string, number][] = [
    ['green', 'green', c.green], ['gray', 'gray', c.gray], ['red', 'red', c.red], ['none', 'no float', c.none], ['cast', 'inserted Cast', c.cast],
  ];
  if (c.unknown > 0) items.push(['unknown', 'not in report', c.unknown]);
  const sw = (k: string): string => `<span class="sw" style="background:var(--${k === 'unknown' ? 'none' : k});border-color:var(--${k === 'unknown' ? 'none' : k}-s)"></span>`;
  return `<div id="legend" title="click a colour to bring its nodes forward">`
    + items.map(([k, label, n]) => `<span class="item" data-color="${k}">${sw(k)}${h(label)} <b data-count="${k}">${n}</b></span>`).join('')
    + (loc === undefined ? '' : `<span title="nodes the divergence localisation names"><span class="loc-sw"></span> root cause <b>${loc.rootCauses.length}</b></span>`)
    + `<span class="muted" title="edges by the dtype of the value they carry">edges:</span>`
    + `<span><span class="edge-sw" style="border-color:var(--e16)"></span> 16-bit</span>`
    + `<span><span class="edge-sw" style="border-color:var(--e32)"></span> float32</span>`
    + `<span><span class="edge-sw" style="border-color:var(--eo);border-top-style:dashed"></span> other</span>`
    + `</div>`;
}

function graphSelect(views: readonly GraphView[]): string {
  if (views.length <= 1) return '';
  return `<select id="graph-select" title="graph to draw">${views.map((g, i) => `<option value="${i}">${h(g.path)} (${g.nodeCount})</option>`).join('')}</select>`;
}

/**
 * Renders a conversion report as one self-contained HTML page: the converted graph drawn as SVG
 * (nodes coloured green/gray/red, inserted Casts, edges by dtype; zoom, pan, fit, minimap,
 * search by node name or op type, node details), a legend with colour counts, the node count
 * (`#node-count`), and tables: summary, IO, Casts inserted/removed/retargeted, clamped and
 * underflowed weights, range-kept nodes, float32 nodes with their rule, diagnostics, subgraphs;
 * with `validation`/`localization`, their tables come first and root causes are outlined.
 * The layout is computed here (layered, see `layoutGraph`); the page loads nothing (a CSP
 * forbids it) and works offline. Deterministic: the same input gives the same bytes.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { report, model } = input;
  const typeOf = valueTypes(model, input.inferTypes !== false);
  const loc = input.localization;
  const culprits = new Map<string, readonly ['root-cause' | 'amplifier', string]>();
  for (const c of [...(loc?.amplifiers ?? []), ...(loc?.rootCauses ?? [])]) culprits.set(c.node, [c.kind, c.reason]);
  const { graphs, counts } = buildGraphViews(model, report, typeOf, culprits);
  const nodeCount = countNodes(model);
  const links = new NodeLinks(graphs);
  const src = input.source ?? {};
  const title = input.title ?? `mixprec report: ${src.output ?? src.input ?? (model.graph.name !== '' ? model.graph.name : 'model')}`;
  const sizes = src.bytesBefore !== undefined && src.bytesAfter !== undefined
    ? ` · ${formatBytes(src.bytesBefore)} → ${formatBytes(src.bytesAfter)}` : '';
  const from = src.input !== undefined ? `${h(src.input)}${src.output !== undefined ? ` → ${h(src.output)}` : ''}` : '';
  const data = { nodeCount, counts, graphs };
  const mainPath = graphs[0]?.path ?? 'main';
  const val = input.validation;
  const sections = [
    ...(val === undefined ? [] : [validationSection(val)]),
    ...(loc === undefined ? [] : [localizationSection(loc, links, mainPath)]),
    `<section class="card" id="summary"><h3>Conversion</h3>${summary(report)}</section>`,
    ioTable(report),
    castTables(report, links),
    tensorTables(report, links),
    float32Table(report, links),
    diagnosticsTable(report),
    subgraphPanel(graphs),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="mixprec">
<title>${h(title)}</title>
<link rel="icon" href="data:,">
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<div class="sub">${from}${sizes} · target ${h(report.target)} · policy ${h(report.policy)} · <span id="node-count">${nodeCount}</span> nodes in ${graphs.length} graph${graphs.length === 1 ? '' : 's'} · ${counts.converted} compute in 16-bit${val === undefined ? '' : ` · validation <span class="verdict-chip ${val.passed ? 'pass' : 'fail'}">${val.passed ? 'passed' : 'FAILED'}</span>`}</div>
</header>
<section id="graph-panel">
<div id="toolbar">
<input type="search" id="search" placeholder="search node name, op type or value (/ to focus, Enter: next)" aria-label="search nodes" autocomplete="off">
<span id="search-status" aria-live="polite"></span>
<button type="button" id="zoom-in" title="zoom in (+)">+</button><button type="button" id="zoom-out" title="zoom out (-)">−</button><button type="button" id="zoom-fit" title="fit (0)">fit</button>
${graphSelect(graphs)}
<span class="muted">drawn: <span id="drawn-count">0</span></span>
${legend(counts, loc)}
</div>
<div id="viewport">
<svg id="graph-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="model graph"><g id="scene"></g></svg>
<div id="graph-title"></div>
<canvas id="minimap" width="24" height="24" title="overview: click or drag to move"></canvas>
<aside id="details" aria-live="polite"></aside>
</div>
</section>
<main>
${sections.join('\n')}
</main>
<script type="application/json" id="mixprec-data">${jsonForScript(data)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

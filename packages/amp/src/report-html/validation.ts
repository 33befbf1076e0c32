import { escapeHtml as h } from './escape.js';
import { table, type NodeLinks } from './tables.js';

/**
 * What the page shows of a validation (the fields of `ValidationReport` from `compareModels`
 * it reads; a `ValidationReport` is one).
 */
export interface HtmlValidation {
  readonly runtime: string;
  readonly tolerance?: { readonly atol: number; readonly rtol: number };
  readonly samples: readonly { readonly label: string; readonly passed: boolean }[];
  readonly outputs: Readonly<Record<string, {
    readonly maxAbs: number;
    readonly meanAbs: number;
    readonly maxRel: number;
    readonly cosine: number;
    readonly top1?: number;
    readonly refAbsMax: number;
    readonly nonFinite: { readonly introduced: number };
    readonly violations: number;
    readonly worst?: { readonly sample: string; readonly index: number; readonly ref: number; readonly got: number };
    readonly passed: boolean;
  }>>;
  readonly passed: boolean;
  readonly failures: readonly { readonly sample: string; readonly output: string; readonly reason: string }[];
  readonly runs: number;
  readonly ms: number;
}

/** A node the localisation names (the fields of `Culprit` the page reads). */
export interface HtmlCulprit {
  readonly node: string;
  readonly opType: string;
  readonly outputs: readonly { readonly name: string; readonly error: number; readonly nonFinite: number }[];
  readonly inputError: number;
  readonly localError?: number;
  readonly kind: 'root-cause' | 'amplifier';
  readonly reason: string;
}

/** What the page shows of a divergence localisation (a `LocalizationReport` is one). */
export interface HtmlLocalization {
  readonly sample?: string;
  readonly threshold: number;
  readonly values: readonly unknown[];
  readonly firstDivergent?: { readonly name: string; readonly node: string; readonly opType: string; readonly error: number; readonly nonFinite: number };
  readonly rootCauses: readonly HtmlCulprit[];
  readonly amplifiers: readonly HtmlCulprit[];
  readonly outputs: readonly { readonly name: string; readonly error: number; readonly nonFinite: number }[];
  readonly runs: number;
  readonly replays: number;
  readonly ms: number;
}

/** Numbers for tables: 4 significant digits, exponent form when small or large; ∞ for unbounded. */
export function num(x: number | undefined): string {
  if (x === undefined) return '–';
  if (!Number.isFinite(x) || x >= Number.MAX_VALUE) return x < 0 ? '−∞' : '∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}

/** The validation: a verdict line, per-output metrics, failures and samples. */
export function validationSection(v: HtmlValidation): string {
  const tol = v.tolerance === undefined ? 'no tolerance (only introduced non-finite values fail)' : `atol ${num(v.tolerance.atol)} + rtol ${num(v.tolerance.rtol)}·|ref|`;
  const verdict = `<p class="verdict-banner ${v.passed ? 'pass' : 'fail'}" id="validation-verdict">${v.passed ? 'PASSED' : 'FAILED'}: `
    + `${v.samples.length} sample${v.samples.length === 1 ? '' : 's'} on ${h(v.runtime)}, ${h(tol)}; ${v.runs} runs in ${(v.ms / 1000).toFixed(1)} s</p>`;
  const rows = Object.entries(v.outputs).map(([name, o]) => [
    h(name), num(o.maxAbs), num(o.meanAbs), num(o.maxRel), o.cosine.toFixed(6), o.top1 === undefined ? '–' : num(o.top1), num(o.refAbsMax),
    String(o.nonFinite.introduced), String(o.violations),
    o.worst === undefined ? '–' : h(`${o.worst.sample} [${o.worst.index}]: ${num(o.worst.ref)} → ${num(o.worst.got)}`),
    `<span class="verdict">${o.passed ? 'pass' : 'FAIL'}</span>`,
  ]);
  const outTable = table('validation-outputs', 'Outputs (worst over the samples)',
    ['output', 'max |err|', 'mean |err|', 'max rel', 'cosine', 'top-1', 'max |ref|', 'new non-finite', 'violations', 'worst element', ''], rows,
    { numeric: [1, 2, 3, 4, 5, 6, 7, 8], rowClasses: Object.values(v.outputs).map((o) => (o.passed ? 'pass' : 'fail')), wide: true });
  const fails = table('validation-failures', 'Failures', ['sample', 'output', 'why'], v.failures.map((f) => [h(f.sample), h(f.output), h(f.reason)]), { wide: v.failures.length > 0 });
  const samples = table('validation-samples', 'Samples', ['sample', ''], v.samples.map((s) => [h(s.label), `<span class="verdict">${s.passed ? 'pass' : 'FAIL'}</span>`]),
    { rowClasses: v.samples.map((s) => (s.passed ? 'pass' : 'fail')) });
  return `<section class="card wide" id="validation"><h3>Validation against the float32 model</h3>${verdict}</section>${outTable}${fails}${samples}`;
}

function culpritRows(list: readonly HtmlCulprit[], links: NodeLinks, graph: string): string[][] {
  return list.map((c) => [
    links.link(graph, c.node), h(c.opType),
    h(c.outputs.map((o) => `${o.name}: ${num(o.error)}${o.nonFinite > 0 ? ` (${o.nonFinite} non-finite)` : ''}`).join('; ')),
    num(c.inputError), c.localError === undefined ? '–' : num(c.localError), h(c.kind), h(c.reason),
  ]);
}

/** The localisation: the first divergent value, root causes, amplifiers, the outputs' divergence. */
export function localizationSection(l: HtmlLocalization, links: NodeLinks, graph: string): string {
  const first = l.firstDivergent === undefined
    ? `no value diverges beyond ${num(l.threshold)}`
    : `first divergent value: ${links.valueLink(graph, l.firstDivergent.name)} (${h(l.firstDivergent.opType)} ${links.link(graph, l.firstDivergent.node)}), normalized error ${num(l.firstDivergent.error)}`;
  const head = `<section class="card wide" id="localization"><h3>Divergence localisation</h3>`
    + `<p>${l.sample === undefined ? '' : `sample ${h(l.sample)}: `}${l.values.length} values compared, threshold ${num(l.threshold)} (normalized max error); ${first}. `
    + `${l.rootCauses.length} root cause${l.rootCauses.length === 1 ? '' : 's'}, ${l.amplifiers.length} amplifier${l.amplifiers.length === 1 ? '' : 's'}; ${l.runs} runs, ${l.replays} replays, ${(l.ms / 1000).toFixed(1)} s. `
    + `Root causes are outlined in purple in the graph.</p></section>`;
  const cols = ['node', 'op', 'output error', 'input error', 'alone', 'kind', 'why'];
  return head
    + table('root-causes', 'Root causes (diverge while their inputs agree, and alone too)', cols, culpritRows(l.rootCauses, links, graph), { numeric: [3, 4], wide: true })
    + table('amplifiers', 'Amplifiers (accurate alone: they magnify upstream error)', cols, culpritRows(l.amplifiers, links, graph), { numeric: [3, 4], wide: true })
    + table('localization-outputs', 'Graph outputs', ['output', 'normalized error', 'non-finite'], l.outputs.map((o) => [h(o.name), num(o.error), String(o.nonFinite)]), { numeric: [1, 2] });
}

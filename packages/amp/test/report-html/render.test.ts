import { expect } from 'chai';
import vm from 'node:vm';
import { countNodes, parseModel, walkNodes, type Model } from '@mixprec/ir';
import { castFp32ToFp16, renderHtmlReport, type AmpReport } from '../../src/index.js';

// Every table of the page has something to show: a mask sentinel (saturated), an epsilon that
// underflows, a weight beyond the float16 range (node kept float32), Softmax red under the
// balanced policy, kept IO types (casts inserted), and an If whose branches are subgraphs.
const MODEL = `<ir_version: 8, opset_import: ["" : 17]>
main (float[2,4] Q, float[4,3] K, bool C) => (float[2,3] P, float[2,3] Y)
<float[2,3] mask = {0, -3.4028235e38, 0, 0, 0, -3.4028235e38}, float[3] big = {1, 100000, 2}, float[3] eps = {1e-9, 1e-9, 1e-9}>
{
  s = MatMul (Q, K)
  masked = Add (s, mask)
  P = Softmax <axis = 1> (masked)
  t = Add (s, eps)
  o = If (C) <
    then_branch = then_g () => (float[2,3] a) {
      a = Relu (t)
    },
    else_branch = else_g () => (float[2,3] e) {
      e = Div (t, big)
    }
  >
  Y = Tanh (o)
}`;

const HOSTILE = '</script><script>window.pwned=1</script><!--';

function convert(rename = true): { model: Model; report: AmpReport } {
  const r = parseModel(MODEL);
  if (r._tag === 'Left') throw new Error(r.left.message);
  const model = r.right;
  if (rename) for (const n of model.graph) if (n.opType === 'Tanh') n.name = HOSTILE;
  const report = castFp32ToFp16(model, { policy: 'balanced', keepIoTypes: true });
  return { model, report };
}

interface PageData {
  nodeCount: number;
  counts: Record<string, number>;
  graphs: { path: string; nodeCount: number; nodes: { n: string; op: string; k: string; c: string; cast?: string[] }[]; edges: { s: number; t: number; e: string }[] }[];
}

function pageData(html: string): PageData {
  const m = /<script type="application\/json" id="mixprec-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m, 'embedded data').to.not.equal(null);
  return JSON.parse(m![1]!) as PageData;
}

describe('renderHtmlReport', () => {
  const { model, report } = convert();
  const html = renderHtmlReport({ report, model, source: { input: 'in.onnx', output: 'out.onnx', bytesBefore: 100, bytesAfter: 60 } });

  it('is one self-contained page: no external scripts, styles, images or fonts, and a CSP that forbids them', () => {
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((x) => x[1]);
    expect(refs.filter((r) => r !== '#' && !r!.startsWith('data:'))).to.deep.equal([]);
    expect(html).to.not.match(/@import|url\(|<link rel="stylesheet"|<iframe|<img /i);
    expect(html).to.contain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
  });

  it('shows the node count of the converted model and embeds every graph', () => {
    const n = countNodes(model);
    expect(html).to.contain(`<span id="node-count">${n}</span>`);
    const data = pageData(html);
    expect(data.nodeCount).to.equal(n);
    // paths as the report names them (an unnamed node is labelled by its op and first output)
    expect(data.graphs.map((g) => g.path)).to.deep.equal(['main', 'main/If<o>.then_branch', 'main/If<o>.else_branch']);
    expect(new Set(report.nodes.map((r) => r.graph))).to.deep.equal(new Set(data.graphs.map((g) => g.path)));
    expect(data.graphs.reduce((a, g) => a + g.nodeCount, 0)).to.equal(n);
    // every model node is a box; IO boxes come on top
    const main = data.graphs[0]!;
    expect(main.nodes.filter((b) => b.k === 'in').map((b) => b.n)).to.deep.equal(['Q', 'K', 'C']);
    expect(main.nodes.filter((b) => b.k === 'out').map((b) => b.n)).to.deep.equal(['P', 'Y']);
  });

  it('colours nodes from the report and marks inserted Casts', () => {
    const data = pageData(html);
    const boxes = data.graphs.flatMap((g) => g.nodes);
    const byOp = (op: string) => boxes.filter((b) => b.op === op);
    expect(byOp('Softmax').map((b) => b.c)).to.deep.equal(['red']);
    expect(byOp('MatMul').map((b) => b.c)).to.deep.equal(['green']);
    expect(byOp('Div').map((b) => b.c)).to.deep.equal(['red']); // weight beyond float16
    const casts = boxes.filter((b) => b.k === 'cast');
    expect(casts.length).to.equal(report.casts.inserted.length - report.casts.removed.filter((c) => c.inserted).length);
    expect(casts.length).to.be.greaterThan(0);
    for (const c of casts) expect(c.c).to.equal('cast');
    expect(data.counts['red']).to.equal(boxes.filter((b) => b.c === 'red').length);
    expect(data.counts['cast']).to.equal(casts.length);
    // edges carry the dtype class of their value: there are 16-bit and float32 edges
    const classes = new Set(data.graphs[0]!.edges.map((e) => e.e));
    expect(classes.has('h') && classes.has('f')).to.equal(true);
  });

  it('has the tables: casts, clamped and underflowed weights, range-kept nodes, float32 nodes, subgraphs', () => {
    for (const id of ['summary', 'io', 'casts-inserted', 'casts-removed', 'casts-retargeted', 'saturated', 'underflowed', 'kept-for-range', 'float32-nodes', 'diagnostics', 'subgraphs']) {
      expect(html, id).to.contain(`id="${id}"`);
    }
    const section = (id: string): string => {
      const start = html.indexOf(`id="${id}"`);
      return html.slice(start, html.indexOf('</section>', start));
    };
    expect(report.tensors.saturated.length).to.be.greaterThan(0);
    expect(section('saturated')).to.contain('>mask<');
    expect(section('underflowed')).to.contain('>eps<');
    expect(section('kept-for-range')).to.contain('big');
    expect(section('float32-nodes')).to.contain('Softmax');
    expect(section('casts-inserted')).to.match(/class="node-link" data-g="0" data-i="\d+"/);
    expect(html).to.contain('class="graph-link" data-g="1"');
    expect(html).to.contain('<select id="graph-select"');
  });

  it('escapes model-controlled names everywhere (no markup injection through node names)', () => {
    expect(html.split('<script').length - 1).to.equal(2);
    expect(html).to.not.contain('<script>window.pwned');
    const data = pageData(html);
    expect(data.graphs[0]!.nodes.some((b) => b.n === HOSTILE)).to.equal(true);
  });

  it('ships a script that parses', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((x) => x[1]!);
    expect(scripts).to.have.length(1);
    expect(() => new vm.Script(scripts[0]!)).to.not.throw();
  });

  it('is deterministic and leaves the model unchanged', () => {
    const before = [...walkNodes(model)].map((n) => `${n.opType}:${n.outputs.map((o) => `${o.name}/${o.dtype ?? '?'}`).join(',')}`);
    const again = renderHtmlReport({ report, model, source: { input: 'in.onnx', output: 'out.onnx', bytesBefore: 100, bytesAfter: 60 } });
    expect(again).to.equal(html);
    const other = convert();
    expect(renderHtmlReport({ report: other.report, model: other.model, source: { input: 'in.onnx', output: 'out.onnx', bytesBefore: 100, bytesAfter: 60 } })).to.equal(html);
    expect([...walkNodes(model)].map((n) => `${n.opType}:${n.outputs.map((o) => `${o.name}/${o.dtype ?? '?'}`).join(',')}`)).to.deep.equal(before);
  });

  it('shows a validation table and the localisation, and outlines the root causes in the graph', () => {
    const tanh = [...model.graph].find((n) => n.name === HOSTILE)!;
    // the localisation names a node by its name, or its first output for unnamed ones
    const mm = [...model.graph].find((n) => n.opType === 'MatMul')!;
    const matmul = { name: mm.name !== '' ? mm.name : mm.outputs[0]!.name };
    const page = renderHtmlReport({
      report, model,
      validation: {
        runtime: 'executor', tolerance: { atol: 1e-3, rtol: 0.02 }, passed: false, runs: 4, ms: 1234,
        samples: [{ label: 'random #0 (seed 0)', passed: true }, { label: 'random #1 (seed 1)', passed: false }],
        outputs: {
          P: { maxAbs: 1.2e-4, meanAbs: 3e-5, maxRel: 2e-3, cosine: 0.99999, refAbsMax: 1, nonFinite: { introduced: 0 }, violations: 0, passed: true },
          Y: { maxAbs: 0.5, meanAbs: 0.1, maxRel: 0.6, cosine: 0.9, refAbsMax: 1, nonFinite: { introduced: 1 }, violations: 3, passed: false, worst: { sample: 'random #1 (seed 1)', index: 4, ref: 0.25, got: 0.75 } },
        },
        failures: [{ sample: 'random #1 (seed 1)', output: 'Y', reason: '3 of 6 elements beyond atol 0.001 + rtol 0.02·|ref| <b>' }],
      },
      localization: {
        sample: 'random #1 (seed 1)', threshold: 0.01, values: [1, 2, 3], runs: 2, replays: 1, ms: 50,
        firstDivergent: { name: 's', node: matmul.name, opType: 'MatMul', error: 0.02, nonFinite: 0 },
        rootCauses: [{ node: matmul.name, opType: 'MatMul', outputs: [{ name: 's', error: 0.02, nonFinite: 0 }], inputError: 0, localError: 0.02, kind: 'root-cause', reason: 'diverges alone' }],
        amplifiers: [{ node: tanh.name, opType: 'Tanh', outputs: [{ name: 'Y', error: Number.MAX_VALUE, nonFinite: 1 }], inputError: 0.005, kind: 'amplifier', reason: 'accurate alone' }],
        outputs: [{ name: 'Y', error: Number.MAX_VALUE, nonFinite: 1 }],
      },
    });
    expect(page).to.contain('id="validation-verdict">FAILED: 2 samples on executor, atol 0.001 + rtol 0.02·|ref|; 4 runs in 1.2 s');
    expect(page).to.contain('validation <span class="verdict-chip fail">FAILED</span>');
    const section = (id: string): string => page.slice(page.indexOf(`id="${id}"`), page.indexOf('</section>', page.indexOf(`id="${id}"`)));
    expect(section('validation-outputs')).to.match(/<tr class="pass"><td>P<\/td>/);
    expect(section('validation-outputs')).to.match(/<tr class="fail"><td>Y<\/td>.*random #1 \(seed 1\) \[4\]: 0\.25 → 0\.75/);
    expect(section('validation-failures')).to.contain('&lt;b&gt;');
    expect(section('localization')).to.contain('first divergent value: <a href="#" class="node-link"');
    expect(section('root-causes')).to.contain(`>${matmul.name}</a>`);
    expect(section('amplifiers')).to.contain('∞ (1 non-finite)');
    const data = pageData(page);
    const boxes = data.graphs[0]!.nodes as { n: string; lc?: string[] }[];
    expect(boxes.find((b) => b.n === matmul.name)!.lc).to.deep.equal(['root-cause', 'diverges alone']);
    expect(boxes.find((b) => b.n === HOSTILE)!.lc).to.deep.equal(['amplifier', 'accurate alone']);
    // sections come first, and the page without them has none
    expect(page.indexOf('id="validation"')).to.be.lessThan(page.indexOf('id="summary"'));
    expect(html).to.not.contain('id="validation"');
    expect(html).to.not.contain('id="localization"');
  });
});

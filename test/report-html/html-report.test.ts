import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, GraphBuilder, attr, cloneModel, countNodes, floatTensor, tensorType, walkGraphs, type Model } from '@mixprec/ir';
import { loadModel } from '@mixprec/onnx';
import {
  castFp32ToFp16, compareModels, localizeDivergence, renderHtmlReport, type AmpReport, type HtmlValidation, type ValidationReport,
} from '@mixprec/amp';
import { REAL_MODELS, mulberry32, realModelFeeds, realModelPath } from '@mixprec/testing';
import { findChromium, launch, openPage, pngSize, type Browser } from './chromium.js';

const OUT = fileURLToPath(new URL('../out/report-html/', import.meta.url));

// The page takes the validation report as it is (compile-time check of the structural type).
const asPageInput = (v: ValidationReport): HtmlValidation => v;

interface Rendered { model: Model; report: AmpReport; file: string; html: string; renderMs: number }

function render(model: Model, report: AmpReport, name: string): Rendered {
  const t0 = performance.now();
  const html = renderHtmlReport({ report, model, source: { input: `${name}.onnx`, output: `${name}.fp16.onnx` } });
  const renderMs = performance.now() - t0;
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, html);
  return { model, report, file, html, renderMs };
}

/** A residual MLP with `blocks` blocks of MatMul/Add/Relu/LayerNormalization/Add (5 nodes each). */
function bigModel(blocks: number): Model {
  const rng = mulberry32(3);
  const w = (n: number): Float32Array => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * 0.1);
  const b = new GraphBuilder();
  let x = b.input('x', DataType.FLOAT, [1, 16]);
  const gamma = b.initializer('gamma', floatTensor([16], new Float32Array(16).fill(1)));
  const beta = b.initializer('beta', floatTensor([16], new Float32Array(16)));
  for (let i = 0; i < blocks; i++) {
    const W = b.initializer(`w${i}`, floatTensor([16, 16], w(256)));
    const B = b.initializer(`b${i}`, floatTensor([16], w(16)));
    const h = b.op1('Relu', [b.op1('Add', [b.op1('MatMul', [x, W], { name: `block${i}/fc` }), B], { name: `block${i}/bias` })], { name: `block${i}/relu` });
    const n = b.op1('LayerNormalization', [h, gamma, beta], { name: `block${i}/norm`, attrs: { axis: attr.int(-1) } });
    x = b.op1('Add', [x, n], { name: `block${i}/residual`, type: tensorType(DataType.FLOAT, [1, 16]) });
  }
  b.output(x, 'y');
  return b.model({ opset: 17 });
}

describe('HTML report in headless Chromium', function () {
  this.timeout(180000);
  const exe = findChromium();
  let browser: Browser | undefined;

  before(async function () {
    if (exe === undefined) {
      process.stdout.write('\n  !!! SKIPPED: Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH); the HTML report is NOT tested in a browser !!!\n\n');
      this.skip();
    }
    const t0 = performance.now();
    browser = await launch(exe!);
    process.stdout.write(`      chromium launched in ${(performance.now() - t0).toFixed(0)} ms\n`);
  });

  after(async () => {
    await browser?.close();
  });

  it('renders the PaddleOCR rec report: no errors, no requests, the node count, search, details, zoom, pan, screenshot', async () => {
    const loaded = loadModel(realModelPath('ppocr-rec'));
    if (loaded._tag === 'Left') throw new Error(loaded.left.message);
    const model = loaded.right;
    const report = castFp32ToFp16(model, { dimValues: { 'DynamicDimension.0': 1, 'DynamicDimension.1': 160 } });
    const r = render(model, report, 'ppocr-rec');
    const nodes = countNodes(model);
    expect(nodes).to.be.greaterThan(700);

    const t0 = performance.now();
    const { page, problems } = await openPage(browser!, r.file);
    const loadMs = performance.now() - t0;
    expect(problems.errors, 'console/page errors').to.deep.equal([]);
    expect(problems.requests, 'network requests').to.deep.equal([]);

    // The node count: in the header, and drawn (model nodes + one box per graph input/output).
    expect(await page.textContent('#node-count')).to.equal(String(nodes));
    expect(await page.textContent('#drawn-count')).to.equal(String(nodes));
    const io = model.graph.inputs.length + model.graph.outputs.length;
    expect(await page.locator('#scene g.node').count()).to.equal(nodes + io);
    expect(await page.locator('#scene path.edge').count()).to.be.greaterThan(nodes - 400);
    // Legend counts are the report's colours.
    const legend = await page.locator('#legend b[data-count="green"]').textContent();
    expect(Number(legend)).to.be.greaterThan(100);

    // Search by node name: the match is outlined, current, and centred in the viewport.
    const target = [...model.graph].filter((n) => n.opType === 'Conv')[20]!;
    await page.fill('#search', target.name);
    const match = page.locator('#scene g.node.match');
    expect(await match.count()).to.equal(1);
    expect(await page.locator('#scene g.node.cur title').textContent()).to.contain(target.name);
    expect(await page.textContent('#search-status')).to.equal('1 / 1');
    const vp = (await page.locator('#viewport').boundingBox())!;
    const box = (await page.locator('#scene g.node.cur').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    expect(Math.abs(cx - (vp.x + vp.width / 2)), 'centred x').to.be.lessThan(2);
    expect(Math.abs(cy - (vp.y + vp.height / 2)), 'centred y').to.be.lessThan(2);
    // by op type: many matches, Enter steps through them
    await page.fill('#search', 'Softmax');
    expect(await page.textContent('#search-status')).to.match(/^1 \/ \d+$/);
    await page.press('#search', 'Enter');
    expect(await page.textContent('#search-status')).to.match(/^2 \/ \d+$|^1 \/ 1$/);
    await page.fill('#search', 'no-such-node-anywhere');
    expect(await page.textContent('#search-status')).to.equal('no match');
    expect(await page.locator('#scene g.node.match').count()).to.equal(0);

    // Click a node: its details (rule, colour) open.
    await page.fill('#search', target.name);
    await page.locator('#scene g.node.cur rect').click();
    expect(await page.locator('#details.open').count()).to.equal(1);
    const details = (await page.textContent('#details'))!;
    expect(details).to.contain(target.name);
    expect(details).to.match(/rule/);

    // Zoom with the wheel and pan by dragging.
    const view = () => page.evaluate(() => (window as unknown as { mixprecReport: { view(): { k: number; tx: number; ty: number } } }).mixprecReport.view());
    const v0 = await view();
    await page.mouse.move(vp.x + vp.width / 2, vp.y + vp.height / 2);
    await page.mouse.wheel(0, -300);
    const v1 = await view();
    expect(v1.k).to.be.greaterThan(v0.k);
    await page.mouse.move(vp.x + 200, vp.y + 200);
    await page.mouse.down();
    await page.mouse.move(vp.x + 320, vp.y + 260, { steps: 5 });
    await page.mouse.up();
    const v2 = await view();
    expect(v2.tx - v1.tx).to.be.closeTo(120, 1);
    expect(v2.ty - v1.ty).to.be.closeTo(60, 1);

    // A table link selects its node in the drawing.
    await page.click('#zoom-fit');
    const links = page.locator('#float32-nodes a.node-link, #casts-inserted a.node-link');
    if (await links.count() > 0) {
      await links.first().click();
      expect(await page.locator('#scene g.node.sel').count()).to.equal(1);
    }

    // Screenshot of the page as first opened (search cleared, details closed).
    await page.fill('#search', '');
    await page.keyboard.press('Escape');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const shot = path.join(OUT, 'ppocr-rec.png');
    await page.screenshot({ path: shot });
    const size = pngSize(shot);
    const bytes = fs.statSync(shot).size;
    expect(size).to.deep.equal({ width: 1400, height: 900 });
    expect(bytes).to.be.greaterThan(40000);
    expect(problems.errors, 'console/page errors after interaction').to.deep.equal([]);
    process.stdout.write(`      ppocr-rec: ${nodes} nodes, page ${(r.html.length / 1024).toFixed(0)} KiB rendered in ${r.renderMs.toFixed(0)} ms, loaded in Chromium in ${loadMs.toFixed(0)} ms; screenshot ${size.width}x${size.height}, ${(bytes / 1024).toFixed(0)} KiB: ${path.relative(process.cwd(), shot)}\n`);
    await page.close();
  });

  it('stays usable on a 3,000-node model (loads fast, search finds a node deep in the graph)', async () => {
    const model = bigModel(600);
    const report = castFp32ToFp16(model, {});
    const r = render(model, report, 'residual-mlp-3000');
    const nodes = countNodes(model);
    expect(nodes).to.equal(3000);
    const t0 = performance.now();
    const { page, problems } = await openPage(browser!, r.file);
    const loadMs = performance.now() - t0;
    expect(problems.errors).to.deep.equal([]);
    expect(await page.textContent('#node-count')).to.equal('3000');
    expect(await page.locator('#scene g.node').count()).to.equal(3002);
    const t1 = performance.now();
    await page.fill('#search', 'block587/norm');
    const searchMs = performance.now() - t1;
    expect(await page.locator('#scene g.node.match').count()).to.equal(1);
    expect(await page.textContent('#search-status')).to.equal('1 / 1');
    await page.screenshot({ path: path.join(OUT, 'residual-mlp-3000.png') });
    process.stdout.write(`      residual MLP: ${nodes} nodes, page ${(r.html.length / 1024).toFixed(0)} KiB rendered in ${r.renderMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms, search ${searchMs.toFixed(0)} ms\n`);
    expect(loadMs).to.be.lessThan(15000);
    expect(r.renderMs).to.be.lessThan(10000);
    await page.close();
  });

  it('draws subgraphs: the If bodies of Silero VAD are listed and can be opened', async () => {
    const loaded = loadModel(realModelPath('silero-v5'));
    if (loaded._tag === 'Left') throw new Error(loaded.left.message);
    const model = loaded.right;
    const report = castFp32ToFp16(model, {});
    const r = render(model, report, 'silero-v5');
    const { page, problems } = await openPage(browser!, r.file);
    expect(await page.textContent('#node-count')).to.equal(String(countNodes(model)));
    const bodies = page.locator('#subgraphs a.graph-link');
    expect(await bodies.count()).to.be.greaterThan(10);
    await page.click('#subgraphs summary');
    await bodies.nth(0).click();
    const g = await page.evaluate(() => (window as unknown as { mixprecReport: { currentGraph(): number } }).mixprecReport.currentGraph());
    expect(g).to.equal(1);
    expect(Number(await page.textContent('#drawn-count'))).to.be.greaterThan(0);
    // Search finds nodes inside bodies too, and switches the drawing to their graph.
    const graphs = [...walkGraphs(model)];
    const deep = graphs.findIndex((sg, i) => i > 1 && [...sg].some((n) => n.name !== ''));
    const name = [...graphs[deep]!].find((n) => n.name !== '')!.name;
    await page.fill('#search', name);
    expect(await page.locator('#scene g.node.cur').count()).to.equal(1);
    const g2 = await page.evaluate(() => (window as unknown as { mixprecReport: { currentGraph(): number } }).mixprecReport.currentGraph());
    expect(g2).to.equal(deep);
    expect(problems.errors).to.deep.equal([]);
    await page.close();
  });

  it('renders a validated report (PaddleOCR cls vs FP32): verdict, tables, root causes outlined, no errors', async () => {
    const spec = REAL_MODELS.find((m) => m.name === 'ppocr-cls')!;
    const loaded = loadModel(realModelPath(spec));
    if (loaded._tag === 'Left') throw new Error(loaded.left.message);
    const original = loaded.right;
    const model = cloneModel(original);
    const report = castFp32ToFp16(model, {});
    const feeds = realModelFeeds(spec);
    const v = await compareModels(original, model, [{ label: 'seed 1', feeds }], { tolerance: { atol: 1e-3, rtol: 0.02 } });
    if (v._tag === 'Left') throw new Error(v.left.message);
    // a strict threshold, so that the localisation has culprits to show
    const l = await localizeDivergence(original, model, feeds, { sample: 'seed 1', threshold: 1e-4 });
    if (l._tag === 'Left') throw new Error(l.left);
    const html = renderHtmlReport({ report, model, validation: asPageInput(v.right), localization: l.right, source: { input: 'ppocr-cls.onnx', output: 'ppocr-cls.fp16.onnx' } });
    fs.mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, 'ppocr-cls.validated.html');
    fs.writeFileSync(file, html);
    const { page, problems } = await openPage(browser!, file);
    expect(problems.errors).to.deep.equal([]);
    expect(problems.requests).to.deep.equal([]);
    expect(await page.textContent('#validation-verdict')).to.match(v.right.passed ? /^PASSED: 1 sample on executor/ : /^FAILED: 1 sample on executor/);
    expect(await page.locator('#validation-outputs tbody tr').count()).to.equal(Object.keys(v.right.outputs).length);
    const { rootCauses, amplifiers } = l.right;
    process.stdout.write(`      ppocr-cls: ${rootCauses.length} root causes, ${amplifiers.length} amplifiers at threshold 1e-4 (${l.right.replays} replays)\n`);
    expect(rootCauses.length + amplifiers.length).to.be.greaterThan(0);
    const drawn = new Set([...model.graph].map((n) => (n.name !== '' ? n.name : n.outputs[0]!.name)));
    expect(await page.locator('#scene g.node.loc-root').count()).to.equal(rootCauses.filter((c) => drawn.has(c.node)).length);
    expect(await page.locator('#scene g.node.loc-amp').count()).to.equal(amplifiers.filter((c) => drawn.has(c.node) && !rootCauses.some((r) => r.node === c.node)).length);
    expect(await page.textContent('#localization')).to.contain(`${rootCauses.length} root cause`);
    // a culprit's link in its table selects the node in the drawing and opens its details
    const [table, cls, kind] = rootCauses.length > 0 ? ['#root-causes', 'loc-root', 'root-cause'] : ['#amplifiers', 'loc-amp', 'amplifier'];
    await page.locator(`${table} a.node-link`).first().click();
    expect(await page.locator(`#scene g.node.sel.${cls}`).count()).to.equal(1);
    expect(await page.textContent('#details')).to.contain(kind);
    expect(problems.errors).to.deep.equal([]);
    await page.screenshot({ path: path.join(OUT, 'ppocr-cls.validated.png') });
    await page.close();
  });
});

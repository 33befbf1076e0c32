/** The Markdown report of a benchmark run, with the acceptance goals judged. */
import type { BenchReport, BenchResult, MeasuredCommand } from './run.js';

const sec = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const mb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** 700 MB and 1 GB from the goals, in MiB (as GNU time reports KiB). */
const MB700 = 700e6 / 2 ** 20;
const GB1 = 1e9 / 2 ** 20;

function measured(b: BenchResult | undefined): MeasuredCommand[] {
  return (b?.commands ?? []).filter((c): c is MeasuredCommand => c.error === undefined);
}

/** The conversion row: `convert` when the CLI has it, else the common-pass pipeline. */
function conversion(b: BenchResult | undefined): MeasuredCommand | undefined {
  const ms = measured(b);
  return b?.commands.some((c) => c.id === 'convert') === true ? ms.find((c) => c.id === 'convert') : ms[ms.length - 1];
}

function ortLine(c: MeasuredCommand): string {
  if (c.ort === undefined) return '';
  return c.ort.outputs.map((o) => `${o.name}: max |Δ| ${o.maxAbsDiff.toExponential(2)} (max |ref| ${o.maxAbsRef.toFixed(3)})${o.finite ? '' : ', NOT FINITE'}`).join('; ');
}

/** Within fp16 tolerance: |Δ| ≤ 0.02 · max(1, max |ref|), all finite. */
export function ortWithinTolerance(c: MeasuredCommand): boolean | undefined {
  if (c.ort === undefined) return undefined;
  return c.ort.outputs.every((o) => o.finite && o.maxAbsDiff <= 0.02 * Math.max(1, o.maxAbsRef));
}

function goals(r: BenchReport): string[] {
  const out: string[] = [];
  const mark = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : '**not met**');
  const conv = r.cli.convert ? 'convert' : `opt -p ${r.cli.commonPipeline} (convert not available yet)`;
  const t = conversion(r.results.find((b) => b.id === 'transformer'));
  if (t !== undefined) {
    out.push(`- 300 MB transformer, ${conv}: ${sec(t.summary.wallMs)} = ${t.floorRatio.toFixed(2)}× the I/O floor (goal ≤ 2.5×: ${mark(t.floorRatio <= 2.5)}; target ≤ 0.6 s: ${mark(t.summary.wallMs <= 600)}), peak RSS ${t.summary.maxRssMiB} MiB (goal ≤ 700 MB = ${MB700.toFixed(0)} MiB: ${mark(t.summary.maxRssMiB <= MB700)})`);
  }
  const n20 = r.results.find((b) => b.id === 'nodes-20k');
  const n200 = r.results.find((b) => b.id === 'nodes-200k');
  const c20 = conversion(n20);
  if (c20 !== undefined) out.push(`- 20,000-node graph, ${conv}: ${sec(c20.summary.wallMs)} (goal ≤ 0.5 s: ${mark(c20.summary.wallMs <= 500)})`);
  for (const c of measured(n20)) {
    const big = measured(n200).find((x) => x.id === c.id);
    if (big === undefined) continue;
    const ratio = big.summary.wallMs / c.summary.wallMs;
    const cpu = (x: MeasuredCommand): number | undefined => (x.summary.userS === undefined ? undefined : x.summary.userS + (x.summary.sysS ?? 0));
    const cb = cpu(big);
    const cs = cpu(c);
    const cpuRatio = cb === undefined || cs === undefined ? '' : `; CPU time ${cb.toFixed(2)} s / ${cs.toFixed(2)} s = ${(cb / cs).toFixed(1)}×`;
    out.push(`- 200,000 vs 20,000 nodes, ${c.label}: ${sec(big.summary.wallMs)} / ${sec(c.summary.wallMs)} = ${ratio.toFixed(1)}× (goal ≤ 12×: ${mark(ratio <= 12)}${cpuRatio})`);
  }
  const x = r.executor;
  if (x !== undefined && !('error' in x)) {
    out.push(`- executor FP32 on PaddleOCR rec: ${x.fp32VsOrt.toFixed(1)}× onnxruntime-node (goal ≤ 3×: ${mark(x.fp32VsOrt <= 3)}); FP16 emulation ${x.fp16VsFp32.toFixed(2)}× FP32 (goal ≤ 1.5×: ${mark(x.fp16VsFp32 <= 1.5)})`);
  }
  const e = r.results.find((b) => b.id === 'external');
  const ec = conversion(e);
  if (e !== undefined && ec !== undefined) {
    out.push(`- ${mb(e.model.bytes)} external-data model, ${ec.label}: peak RSS ${ec.summary.maxRssMiB} MiB (goal ≤ 1 GB = ${GB1.toFixed(0)} MiB: ${mark(ec.summary.maxRssMiB <= GB1)}), ${sec(ec.summary.wallMs)}; onnxruntime-node: ${ec.ort === undefined ? 'not checked' : `${ortLine(ec)} (within tolerance: ${mark(ortWithinTolerance(ec))})`}`);
  }
  return out;
}

export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`### ${r.smoke ? 'Smoke run' : 'Run'} of ${m.date.slice(0, 10)}`, '');
  lines.push(`Machine: ${m.cpu}, ${m.nproc} CPUs, ${m.memGiB} GiB RAM, ${m.os}, Node ${m.node}. Date ${m.date}; load average ${r.loadBefore.map((x) => x.toFixed(1)).join(' ')} before, ${r.loadAfter.map((x) => x.toFixed(1)).join(' ')} after.`);
  const entry = (e: BenchReport['entryBefore']): string => (e.entry === 'bundle' ? 'the bundle (packages/cli/dist/bundle)' : `dist (${e.why ?? 'bundle not used'})`);
  lines.push(r.entryBefore.entry === r.entryAfter.entry && r.entryBefore.why === r.entryAfter.why
    ? `\`bin/mixprec.js\` ran ${entry(r.entryBefore)} throughout.`
    : `\`bin/mixprec.js\` ran ${entry(r.entryBefore)} at the start and ${entry(r.entryAfter)} at the end (rebuilt during the run: the rows mix both).`);
  const runs = [...new Set(r.results.flatMap((b) => measured(b).map((c) => c.summary.runs)))].join('/');
  const rssFrom = r.results[0]?.floor.rssFrom === 'hook' ? '`VmHWM` read by the process at exit (GNU time missing)' : 'GNU time (`/usr/bin/time -v`, "Maximum resident set size")';
  lines.push(`Each row: ${runs} whole-process runs (${r.smoke ? 'no warm-up' : 'after one warm-up run'}), wall time = median, peak RSS = largest over the runs from ${rssFrom}.`);
  lines.push('I/O floor: `node bench/dist/io-floor.js` (reads the input files in 16 MiB chunks, writes half the bytes, fsync), run before each round of commands in the same run; page cache warm, caches not dropped (not possible here).', '');
  lines.push('| benchmark | model | command | wall (median) | min | peak RSS | CPU user+sys | I/O floor | × floor | output |');
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const b of r.results) {
    for (const c of b.commands) {
      const model = `${mb(b.model.bytes)}, ${b.model.nodes.toLocaleString('en')} nodes`;
      if (c.error !== undefined) {
        lines.push(`| ${b.id} | ${model} | \`${c.command}\` | failed | | | | ${sec(b.floor.wallMs)} | | |`);
        continue;
      }
      const cpu = c.summary.userS === undefined ? '' : `${(c.summary.userS + (c.summary.sysS ?? 0)).toFixed(2)} s`;
      lines.push(`| ${b.id} | ${model} | \`${c.command}\` | ${sec(c.summary.wallMs)} | ${sec(c.summary.minWallMs)} | ${c.summary.maxRssMiB} MiB | ${cpu} | ${sec(b.floor.wallMs)} | ${c.floorRatio.toFixed(2)} | ${mb(c.outputBytes)} |`);
    }
  }
  const failures = r.results.flatMap((b) => b.commands.filter((c) => c.error !== undefined).map((c) => `- ${b.id}, ${c.id}: ${c.error}`));
  if (failures.length > 0) lines.push('', 'Failed commands:', '', ...failures);
  const checks = r.results.flatMap((b) => measured(b).filter((c) => c.ort !== undefined).map((c) => `- ${b.id}, ${c.id}: ${ortLine(c)}; create ${c.ort!.converted.createMs} ms, run ${c.ort!.converted.runMs} ms (original ${c.ort!.original.createMs} / ${c.ort!.original.runMs} ms); converted input types ${c.ort!.converted.inputTypes.join(', ')}`));
  if (checks.length > 0) lines.push('', 'onnxruntime-node, outputs of the converted model against the original (same seeded inputs):', '', ...checks);
  const st = r.startup;
  if (st !== undefined) {
    lines.push('', `Start-up (part of every row above): \`mixprec --version\` ${sec(st.cliMs)} (peak RSS ${st.cliRssMiB} MiB${st.cliCpuS === undefined ? '' : `, CPU ${st.cliCpuS.toFixed(2)} s`}) against ${sec(st.nodeMs)} for \`node -e 0\`, median of ${st.runs}.`);
  }
  const x = r.executor;
  if (x !== undefined) {
    lines.push('', 'Reference executor on PaddleOCR rec (`bench/dist/executor-latency.js`; in-process latency, median after one warm-up):', '');
    if ('error' in x) {
      lines.push(`- failed: ${x.error}`);
    } else {
      lines.push(`- input [${x.input.join(', ')}], tfjs backend ${x.backend}, ${x.runs} runs: onnxruntime-node ${x.ortMs.toFixed(1)} ms, executor FP32 ${x.fp32Ms.toFixed(1)} ms (${x.fp32VsOrt.toFixed(1)}× onnxruntime-node; max |Δ| ${x.maxAbsDiffVsOrt.toExponential(1)}), executor FP16-emulated ${x.fp16Ms.toFixed(1)} ms (${x.fp16VsFp32.toFixed(2)}× FP32)`);
    }
  }
  if (!r.smoke) {
    const g = goals(r);
    if (g.length > 0) lines.push('', 'Goals:', '', ...g);
  }
  lines.push('');
  return lines.join('\n');
}

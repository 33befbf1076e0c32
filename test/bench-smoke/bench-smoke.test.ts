import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

/**
 * The benchmark suite's smoke mode (`npm run bench -- --smoke`): every benchmark on tiny
 * generated models, one run each, no timing assertions. Checks that each benchmark measured
 * something, and that every output it wrote loads and runs in onnxruntime-node with the
 * original's outputs (exactly for lossless commands, within fp16 tolerance for `convert`).
 * Needs the bench workspace built (the root `npm test` builds everything first).
 */

interface InputSpec { name: string; dtype: 'float32'; dims: number[] }
interface Summary { runs: number; wallMs: number; maxRssMiB: number }
interface CommandResult { id: string; command: string; summary: Summary; floorRatio: number; output: string; outputBytes: number }
interface BenchResult { id: string; model: { file: string; dataFile?: string; bytes: number; nodes: number; inputs: InputSpec[] }; floor: Summary; commands: CommandResult[] }
interface ExecutorLatency { ortMs: number; fp32Ms: number; fp16Ms: number; maxAbsDiffVsOrt: number }
interface BenchReport {
  smoke: boolean; cli: { convert: boolean; commonPipeline: string }; results: BenchResult[];
  executor?: ExecutorLatency | { error: string };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = path.join(ROOT, 'bench', 'dist', 'run.js');

/** Inputs in [-1, 1) from a fixed LCG (independent of the bench's own generator). */
function feedsFor(specs: readonly InputSpec[], session: ort.InferenceSession): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  let s = 12345;
  for (const spec of specs) {
    const n = spec.dims.reduce((a, b) => a * b, 1);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      f[i] = s / 2 ** 31 - 1;
    }
    const meta = session.inputMetadata.find((m) => m.name === spec.name);
    expect(meta, `input ${spec.name}`).to.not.equal(undefined);
    const type = meta !== undefined && meta.isTensor ? meta.type : 'float32';
    out[spec.name] = type === 'float16' ? new ort.Tensor('float16', toF16(f), spec.dims) : new ort.Tensor('float32', f, spec.dims);
  }
  return out;
}

/** fp16 bits by round-to-nearest-even through float64 (test-only; small arrays). */
function toF16(f: Float32Array): Uint16Array {
  const out = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    if (a < 2 ** -14) {
      out[i] = sign | Math.round(a * 2 ** 24);
      continue;
    }
    const e = Math.floor(Math.log2(a));
    const m = a / 2 ** e - 1;
    let mant = Math.round(m * 1024);
    let exp = e + 15;
    if (mant === 1024) { mant = 0; exp++; }
    out[i] = sign | (exp << 10) | mant;
  }
  return out;
}

function fromF16(h: Uint16Array): Float32Array {
  return Float32Array.from(h, (b) => {
    const e = (b >> 10) & 31;
    const m = b & 1023;
    const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m === 0 ? Infinity : NaN) : (1 + m / 1024) * 2 ** (e - 15);
    return b & 0x8000 ? -v : v;
  });
}

async function runModel(file: string, inputs: readonly InputSpec[]): Promise<Map<string, Float32Array>> {
  const session = await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    const result = await session.run(feedsFor(inputs, session));
    const out = new Map<string, Float32Array>();
    for (const name of session.outputNames) {
      const t = result[name]!;
      out.set(name, t.type === 'float16' ? fromF16(t.data as Uint16Array) : Float32Array.from(t.data as Float32Array));
    }
    return out;
  } finally {
    await session.release();
  }
}

describe('bench: smoke run of every benchmark (npm run bench -- --smoke)', function () {
  let dir: string;
  let report: BenchReport;

  before(function () {
    if (!fs.existsSync(RUNNER)) throw new Error(`${RUNNER} is missing; build first (npm run build)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-bench-smoke-'));
    const json = path.join(dir, 'report.json');
    const r = spawnSync(process.execPath, [RUNNER, '--smoke', '--keep-outputs', path.join(dir, 'out'), '--json', json], {
      encoding: 'utf8', env: { ...process.env, MIXPREC_BENCH_CACHE: path.join(dir, 'cache') }, maxBuffer: 64 << 20,
    });
    expect(r.status, `bench runner failed:\n${r.stderr}`).to.equal(0);
    report = JSON.parse(fs.readFileSync(json, 'utf8')) as BenchReport;
    expect(r.stdout).to.contain('| benchmark |');
  });

  after(function () {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every benchmark in smoke mode and measures each command and the I/O floor', function () {
    expect(report.smoke).to.equal(true);
    expect(report.results.map((b) => b.id)).to.include.members(['transformer', 'external']);
    expect(report.results.filter((b) => b.id.startsWith('nodes-'))).to.have.length(2);
    for (const b of report.results) {
      expect(b.floor.wallMs, `${b.id} floor`).to.be.greaterThan(0);
      expect(b.model.nodes, b.id).to.be.greaterThan(0);
      expect(b.commands.length, b.id).to.be.greaterThan(0);
      for (const c of b.commands) {
        expect(c.summary.runs, `${b.id} ${c.id}`).to.equal(1);
        expect(c.summary.wallMs, `${b.id} ${c.id}`).to.be.greaterThan(0);
        expect(c.summary.maxRssMiB, `${b.id} ${c.id} peak RSS`).to.be.greaterThan(10);
        expect(c.floorRatio, `${b.id} ${c.id}`).to.be.greaterThan(0);
        expect(fs.existsSync(c.output), c.output).to.equal(true);
      }
    }
  });

  it('times the reference executor against onnxruntime-node on PaddleOCR rec, with matching outputs', function () {
    const x = report.executor;
    expect(x, 'executor result').to.not.equal(undefined);
    if (x === undefined || 'error' in x) return expect.fail(`executor benchmark failed: ${x === undefined ? '' : x.error}`);
    expect(x.ortMs).to.be.greaterThan(0);
    expect(x.fp32Ms).to.be.greaterThan(0);
    expect(x.fp16Ms).to.be.greaterThan(0);
    expect(x.maxAbsDiffVsOrt, 'executor FP32 vs onnxruntime-node').to.be.lessThan(1e-3);
  });

  it('writes external data for the external-data model (OUT.onnx + OUT.data)', function () {
    const ext = report.results.find((b) => b.id === 'external')!;
    expect(ext.model.dataFile, 'the generated model has external data').to.be.a('string');
    for (const c of ext.commands) {
      const data = c.output.replace(/\.onnx$/, '.data');
      expect(fs.existsSync(data), `${c.id}: ${data}`).to.equal(true);
      expect(fs.statSync(data).size, `${c.id}: data file size`).to.be.greaterThan(fs.statSync(c.output).size);
    }
  });

  it('every output loads in onnxruntime-node and matches the original', async function () {
    for (const b of report.results) {
      const reference = await runModel(b.model.file, b.model.inputs);
      for (const c of b.commands) {
        const got = await runModel(c.output, b.model.inputs);
        const lossless = c.id !== 'convert';
        for (const [name, ref] of reference) {
          const out = got.get(name);
          expect(out, `${b.id} ${c.id}: output ${name}`).to.not.equal(undefined);
          expect(out!.length).to.equal(ref.length);
          let scale = 1;
          for (const v of ref) scale = Math.max(scale, Math.abs(v));
          for (let i = 0; i < ref.length; i++) {
            const d = Math.abs(out![i]! - ref[i]!);
            if (lossless ? d > 1e-6 * scale : !(d <= 0.02 * scale)) {
              expect.fail(`${b.id} ${c.id}: output ${name}[${i}] = ${out![i]}, original ${ref[i]} (${lossless ? 'lossless' : 'fp16'} tolerance)`);
            }
          }
        }
      }
    }
  });
});

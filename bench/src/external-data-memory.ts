/**
 * Memory benchmark of @mixprec/onnx on a model over 2 GiB (external data only; protobuf files
 * cannot exceed 2 GiB).
 *
 *   node bench/dist/external-data-memory.js [--gib 2.25] [--keep]
 *
 * 1. Generates the model in a temp folder: `--gib` of FLOAT weights in 256 MiB initializers
 *    whose bytes come from lazy sources, so the saver streams them (the generator never holds
 *    more than one tensor). The model is over 2 GiB, so the saver moves the weights to external
 *    data on its own.
 * 2. In a child process: loadModel (lazy external data) then saveModel into another folder;
 *    reports time and peak RSS (VmHWM of the child).
 * 3. In another child: onnxruntime-node loads the saved model and runs it; the outputs are
 *    checked against the generator's formula.
 * Prints one JSON object with the numbers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, Graph, Model, Node, Tensor, Value, attr, int64Tensor, tensorType } from '@mixprec/ir';
import { formatLoadError, formatSaveError, loadModel, saveModel } from '@mixprec/onnx';

const ROWS = 8;
const TENSOR_BYTES = 256 * 1024 * 1024;
const COLS = TENSOR_BYTES / 4 / ROWS;

/** Weight i, element (r, c) = i + r + (c % 1000) / 1000 (exact enough in float32 to check). */
function weightBytes(i: number): Uint8Array {
  const f = new Float32Array(ROWS * COLS);
  for (let r = 0; r < ROWS; r++) {
    const base = r * COLS;
    for (let c = 0; c < COLS; c++) f[base + c] = i + r + (c % 1000) / 1000;
  }
  return new Uint8Array(f.buffer);
}

/** Y = Sum_i Gather(W_i, idx, axis 0): ORT must read every weight, the output stays small. */
function buildModel(count: number): Model {
  const g = new Graph('big');
  const idx = new Value('idx', tensorType(DataType.INT64, [1]));
  g.addInput(idx);
  const gathered: Value[] = [];
  for (let i = 0; i < count; i++) {
    const w = new Value(`W${i}`, undefined, Tensor.lazy(DataType.FLOAT, [ROWS, COLS], {
      byteLength: TENSOR_BYTES, description: `generated weight ${i}`, read: () => weightBytes(i),
    }));
    g.addInitializer(w);
    const n = new Node({ opType: 'Gather', name: `gather${i}`, inputs: [w, idx], outputs: [`G${i}`], attributes: { axis: attr.int(0) } });
    g.append(n);
    gathered.push(n.outputs[0]!);
  }
  const sum = new Node({ opType: 'Sum', name: 'sum', inputs: gathered, outputs: ['Y'] });
  sum.outputs[0]!.type = tensorType(DataType.FLOAT, [1, COLS]);
  g.append(sum);
  g.addOutput(sum.outputs[0]!);
  // A small inline initializer keeps the inline/external mix realistic.
  g.addInitializer(new Value('unused_small', undefined, int64Tensor([2], [1, 2])));
  return new Model(g, { irVersion: 10, opsetImports: [['', 17]] });
}

const kib = (n: number): string => `${(n / 1024).toFixed(0)} MiB`;

/**
 * Peak RSS of this process in MiB. On Linux `VmHWM` from /proc (per address space, so it
 * starts afresh in a spawned child); `resourceUsage().maxRSS` survives exec and would include
 * the parent's peak at fork time.
 */
function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m?.[1] !== undefined) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function child(args: string[]): Record<string, unknown> {
  const script = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, script, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${args[0]} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function runChild(kind: string, a: string, b: string | undefined): Promise<void> {
  const t0 = performance.now();
  if (kind === 'load-save') {
    const loaded = loadModel(a);
    if (loaded._tag === 'Left') throw new Error(formatLoadError(loaded.left));
    const tLoad = performance.now() - t0;
    const rssAfterLoad = process.memoryUsage().rss;
    const saved = saveModel(loaded.right, b!);
    if (saved._tag === 'Left') throw new Error(formatSaveError(saved.left));
    process.stdout.write(`${JSON.stringify({
      loadMs: Math.round(tLoad), saveMs: Math.round(performance.now() - t0 - tLoad),
      rssAfterLoadMiB: Math.round(rssAfterLoad / 2 ** 20), maxRssMiB: peakRssMiB(),
      modelBytes: saved.right.bytes, dataBytes: saved.right.dataBytes, externalTensors: saved.right.externalTensors,
    })}\n`);
  } else if (kind === 'ort') {
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(a, { logSeverityLevel: 3, intraOpNumThreads: 1 });
    const tCreate = performance.now() - t0;
    const row = 3;
    const out = await s.run({ idx: new ort.Tensor('int64', BigInt64Array.from([BigInt(row)]), [1]) });
    const y = out.Y!.data as Float32Array;
    const count = Number(b);
    let maxErr = 0;
    for (const c of [0, 1, 999, 1000, COLS - 1]) {
      const expect = count * row + (count * (count - 1)) / 2 + count * ((c % 1000) / 1000);
      maxErr = Math.max(maxErr, Math.abs(y[c]! - expect));
    }
    await s.release();
    process.stdout.write(`${JSON.stringify({ createMs: Math.round(tCreate), runMs: Math.round(performance.now() - t0 - tCreate), maxErr, maxRssMiB: peakRssMiB() })}\n`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return runChild(argv[1]!, argv[2]!, argv[3]);
  const gib = Number(argv[argv.indexOf('--gib') + 1] ?? 2.25) || 2.25;
  const count = Math.ceil((gib * 2 ** 30) / TENSOR_BYTES);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-bench-ext-'));
  try {
    const src = path.join(root, 'src');
    const dst = path.join(root, 'dst');
    fs.mkdirSync(src);
    fs.mkdirSync(dst);
    const t0 = performance.now();
    const gen = saveModel(buildModel(count), path.join(src, 'big.onnx'));
    if (gen._tag === 'Left') throw new Error(formatSaveError(gen.left));
    const generateMs = Math.round(performance.now() - t0);
    const genRss = peakRssMiB();
    const roundTrip = child(['load-save', path.join(src, 'big.onnx'), path.join(dst, 'big.onnx')]);
    const ortRun = child(['ort', path.join(dst, 'big.onnx'), String(count)]);
    const result = {
      date: new Date().toISOString(), node: process.version, nproc: os.cpus().length, cpu: os.cpus()[0]?.model,
      totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
      weights: `${count} × 256 MiB FLOAT = ${kib((count * TENSOR_BYTES) / 1024)}`,
      generate: { ms: generateMs, maxRssMiB: genRss, modelBytes: gen.right.bytes, dataBytes: gen.right.dataBytes, externalTensors: gen.right.externalTensors },
      loadSave: roundTrip, ort: ortRun,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (argv.includes('--keep')) process.stdout.write(`kept ${root}\n`);
  } finally {
    if (!argv.includes('--keep')) fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();

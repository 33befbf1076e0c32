/**
 * The ONNX backend node-test sweep for the tfjs executor: loads every case
 * (`<root>/<case>/model.onnx` + `test_data_set_N/(input|output)_K.pb`), runs it, and compares
 * each output with allclose(rtol=1e-3, atol=1e-7) (NaN positions must match).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executeModel, type Feed, type OtherOutput } from '@mixprec/executor-tfjs';
import { DataType, dataTypeName, isNumericTensorType, Tensor, tensorToFloat64, walkNodes } from '@mixprec/ir';
import { loadModel, loadTensor } from '@mixprec/onnx';

/** Root of a test-data suite (`node`, `pytorch-converted`, …); env `ONNX_TESTDATA_DIR` overrides the Debian default. */
export function nodeTestRoot(suite = 'node'): string {
  return path.join(process.env['ONNX_TESTDATA_DIR'] ?? '/usr/share/libonnx-testdata/data', suite);
}

/**
 * `random`: the model draws random numbers (Bernoulli, RandomUniform…, training-mode Dropout);
 * another runtime's generator cannot be reproduced, so only dtypes and shapes are compared.
 */
export type CaseStatus = 'pass' | 'fail' | 'unsupported' | 'harness' | 'random';

const RANDOM_OPS = new Set(['ai.onnx::Bernoulli', 'ai.onnx::RandomUniform', 'ai.onnx::RandomNormal', 'ai.onnx::RandomUniformLike', 'ai.onnx::RandomNormalLike', 'ai.onnx::Multinomial']);

export interface CaseResult {
  readonly name: string;
  readonly status: CaseStatus;
  /** Op types of the model (`domain::op`, subgraphs included). */
  readonly ops: readonly string[];
  /** Why a case failed or is unsupported. */
  readonly detail?: string;
  readonly ms: number;
}

/** An expected output: a tensor, or the elements of a sequence / optional. */
type Expected = { kind: 'tensor'; t: Tensor } | { kind: 'sequence'; items: Tensor[] } | { kind: 'optional'; value: Expected | undefined };

// ---- minimal protobuf reading for SequenceProto / OptionalProto outputs ----

function readVarint(b: Uint8Array, p: { i: number }): number {
  let x = 0;
  let shift = 1;
  for (;;) {
    const c = b[p.i++]!;
    x += (c & 0x7f) * shift;
    if ((c & 0x80) === 0) return x;
    shift *= 128;
  }
}

/** Fields of a protobuf message: field number → list of (wire type, value or bytes). */
function fields(b: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const m = new Map<number, (number | Uint8Array)[]>();
  const p = { i: 0 };
  while (p.i < b.length) {
    const key = readVarint(b, p);
    const f = Math.floor(key / 8);
    const wt = key & 7;
    let v: number | Uint8Array;
    if (wt === 0) v = readVarint(b, p);
    else if (wt === 2) {
      const len = readVarint(b, p);
      v = b.subarray(p.i, p.i + len);
      p.i += len;
    } else if (wt === 5) { v = 0; p.i += 4; } else if (wt === 1) { v = 0; p.i += 8; } else throw new Error(`wire type ${wt}`);
    const list = m.get(f) ?? [];
    list.push(v);
    m.set(f, list);
  }
  return m;
}

function tensorOf(bytes: Uint8Array): Tensor {
  const r = loadTensor(bytes);
  if (r._tag === 'Left') throw new Error(`cannot read tensor: ${JSON.stringify(r.left).slice(0, 200)}`);
  return r.right;
}

function sequenceOf(bytes: Uint8Array): Tensor[] {
  return (fields(bytes).get(3) ?? []).map((x) => tensorOf(x as Uint8Array));
}

function optionalOf(bytes: Uint8Array): Expected {
  const f = fields(bytes);
  const t = f.get(3)?.[0];
  if (t instanceof Uint8Array) return { kind: 'optional', value: { kind: 'tensor', t: tensorOf(t) } };
  const s = f.get(5)?.[0];
  if (s instanceof Uint8Array) return { kind: 'optional', value: { kind: 'sequence', items: sequenceOf(s) } };
  return { kind: 'optional', value: undefined };
}

/** Old test data stores BFLOAT16 values as UINT16 bit patterns: reinterpret them. */
function asDeclared(t: Tensor, dtype: number | undefined): Tensor {
  return dtype === DataType.BFLOAT16 && t.dtype === DataType.UINT16 ? Tensor.of(DataType.BFLOAT16, t.dims, t.data) : t;
}

function toFeed(e: Expected, dtype: number | undefined): Feed | undefined {
  if (e.kind === 'tensor') return asDeclared(e.t, dtype);
  if (e.kind === 'sequence') return { kind: 'sequence', items: e.items };
  const v = e.value;
  if (v === undefined) return { kind: 'optional', value: undefined };
  const inner = toFeed(v, dtype);
  return { kind: 'optional', value: inner as Tensor | { kind: 'sequence'; items: Tensor[] } };
}

function readExpected(file: string, kind: 'tensor' | 'sequence' | 'optional'): Expected {
  const bytes = new Uint8Array(fs.readFileSync(file));
  if (kind === 'sequence') return { kind: 'sequence', items: sequenceOf(bytes) };
  if (kind === 'optional') return optionalOf(bytes);
  return { kind: 'tensor', t: tensorOf(bytes) };
}

// ---- comparison ----

/** allclose(rtol, atol) with equal NaN positions; exact equality for strings. Returns a reason or undefined. */
export function compareTensors(actual: Tensor, expected: Tensor, rtol = 1e-3, atol = 1e-7): string | undefined {
  if (actual.dtype !== expected.dtype) return `dtype ${dataTypeName(actual.dtype)} != expected ${dataTypeName(expected.dtype)}`;
  if (actual.dims.join(',') !== expected.dims.join(',')) return `shape [${actual.dims.join(', ')}] != expected [${expected.dims.join(', ')}]`;
  if (actual.dtype === DataType.STRING) {
    const a = (actual.data as readonly Uint8Array[]).map((x) => new TextDecoder().decode(x));
    const e = (expected.data as readonly Uint8Array[]).map((x) => new TextDecoder().decode(x));
    const i = a.findIndex((x, k) => x !== e[k]);
    return i < 0 ? undefined : `string ${i}: '${a[i]}' != '${e[i]}'`;
  }
  if (!isNumericTensorType(actual.dtype)) return `cannot compare ${dataTypeName(actual.dtype)}`;
  const a = tensorToFloat64(actual);
  const e = tensorToFloat64(expected);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `element ${i}: ${x} != ${y} (NaN mismatch)`;
      continue;
    }
    if (x === y) continue;
    const err = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (!(err <= 0) && (worst < 0 || err > worstErr)) {
      worst = i;
      worstErr = err;
    }
  }
  return worst < 0 ? undefined : `element ${worst}: ${a[worst]} != expected ${e[worst]}`;
}

function compareExpected(actual: Tensor | OtherOutput | undefined, exp: Expected): string | undefined {
  if (actual === undefined) return 'no output';
  if (exp.kind === 'tensor') return 'kind' in actual ? `got a ${actual.kind}, expected a tensor` : compareTensors(actual, exp.t);
  if (!('kind' in actual)) return `got a tensor, expected a ${exp.kind}`;
  if (exp.kind === 'sequence') {
    if (actual.kind !== 'sequence') return 'expected a sequence';
    if (actual.items.length !== exp.items.length) return `sequence length ${actual.items.length} != ${exp.items.length}`;
    for (let i = 0; i < exp.items.length; i++) {
      const r = compareTensors(actual.items[i]!, exp.items[i]!);
      if (r !== undefined) return `item ${i}: ${r}`;
    }
    return undefined;
  }
  if (actual.kind !== 'optional') return 'expected an optional';
  if (exp.value === undefined) return actual.value === undefined ? undefined : 'expected an empty optional';
  if (actual.value === undefined) return 'optional is empty';
  return compareExpected(actual.value, exp.value);
}

// ---- running ----

export function listCases(root = nodeTestRoot()): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'model.onnx'))).sort();
}

/** Runs one case (every test_data_set_N). The backend must be initialised. */
export function runCase(dir: string): CaseResult {
  const name = path.basename(dir);
  const t0 = performance.now();
  const done = (status: CaseStatus, ops: readonly string[], detail?: string): CaseResult =>
    ({ name, status, ops, detail, ms: performance.now() - t0 });
  const m = loadModel(path.join(dir, 'model.onnx'));
  if (m._tag === 'Left') return done('harness', [], `load: ${JSON.stringify(m.left).slice(0, 200)}`);
  const model = m.right;
  const ops = [...new Set([...walkNodes(model)].map((n) => `${n.domain === '' ? 'ai.onnx' : n.domain}::${n.opType}`))].sort();
  const inputs = model.graph.inputs.filter((v) => !v.isInitializer());
  const random = ops.some((o) => RANDOM_OPS.has(o)) || name.startsWith('test_training_dropout');
  const sets = fs.readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort();
  for (const set of sets) {
    const sd = path.join(dir, set);
    const feeds: Record<string, Feed> = {};
    try {
      inputs.forEach((v, i) => {
        const f = path.join(sd, `input_${i}.pb`);
        if (!fs.existsSync(f)) return;
        const feed = toFeed(readExpected(f, kindOf(v.type?.kind)), v.dtype);
        if (feed !== undefined) feeds[v.name] = feed;
      });
    } catch (e) {
      return done('harness', ops, `inputs: ${(e as Error).message}`);
    }
    // A few cases feed shapes that contradict the declared ones (e.g. CastLike's 'like'): dtype checks only.
    const r = executeModel(model, feeds, { checkShapes: false });
    if (r._tag === 'Left') return done(r.left._tag === 'UnsupportedOp' ? 'unsupported' : 'fail', ops, `${r.left._tag}: ${r.left.message}`);
    const res = r.right;
    for (let i = 0; i < model.graph.outputs.length; i++) {
      const v = model.graph.outputs[i]!;
      const f = path.join(sd, `output_${i}.pb`);
      if (!fs.existsSync(f)) continue;
      let exp: Expected;
      try {
        exp = readExpected(f, kindOf(v.type?.kind));
        if (exp.kind === 'tensor') exp = { kind: 'tensor', t: asDeclared(exp.t, v.dtype) };
      } catch (e) {
        return done('harness', ops, `outputs: ${(e as Error).message}`);
      }
      const actual = res.outputs[v.name] ?? res.otherOutputs[v.name];
      if (random) {
        const a = actual as Tensor | undefined;
        if (exp.kind !== 'tensor' || a === undefined || !(a instanceof Tensor) || a.dtype !== exp.t.dtype || a.dims.join() !== exp.t.dims.join()) {
          return done('fail', ops, `${set} output '${v.name}': dtype or shape differs from the expected random output`);
        }
        continue;
      }
      const why = compareExpected(actual, exp);
      if (why !== undefined) return done('fail', ops, `${set} output '${v.name}': ${why}`);
    }
  }
  return done(random ? 'random' : 'pass', ops);
}

function kindOf(k: string | undefined): 'tensor' | 'sequence' | 'optional' {
  return k === 'sequence' ? 'sequence' : k === 'optional' ? 'optional' : 'tensor';
}

export interface SweepSummary {
  readonly results: readonly CaseResult[];
  readonly pass: number;
  readonly fail: number;
  readonly unsupported: number;
  readonly harness: number;
  /** Random-output cases (dtype and shape checked only). */
  readonly random: number;
  /** pass / (pass + fail): cases whose ops are all supported. */
  readonly passRate: number;
}

export function summarise(results: readonly CaseResult[]): SweepSummary {
  const count = (s: CaseStatus): number => results.filter((r) => r.status === s).length;
  const pass = count('pass');
  const fail = count('fail');
  return { results, pass, fail, unsupported: count('unsupported'), harness: count('harness'), random: count('random'), passRate: pass / Math.max(1, pass + fail) };
}

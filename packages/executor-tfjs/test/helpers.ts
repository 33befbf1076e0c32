import { DataType, GraphBuilder, Tensor, float32ToFloat16Bits, tensorToFloat64, tensorType, type Attr, type Model, type Value } from '@mixprec/ir';
import { type ExecError, type Feed, type RunResult, initBackend, runModel } from '../src/index.js';

/** Backend for tests: `EXECUTOR_BACKEND` or the default order (tensorflow → wasm → cpu). */
export async function setup(): Promise<string> {
  const b = process.env['EXECUTOR_BACKEND'] as 'cpu' | 'wasm' | undefined;
  return initBackend(b);
}

/** Runs a model and returns the result, failing the test on a Left. */
export async function run(model: Model, feeds: Readonly<Record<string, Feed>>, opts: { keepIntermediates?: boolean } = {}): Promise<RunResult> {
  const r = await runModel(model, feeds, opts);
  if (r._tag === 'Left') throw new Error(`runModel failed: ${r.left._tag}: ${r.left.message}`);
  return r.right;
}

/** Runs a model expecting an ExecError. */
export async function runErr(model: Model, feeds: Readonly<Record<string, Feed>>): Promise<ExecError> {
  const r = await runModel(model, feeds);
  if (r._tag === 'Right') throw new Error('runModel succeeded, an error was expected');
  return r.left;
}

/** An output's values as plain numbers. */
export function nums(t: Tensor | undefined): number[] {
  if (t === undefined) throw new Error('missing output');
  return Array.from(tensorToFloat64(t));
}

/** Asserts |a - e| <= tol elementwise (NaN equal to NaN). */
export function close(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) return;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) throw new Error(`element ${i}: ${a} != ${e} (all: [${actual.slice(0, 12).join(', ')}])`);
  });
}

/** A one-node model: inputs (name, dtype, shape), constant initializers, attributes, outputs. */
export function singleOp(
  opType: string,
  inputs: readonly (readonly [string, DataType, readonly number[]])[],
  opts: {
    attrs?: Readonly<Record<string, Attr>>; outputs?: number; outTypes?: readonly DataType[]; opset?: number;
    domain?: string; inits?: Readonly<Record<string, Tensor>>; order?: readonly string[]; metadata?: Readonly<Record<string, string>>;
  } = {},
): Model {
  const b = new GraphBuilder();
  const vals = new Map<string, Value>();
  for (const [name, dt, shape] of inputs) vals.set(name, b.input(name, dt, shape));
  for (const [name, t] of Object.entries(opts.inits ?? {})) vals.set(name, b.initializer(name, t));
  const order = opts.order ?? [...inputs.map((i) => i[0]), ...Object.keys(opts.inits ?? {})];
  const outs = b.op(opType, order.map((n) => (n === '' ? undefined : vals.get(n)!)), {
    attrs: opts.attrs, outputs: opts.outputs ?? 1, domain: opts.domain, name: `${opType.toLowerCase()}_node`,
    types: opts.outTypes?.map((d) => tensorType(d)),
  });
  for (const [k, v] of Object.entries(opts.metadata ?? {})) outs[0]!.producer()!.metadataProps.set(k, v);
  outs.forEach((o, i) => b.output(o, `Y${i}`));
  return b.model({ opset: opts.opset ?? 17, opsets: opts.domain !== undefined && opts.domain !== '' ? { [opts.domain]: 1 } : {} });
}

/** Deterministic values in [-scale, scale) (a small LCG), as a tensor of `dtype` (FLOAT or FLOAT16). */
export function values(dtype: DataType, dims: readonly number[], seed: number, scale = 1): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const f = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f[i] = (s / 2 ** 31 - 1) * scale;
  }
  return dtype === DataType.FLOAT16 ? Tensor.of(dtype, dims, float32ToFloat16Bits(f)) : Tensor.of(dtype, dims, f);
}

import { createRequire } from 'node:module';
import { DataType, Tensor, dataTypeName, type Model } from '@mixprec/ir';
import type { ModelRunner, RunnerResult } from '@mixprec/amp';
import { CliError } from './errors.js';

/** The parts of onnxruntime-node this runner uses. */
interface OrtTensor {
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  readonly InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<OrtSession> };
}

/** The version the tests pin (an optional peer dependency of @mixprec/cli). */
export const ORT_VERSION = '1.30.0';

const ORT_TYPES: Readonly<Partial<Record<number, string>>> = {
  [DataType.FLOAT]: 'float32', [DataType.FLOAT16]: 'float16', [DataType.DOUBLE]: 'float64', [DataType.INT8]: 'int8',
  [DataType.UINT8]: 'uint8', [DataType.INT16]: 'int16', [DataType.UINT16]: 'uint16', [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64', [DataType.BOOL]: 'bool', [DataType.UINT32]: 'uint32', [DataType.UINT64]: 'uint64',
};

const IR_TYPES: Readonly<Record<string, DataType>> = {
  float32: DataType.FLOAT, float16: DataType.FLOAT16, float64: DataType.DOUBLE, int8: DataType.INT8, uint8: DataType.UINT8,
  int16: DataType.INT16, uint16: DataType.UINT16, int32: DataType.INT32, int64: DataType.INT64, bool: DataType.BOOL,
  uint32: DataType.UINT32, uint64: DataType.UINT64,
};

/** Loads onnxruntime-node, or says how to install it. */
function loadOrt(): OrtModule {
  try {
    return createRequire(import.meta.url)('onnxruntime-node') as OrtModule;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'it is not installed' : (e as Error).message.split('\n')[0];
    throw new CliError(`--runtime ort: cannot load onnxruntime-node (${why}); it is an optional peer dependency: npm install onnxruntime-node@${ORT_VERSION}`);
  }
}

/** A {@link ModelRunner} on onnxruntime-node, with a way to release its sessions. */
export interface OrtRunner {
  readonly runner: ModelRunner;
  close(): Promise<void>;
}

/**
 * onnxruntime-node (CPU, one thread) as a runner. Models are loaded from their files (so
 * external data works): `files` maps each model object the caller will run to its path.
 */
export function ortRunner(files: ReadonlyMap<Model, string>): OrtRunner {
  const ort = loadOrt();
  const sessions = new Map<Model, OrtSession>();
  const session = async (model: Model): Promise<OrtSession> => {
    const s = sessions.get(model);
    if (s !== undefined) return s;
    const file = files.get(model);
    if (file === undefined) throw new Error('the ORT runner was given a model without a file');
    const created = await ort.InferenceSession.create(file, { logSeverityLevel: 3, intraOpNumThreads: 1 });
    sessions.set(model, created);
    return created;
  };
  const run = async (model: Model, feeds: Readonly<Record<string, Tensor>>): Promise<RunnerResult> => {
    try {
      const s = await session(model);
      const f: Record<string, OrtTensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        const type = ORT_TYPES[t.dtype];
        if (type === undefined) return { _tag: 'Left', left: `input '${name}' is ${dataTypeName(t.dtype)}, which onnxruntime-node cannot take from JavaScript` };
        f[name] = new ort.Tensor(type, t.data, [...t.dims]);
      }
      const out = await s.run(f);
      const res: Record<string, Tensor> = {};
      for (const [name, v] of Object.entries(out)) {
        const d = IR_TYPES[v.type];
        if (d === undefined) return { _tag: 'Left', left: `output '${name}' has type ${v.type}, which mixprec cannot compare` };
        res[name] = Tensor.of(d, v.dims, v.data as Float32Array);
      }
      return { _tag: 'Right', right: res };
    } catch (e) {
      return { _tag: 'Left', left: `onnxruntime-node: ${(e as Error).message.split('\n')[0]}` };
    }
  };
  return {
    runner: { name: 'onnxruntime-node', run },
    close: async () => {
      for (const s of sessions.values()) await s.release();
      sessions.clear();
    },
  };
}

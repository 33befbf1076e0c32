import fs from 'node:fs';
import path from 'node:path';
import { loadTensor, formatLoadError } from '@mixprec/onnx';
import {
  DataType, dataTypeName, isFloatType, isIntegerType, tensorFromNumbers, tensorToFloat32, tensorToFloat64,
  type Model, type Tensor, type Value,
} from '@mixprec/ir';
import { CliError } from '../errors.js';
import { feedsFromJson } from './json-feeds.js';
import { decodeNpy } from './npy.js';
import { decodeNpz } from './npz.js';

/** One sample of inputs, with where it came from. */
export interface FeedSet {
  readonly label: string;
  readonly feeds: Record<string, Tensor>;
}

/** The graph inputs a caller must feed (initializers listed as inputs, IR < 4, excluded). */
export function feedableInputs(model: Model): Value[] {
  return model.graph.inputs.filter((v) => !v.isInitializer());
}

function readPb(file: string): Tensor {
  const r = loadTensor(file);
  if (r._tag === 'Left') throw new CliError(formatLoadError(r.left));
  return r.right;
}

/** `input_0.pb, input_1.pb, …` of an ONNX test-data folder, matched to inputs by name, else by position. */
function pbFolder(dir: string, model: Model): Record<string, Tensor> {
  const files = fs.readdirSync(dir).filter((f) => /^input_\d+\.pb$/.test(f)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  const inputs = feedableInputs(model);
  const names = new Set(inputs.map((v) => v.name));
  const out: Record<string, Tensor> = {};
  files.forEach((f, i) => {
    const t = readPb(path.join(dir, f));
    const name = t.meta.name !== undefined && names.has(t.meta.name) ? t.meta.name : inputs[i]?.name;
    if (name === undefined) throw new CliError(`${path.join(dir, f)}: the model has only ${inputs.length} input(s)`);
    out[name] = t;
  });
  return out;
}

function npyFolder(dir: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.npy')).sort()) {
    out[f.slice(0, -4)] = decodeNpy(fs.readFileSync(path.join(dir, f)), path.join(dir, f));
  }
  return out;
}

/**
 * Reads samples from data sources: an ONNX test-data folder (`input_N.pb`), a folder of
 * `test_data_set_*` folders (one sample each), a folder of `NAME.npy` files, a `.npz`, a `.pb`
 * (the first input) or a `.json` (one sample, or an array of samples).
 */
export function loadFeedSets(model: Model, sources: readonly string[]): FeedSet[] {
  const sets: FeedSet[] = [];
  for (const src of sources) {
    let st: fs.Stats;
    try {
      st = fs.statSync(src);
    } catch {
      throw new CliError(`${src}: no such file or directory (expected test-data folders, .npy/.npz, .pb or .json)`);
    }
    try {
      if (st.isDirectory()) {
        const entries = fs.readdirSync(src).sort();
        const sub = entries.filter((e) => /^test_data_set_\d+$/.test(e) && fs.statSync(path.join(src, e)).isDirectory());
        if (sub.length > 0) {
          for (const s of sub.sort((a, b) => Number(/\d+$/.exec(a)![0]) - Number(/\d+$/.exec(b)![0]))) sets.push({ label: path.join(src, s), feeds: pbFolder(path.join(src, s), model) });
        } else if (entries.some((e) => /^input_\d+\.pb$/.test(e))) {
          sets.push({ label: src, feeds: pbFolder(src, model) });
        } else if (entries.some((e) => e.endsWith('.npy'))) {
          sets.push({ label: src, feeds: npyFolder(src) });
        } else {
          throw new CliError(`${src}: holds no input_N.pb, test_data_set_N or .npy files`);
        }
      } else if (src.endsWith('.npz')) {
        sets.push({ label: src, feeds: Object.fromEntries(decodeNpz(fs.readFileSync(src), src)) });
      } else if (src.endsWith('.npy')) {
        const first = feedableInputs(model)[0];
        if (first === undefined) throw new CliError(`${src}: the model has no inputs`);
        sets.push({ label: src, feeds: { [first.name]: decodeNpy(fs.readFileSync(src), src) } });
      } else if (src.endsWith('.pb')) {
        const first = feedableInputs(model)[0];
        if (first === undefined) throw new CliError(`${src}: the model has no inputs`);
        sets.push({ label: src, feeds: { [first.name]: readPb(src) } });
      } else if (src.endsWith('.json')) {
        let obj: unknown;
        try {
          obj = JSON.parse(fs.readFileSync(src, 'utf8'));
        } catch (e) {
          throw new CliError(`${src}: not valid JSON (${(e as Error).message})`);
        }
        const list = Array.isArray(obj) ? obj : [obj];
        list.forEach((o, i) => sets.push({ label: list.length > 1 ? `${src}[${i}]` : src, feeds: feedsFromJson(o, model, src) }));
      } else {
        throw new CliError(`${src}: unknown data format (use a test-data folder, .npy, .npz, .pb or .json)`);
      }
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError((e as Error).message);
    }
  }
  return sets;
}

/**
 * Converts feeds to the dtypes the model declares (e.g. FLOAT data for a model whose inputs
 * became FLOAT16; INT64 data for INT32 inputs, range-checked). Unknown names are an error.
 */
export function adaptFeeds(model: Model, feeds: Readonly<Record<string, Tensor>>, label: string): Record<string, Tensor> {
  const inputs = new Map(feedableInputs(model).map((v) => [v.name, v]));
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    const v = inputs.get(name);
    if (v === undefined) throw new CliError(`${label}: '${name}' is not an input of the model (inputs: ${[...inputs.keys()].join(', ')})`);
    const want = v.dtype;
    if (want === undefined || want === t.dtype) {
      out[name] = t;
    } else if (isFloatType(want) && isFloatType(t.dtype) && want !== DataType.FLOAT8E4M3FN) {
      out[name] = tensorFromNumbers(want, t.dims, tensorToFloat32(t));
    } else if ((isIntegerType(want) || want === DataType.BOOL) && (isIntegerType(t.dtype) || t.dtype === DataType.BOOL)) {
      const vals = tensorToFloat64(t);
      out[name] = tensorFromNumbers(want, t.dims, vals);
      const back = tensorToFloat64(out[name]);
      for (let i = 0; i < vals.length; i++) {
        if (back[i] !== vals[i]) throw new CliError(`${label}: input '${name}' value ${vals[i]} does not fit the model's ${dataTypeName(want)}`);
      }
    } else {
      throw new CliError(`${label}: input '${name}' is ${dataTypeName(t.dtype)} but the model takes ${dataTypeName(want)}`);
    }
  }
  return out;
}

import fs from 'node:fs';
import path from 'node:path';
import { formatLoadError, formatSaveError, loadModel, saveModel, type SaveInfo, type SaveOptions } from '@mixprec/onnx';
import type { Model } from '@mixprec/ir';
import { CliError } from './errors.js';

/** Loads a model or throws a {@link CliError} with the loader's one-line message. */
export function loadOrFail(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new CliError(formatLoadError(r.left));
  return r.right;
}

/** Saves a model atomically or throws a {@link CliError}; nothing partial is left behind. */
export function saveOrFail(model: Model, file: string, options: SaveOptions): SaveInfo {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
  const r = saveModel(model, file, options);
  if (r._tag === 'Left') throw new CliError(formatSaveError(r.left));
  return r.right;
}

/** Save options from the common `--external-data [THRESHOLD]` flag. */
export function externalDataOption(flag: string | boolean | undefined, inputPath: string, inPlace: boolean): SaveOptions {
  const base: SaveOptions = { inputPath, allowOverwriteInput: inPlace };
  if (flag === undefined || flag === false) return base;
  if (flag === true) return { ...base, externalData: { attributes: true } };
  const threshold = Number(flag);
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new CliError(`--external-data: expected a size threshold in bytes (e.g. 1024), got '${flag}'`);
  }
  return { ...base, externalData: { threshold, attributes: true } };
}

/** `1.5 MB` style sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

import fs from 'node:fs';
import path from 'node:path';
import type { Model } from '@mixprec/ir';
import { CliError } from '../errors.js';
import type { ConvertOutcome } from './convert.js';

/**
 * Writes the conversion report: `.json` (the stable report schema: input, output, sizes, the
 * float report and the integer reports). With several models (`batchOutput` set) the report
 * file name gets the output model's base name as a suffix (`report.json` → `report.a.json`).
 */
export function writeReport(file: string, batchOutput: string | undefined, outcome: ConvertOutcome, _model: Model): void {
  let target = file;
  if (batchOutput !== undefined) {
    const ext = path.extname(file);
    target = `${file.slice(0, file.length - ext.length)}.${path.basename(batchOutput).replace(/\.onnx$/i, '')}${ext}`;
  }
  if (/\.html$/i.test(target)) throw new CliError(`--report: HTML reports are not available in this build; use a .json file`);
  const payload = {
    schema: 'mixprec-report/1',
    input: outcome.input,
    output: outcome.output,
    bytesBefore: outcome.bytesBefore,
    bytesAfter: outcome.bytesAfter,
    float: outcome.float ?? null,
    integers: outcome.integers ?? null,
  };
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(tmp, `${JSON.stringify(payload, null, 2)}\n`);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CliError(`--report: cannot write ${target}: ${(e as Error).message}`);
  }
}

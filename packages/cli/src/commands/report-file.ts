import fs from 'node:fs';
import path from 'node:path';
import { renderHtmlReport } from '@mixprec/amp';
import type { Model } from '@mixprec/ir';
import { CliError } from '../errors.js';
import type { ConvertOutcome } from './convert.js';

/** The file a report goes to: with several models the output's base name is added (`report.json` → `report.a.json`). */
export function reportTarget(file: string, batchOutput: string | undefined): string {
  if (batchOutput === undefined) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${path.basename(batchOutput).replace(/\.onnx$/i, '')}${ext}`;
}

/** Writes text atomically: a temporary file next to the target, then a rename. */
export function writeFileAtomic(target: string, text: string, flag: string): void {
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CliError(`${flag}: cannot write ${target}: ${(e as Error).message}`);
  }
}

/** The JSON report (schema `mixprec-report/1`, documented in docs/report-schema.md). */
export function reportJson(outcome: ConvertOutcome): string {
  const payload = {
    schema: 'mixprec-report/1',
    input: outcome.input,
    output: outcome.output,
    bytesBefore: outcome.bytesBefore,
    bytesAfter: outcome.bytesAfter,
    float: outcome.float ?? null,
    integers: outcome.integers ?? null,
  };
  return `${JSON.stringify(payload, null, 2)}\n`;
}

/**
 * Writes the conversion report: `.json` (the stable schema) or `.html` (one self-contained page:
 * the converted graph coloured green/gray/red with the inserted Casts, and the report's tables).
 * `model` is the converted model (the graph the page draws).
 */
export function writeReport(file: string, batchOutput: string | undefined, outcome: ConvertOutcome, model: Model): void {
  const target = reportTarget(file, batchOutput);
  if (/\.html$/i.test(target)) {
    if (outcome.float === undefined) {
      throw new CliError(`--report ${file}: the HTML report draws the float conversion, which --no-float skipped; use a .json report`);
    }
    const html = renderHtmlReport({
      report: outcome.float,
      model,
      source: { input: outcome.input, output: outcome.output, bytesBefore: outcome.bytesBefore, bytesAfter: outcome.bytesAfter },
    });
    writeFileAtomic(target, html, '--report');
    return;
  }
  writeFileAtomic(target, reportJson(outcome), '--report');
}

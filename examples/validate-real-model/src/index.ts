/**
 * Example: convert PaddleOCR's text recogniser to FP16, validate it against FP32 (it still reads
 * the same text; probabilities within tolerance; divergence localised), write the HTML report.
 */
export { renderTextLine, type TextLineOptions } from './text-line.js';
export { ctcDecode, loadDictionary } from './ctc.js';
export { validateRecognizer, type Reading, type ValidateOptions, type ValidationOutcome } from './validate.js';

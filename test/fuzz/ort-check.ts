/**
 * The optional onnxruntime judge of the fuzzer (`npm run fuzz -- --ort`): when onnxruntime-node
 * loads a case's input, it must also load the converted output. A converter that turns a model
 * the runtime accepts into one it rejects has misread the input (a parser differential) or
 * mishandled it. Opt-in, because it also reports onnxruntime's own quirks on hostile files.
 */
import type * as Ort from 'onnxruntime-node';

let ort: typeof Ort | undefined;

/** Undefined when the contract holds (or the input does not load either), else onnxruntime's complaint. */
export async function ortRegression(input: string, output: string): Promise<string | undefined> {
  ort ??= await import('onnxruntime-node');
  const options: Ort.InferenceSession.SessionOptions = { logSeverityLevel: 4, intraOpNumThreads: 1 };
  try {
    await (await ort.InferenceSession.create(input, options)).release();
  } catch {
    return undefined; // the runtime rejects the input too: nothing to compare
  }
  try {
    await (await ort.InferenceSession.create(output, options)).release();
    return undefined;
  } catch (e) {
    return `onnxruntime loads the input but not the converted model: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 240)}`;
  }
}

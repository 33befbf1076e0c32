/**
 * @mixprec/onnx: ONNX protobuf ⇄ mixprec IR. Lossless loading (every field kept, in IR fields
 * or `extras`), safe external data, and a streaming, atomic saver.
 */
export { formatLoadError, formatSaveError, type LoadError, type SaveError } from './errors.js';
export {
  AUTO_EAGER_LIMIT, AUTO_LAZY_FILE_BYTES, LAZY_TENSOR_BYTES, decodeModel, loadModel, loadTensor,
  type DecodeOptions, type ExternalDataMode, type InlineDataMode, type LoadOptions,
} from './load.js';
export {
  PROTOBUF_LIMIT, encodeModel, saveModel,
  type EncodeOptions, type ExternalDataOptions, type SaveInfo, type SaveOptions,
} from './save.js';
export { encodeTensor } from './tensor-file.js';
export { EXTRAS, type ExtrasKey } from './extras.js';

/**
 * @mixprec/ir: the graph IR of mixprec. Model, Graph, Node, Value, Tensor, data types,
 * exact 16-bit float conversions, name authority, traversal and building helpers.
 * This package has no runtime dependencies.
 */
export {
  DataType, bitWidth, dataTypeName, dataTypeText, integerRange, isFloatType, isIntegerType,
  isKnownDataType, isLowPrecisionFloat, isSignedInteger, isStandardFloat, parseDataType,
  type LowPrecisionFloat,
} from './data-type.js';
export {
  BFLOAT16_MAX, FLOAT16_MAX, FLOAT16_MIN_NORMAL, FLOAT16_MIN_SUBNORMAL,
  bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBFloat16Bits, float32ToFloat16Bits,
  fromBFloat16Bits, fromFloat16Bits, roundToBFloat16, roundToFloat16, toBFloat16Bits, toFloat16Bits,
} from './float16.js';
export { forEachFloat32Chunk, narrowFloat32Reference, type NarrowCounts, type NarrowOptions } from './narrow.js';
export { Narrower } from './narrower.js';
export { censusFloat32, narrowFloat32, narrowFloat32Chunks } from './narrow-float32.js';
export { censusFloat32Reference, type Float32Census } from './float32-census.js';
export * as wasm from './wasm-encoding.js';
export {
  Tensor, decodeRawBytes, elementCount, storageArrayType, storageLength,
  type ExternalLocation, type TensorData, type TensorMeta, type TensorSource,
} from './tensor.js';
export {
  floatTensor, int32Tensor, int64Tensor, isNumericTensorType, tensorFromNumbers, tensorToFloat32,
  tensorToFloat64, tensorToNumbers,
} from './tensor-values.js';
export type { SparseTensor } from './sparse-tensor.js';
export {
  elementDType, shapesEqual, tensorType, typesEqual, withElementDType,
  type Dim, type MapType, type OpaqueType, type OptionalType, type SequenceType, type SparseTensorType,
  type TensorType, type ValueType,
} from './value-type.js';
export { attr, attrGraphs, fromBigInt, toNumber, type Attr, type AttrInt, type AttrType } from './attr.js';
export { Use, Value } from './value.js';
export { Node, type NodeInit } from './node.js';
export { Graph, type ValueInfo } from './graph.js';
export { NameAuthority } from './name-authority.js';
export { FunctionDef, Model } from './model.js';
export { GraphCycleError, implicitInputs, topologicalOrder } from './topo-sort.js';
export { deadNodes, type DeadNodes } from './liveness.js';
export { MinHeap } from './min-heap.js';
export {
  countNodes, graphValues, subgraphDepth, valuesByName, walkGraphs, walkNodes, type WalkOptions,
} from './walk.js';
export { GraphBuilder, type OpOptions } from './builder.js';
export { InvariantError, PreconditionError, invariant, precondition } from './errors.js';
export { err, ok, type Diagnostic, type Result } from './diagnostic.js';
export {
  ONNX_DOMAINS, getOpSchema, knownOps, maxKnownOpset, normalizeDomain, opSchemaHistory, opSchemaSources,
  opVersions, type AttributeSchema, type FormalParam, type KnownOp, type OpSchema,
} from './schema/op-schema.js';
export {
  allowedInputTypes, allowedOutputTypes, formalInputIndex, formalOutputIndex, inputAdmits, inputParam,
  inputTypeParam, inputsSharingTypeParam, opSupportsType, outputAdmits, outputParam, outputTypeParam,
  outputsSharingTypeParam, typeParamBinding, typeParamGroups, type TypeGroup, type TypeParamBinding,
} from './schema/type-constraints.js';
export { canonicalTypeString, dataTypeOfTypeString, parseTypeString, typeStringOf } from './schema/type-string.js';
export { printGraph, printModel, printNode, type PrintOptions } from './printer.js';
export { parseGraph, parseModel, type ParseOptions } from './parser.js';
export { formatParseError, type ParseError } from './parser-base.js';
export { formatDiagnostics, verify, type VerifyOptions } from './verifier.js';
export { cloneGraph, cloneModel, type CloneGraphOptions } from './clone.js';
export { structuralHash, type HashOptions } from './structural-hash.js';

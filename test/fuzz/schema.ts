/**
 * The ONNX message layout the wire mutators need: field numbers, which length-delimited fields
 * are sub-messages (and of which type), which are strings, bytes or packed scalars. Taken from
 * `packages/onnx/schema/onnx.proto` (the fields the loader reads; unknown numbers are leaves).
 */

/** `msg:<Type>`, a string, bytes, a scalar (varint/fixed) or a repeated scalar (packed or not). */
export type FieldKind =
  | `msg:${string}` | 'string' | 'bytes'
  | 'int' | 'float' | 'double'
  | 'ints' | 'floats' | 'doubles';

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
}

type Table = Readonly<Record<number, FieldSpec>>;

const f = (name: string, kind: FieldKind): FieldSpec => Object.freeze({ name, kind });

const ENTRY: Table = { 1: f('key', 'string'), 2: f('value', 'string') };
const SHAPE: Table = { 1: f('dim', 'msg:Dimension') };
const TENSOR_TYPE: Table = { 1: f('elem_type', 'int'), 2: f('shape', 'msg:TensorShapeProto') };

/** Message type → field number → spec. */
export const SCHEMA: Readonly<Record<string, Table>> = Object.freeze({
  ModelProto: {
    1: f('ir_version', 'int'), 8: f('opset_import', 'msg:OperatorSetIdProto'), 2: f('producer_name', 'string'),
    3: f('producer_version', 'string'), 4: f('domain', 'string'), 5: f('model_version', 'int'), 6: f('doc_string', 'string'),
    7: f('graph', 'msg:GraphProto'), 14: f('metadata_props', 'msg:StringStringEntryProto'),
    20: f('training_info', 'msg:TrainingInfoProto'), 25: f('functions', 'msg:FunctionProto'),
  },
  OperatorSetIdProto: { 1: f('domain', 'string'), 2: f('version', 'int') },
  StringStringEntryProto: ENTRY,
  TrainingInfoProto: {
    1: f('initialization', 'msg:GraphProto'), 2: f('algorithm', 'msg:GraphProto'),
    3: f('initialization_binding', 'msg:StringStringEntryProto'), 4: f('update_binding', 'msg:StringStringEntryProto'),
  },
  GraphProto: {
    1: f('node', 'msg:NodeProto'), 2: f('name', 'string'), 5: f('initializer', 'msg:TensorProto'),
    15: f('sparse_initializer', 'msg:SparseTensorProto'), 10: f('doc_string', 'string'), 11: f('input', 'msg:ValueInfoProto'),
    12: f('output', 'msg:ValueInfoProto'), 13: f('value_info', 'msg:ValueInfoProto'),
    14: f('quantization_annotation', 'msg:TensorAnnotation'), 16: f('metadata_props', 'msg:StringStringEntryProto'),
  },
  TensorAnnotation: { 1: f('tensor_name', 'string'), 2: f('quant_parameter_tensor_names', 'msg:StringStringEntryProto') },
  NodeProto: {
    1: f('input', 'string'), 2: f('output', 'string'), 3: f('name', 'string'), 4: f('op_type', 'string'),
    7: f('domain', 'string'), 8: f('overload', 'string'), 5: f('attribute', 'msg:AttributeProto'), 6: f('doc_string', 'string'),
    9: f('metadata_props', 'msg:StringStringEntryProto'),
  },
  AttributeProto: {
    1: f('name', 'string'), 21: f('ref_attr_name', 'string'), 13: f('doc_string', 'string'), 20: f('type', 'int'),
    2: f('f', 'float'), 3: f('i', 'int'), 4: f('s', 'bytes'), 5: f('t', 'msg:TensorProto'), 6: f('g', 'msg:GraphProto'),
    22: f('sparse_tensor', 'msg:SparseTensorProto'), 14: f('tp', 'msg:TypeProto'), 7: f('floats', 'floats'), 8: f('ints', 'ints'),
    9: f('strings', 'bytes'), 10: f('tensors', 'msg:TensorProto'), 11: f('graphs', 'msg:GraphProto'),
    23: f('sparse_tensors', 'msg:SparseTensorProto'), 15: f('type_protos', 'msg:TypeProto'),
  },
  ValueInfoProto: {
    1: f('name', 'string'), 2: f('type', 'msg:TypeProto'), 3: f('doc_string', 'string'), 4: f('metadata_props', 'msg:StringStringEntryProto'),
  },
  TensorProto: {
    1: f('dims', 'ints'), 2: f('data_type', 'int'), 3: f('segment', 'msg:Segment'), 4: f('float_data', 'floats'),
    5: f('int32_data', 'ints'), 6: f('string_data', 'bytes'), 7: f('int64_data', 'ints'), 8: f('name', 'string'),
    12: f('doc_string', 'string'), 9: f('raw_data', 'bytes'), 13: f('external_data', 'msg:StringStringEntryProto'),
    14: f('data_location', 'int'), 10: f('double_data', 'doubles'), 11: f('uint64_data', 'ints'),
    16: f('metadata_props', 'msg:StringStringEntryProto'),
  },
  Segment: { 1: f('begin', 'int'), 2: f('end', 'int') },
  SparseTensorProto: { 1: f('values', 'msg:TensorProto'), 2: f('indices', 'msg:TensorProto'), 3: f('dims', 'ints') },
  TensorShapeProto: SHAPE,
  Dimension: { 1: f('dim_value', 'int'), 2: f('dim_param', 'string'), 3: f('denotation', 'string') },
  TypeProto: {
    1: f('tensor_type', 'msg:TypeTensor'), 4: f('sequence_type', 'msg:TypeSequence'), 5: f('map_type', 'msg:TypeMap'),
    9: f('optional_type', 'msg:TypeSequence'), 8: f('sparse_tensor_type', 'msg:TypeTensor'), 7: f('opaque_type', 'msg:TypeOpaque'),
    6: f('denotation', 'string'),
  },
  TypeTensor: TENSOR_TYPE,
  TypeSequence: { 1: f('elem_type', 'msg:TypeProto') },
  TypeMap: { 1: f('key_type', 'int'), 2: f('value_type', 'msg:TypeProto') },
  TypeOpaque: { 1: f('domain', 'string'), 2: f('name', 'string') },
  FunctionProto: {
    1: f('name', 'string'), 4: f('input', 'string'), 5: f('output', 'string'), 6: f('attribute', 'string'),
    11: f('attribute_proto', 'msg:AttributeProto'), 7: f('node', 'msg:NodeProto'), 8: f('doc_string', 'string'),
    9: f('opset_import', 'msg:OperatorSetIdProto'), 10: f('domain', 'string'), 13: f('overload', 'string'),
    12: f('value_info', 'msg:ValueInfoProto'), 14: f('metadata_props', 'msg:StringStringEntryProto'),
  },
});

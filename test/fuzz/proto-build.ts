/**
 * Small builders for hand-made (often malformed) ModelProtos, encoded with the independent
 * onnx-proto encoder — the IR cannot even hold most of these models, which is the point.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type IModel = onnxProto.onnx.IModelProto;
export type IGraph = onnxProto.onnx.IGraphProto;
export type INode = onnxProto.onnx.INodeProto;
export type ITensor = onnxProto.onnx.ITensorProto;
export type IValueInfo = onnxProto.onnx.IValueInfoProto;
export type IAttribute = onnxProto.onnx.IAttributeProto;

/** An int64 as protobufjs accepts it, exact for any 64-bit value (negative ones included). */
export function i64(v: bigint | number): number {
  const b = BigInt.asUintN(64, BigInt(v));
  if (b <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(b);
  return { low: Number(b & 0xffffffffn) | 0, high: Number(b >> 32n) | 0 } as unknown as number;
}

export const FLOAT = 1;
export const INT64 = 7;
export const BOOL = 9;
export const FLOAT16 = 10;
export const BFLOAT16 = 16;

/** `name: tensor(elem)[dims]` (dims: numbers/bigints are dim_value, strings dim_param, null unknown). */
export function vi(name: string, elem = FLOAT, dims?: readonly (number | bigint | string | null)[]): IValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType: elem,
        ...(dims === undefined ? {} : {
          shape: { dim: dims.map((d) => (d === null ? {} : typeof d === 'string' ? { dimParam: d } : { dimValue: i64(d) })) },
        }),
      },
    },
  };
}

export function node(opType: string, input: readonly string[], output: readonly string[], extra: Partial<INode> = {}): INode {
  return { opType, input: [...input], output: [...output], ...extra };
}

export function graphAttr(name: string, g: IGraph): IAttribute {
  return { name, type: 5, g };
}

export function intAttr(name: string, i: bigint | number): IAttribute {
  return { name, type: 2, i: i64(i) };
}

/** A FLOAT tensor with raw little-endian data. */
export function floatTensor(name: string, dims: readonly number[], values: readonly number[]): ITensor {
  return { name, dims: dims.map(i64), dataType: FLOAT, rawData: new Uint8Array(new Float32Array(values).buffer) };
}

/** A model around `graph` with opset 17 (override with `extra`). */
export function model(graph: IGraph, extra: Partial<IModel> = {}): IModel {
  return { irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'mixprec-fuzz', graph, ...extra };
}

/** Encodes a ModelProto object. */
export function encode(m: IModel): Uint8Array {
  return onnx.ModelProto.encode(m).finish();
}

/** A minimal valid graph: Y = Relu(X + W). */
export function baseGraph(n = 4): IGraph {
  return {
    name: 'g',
    node: [node('Add', ['X', 'W'], ['s'], { name: 'add' }), node('Relu', ['s'], ['Y'], { name: 'relu' })],
    initializer: [floatTensor('W', [n], Array.from({ length: n }, (_, i) => i / 2))],
    input: [vi('X', FLOAT, [n])],
    output: [vi('Y', FLOAT, [n])],
  };
}

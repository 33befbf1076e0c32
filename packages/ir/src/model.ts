import type { Attr, AttrInt } from './attr.js';
import { Graph } from './graph.js';

/**
 * An ONNX function (`FunctionProto`): a named graph of nodes used like an operator.
 * The body's inputs and outputs are values named as the function's formal parameters.
 */
export class FunctionDef {
  domain: string;
  name: string;
  overload = '';
  /** The body; its inputs/outputs are the formal parameters (types usually unknown). */
  readonly graph: Graph;
  /** Attribute parameters without defaults. */
  attributeNames: string[] = [];
  /** Attribute parameters with default values (`attribute_proto`). */
  readonly attributeDefaults = new Map<string, Attr>();
  readonly opsetImports = new Map<string, number>();
  docString: string | undefined;
  readonly metadataProps = new Map<string, string>();
  /** Fields of the file format this IR does not model. */
  extras: Readonly<Record<string, unknown>> | undefined;

  constructor(domain: string, name: string, graph = new Graph(name)) {
    this.domain = domain;
    this.name = name;
    this.graph = graph;
  }
}

/** A whole model: the main graph, its opset imports and metadata, and local functions. */
export class Model {
  irVersion: number;
  /** Domain → version; the default ONNX domain is `''` (`ai.onnx` is normalised to it). */
  readonly opsetImports = new Map<string, number>();
  producerName = '';
  producerVersion = '';
  domain = '';
  modelVersion: AttrInt = 0;
  docString: string | undefined;
  /** `metadata_props`, in file order. */
  readonly metadataProps = new Map<string, string>();
  graph: Graph;
  readonly functions: FunctionDef[] = [];
  /** `training_info` entries, kept opaque by the ONNX loader and written back as they were. */
  trainingInfo: readonly unknown[] = [];
  /** Fields of the file format this IR does not model (e.g. `configuration`). */
  extras: Readonly<Record<string, unknown>> | undefined;

  constructor(graph: Graph = new Graph('main'), options: { irVersion?: number; opsetImports?: Iterable<readonly [string, number]> } = {}) {
    this.graph = graph;
    this.irVersion = options.irVersion ?? 10;
    for (const [d, v] of options.opsetImports ?? [['', 17]]) this.opsetImports.set(d === 'ai.onnx' ? '' : d, v);
  }

  /** The imported opset version of `domain` (`''` = ONNX); undefined when not imported. */
  opset(domain = ''): number | undefined {
    return this.opsetImports.get(domain === 'ai.onnx' ? '' : domain);
  }

  /** The local function `domain.name` (with `overload`), if the model defines it. */
  findFunction(domain: string, name: string, overload = ''): FunctionDef | undefined {
    return this.functions.find((f) => f.domain === domain && f.name === name && f.overload === overload);
  }
}

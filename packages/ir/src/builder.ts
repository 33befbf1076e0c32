import type { Attr } from './attr.js';
import type { DataType } from './data-type.js';
import { Graph } from './graph.js';
import { Model } from './model.js';
import { Node } from './node.js';
import type { Tensor } from './tensor.js';
import { Value } from './value.js';
import { tensorType, type Dim, type ValueType } from './value-type.js';

/** Options of {@link GraphBuilder.op}. */
export interface OpOptions {
  readonly domain?: string;
  /** Node name; default: a fresh name from the op type. */
  readonly name?: string;
  readonly attrs?: Readonly<Record<string, Attr>>;
  /** Number of outputs (default 1) or their names (`''` = omitted optional output). */
  readonly outputs?: number | readonly string[];
  /** Types to set on the outputs, in order. */
  readonly types?: readonly (ValueType | undefined)[];
}

/**
 * Builds graphs in code (tests, examples, benchmark generators). Every name comes from the
 * graph's name authority, so generated names never collide.
 *
 * ```ts
 * const b = new GraphBuilder();
 * const x = b.input('X', DataType.FLOAT, ['N', 4]);
 * const w = b.initializer('W', floatTensor([4, 2], [...]));
 * b.output(b.op1('MatMul', [x, w]), 'Y');
 * const model = b.model({ opset: 17 });
 * ```
 */
export class GraphBuilder {
  readonly graph: Graph;

  constructor(graph: Graph = new Graph('main')) {
    this.graph = graph;
  }

  /** Adds a graph input. */
  input(name: string, dtype: DataType, shape?: readonly Dim[]): Value {
    const v = new Value(this.graph.names.freshValueName(name), tensorType(dtype, shape));
    this.graph.addInput(v);
    return v;
  }

  /** Adds an initializer holding `t`. */
  initializer(name: string, t: Tensor): Value {
    const v = new Value(this.graph.names.freshValueName(name), tensorType(t.dtype, t.dims), t);
    this.graph.addInitializer(v);
    return v;
  }

  /** Appends a node and returns its outputs. */
  op(opType: string, inputs: readonly (Value | undefined)[], options: OpOptions = {}): Value[] {
    const names = this.graph.names;
    const outs = options.outputs ?? 1;
    const outputNames = typeof outs === 'number'
      ? Array.from({ length: outs }, (_, i) => names.freshValueName(`${opType.toLowerCase()}_${i === 0 ? 'out' : `out${i}`}`))
      : outs.map((s) => (s === '' ? '' : names.freshValueName(s)));
    const node = new Node({
      opType,
      domain: options.domain ?? '',
      name: names.freshNodeName(options.name ?? opType),
      inputs,
      outputs: outputNames,
      attributes: options.attrs ?? {},
    });
    node.outputs.forEach((o, i) => {
      o.type = options.types?.[i];
    });
    this.graph.append(node);
    return [...node.outputs];
  }

  /** Appends a single-output node and returns its output. */
  op1(opType: string, inputs: readonly (Value | undefined)[], options: Omit<OpOptions, 'outputs'> & { output?: string; type?: ValueType } = {}): Value {
    const { output, type, ...rest } = options;
    return this.op(opType, inputs, { ...rest, outputs: [output ?? `${opType.toLowerCase()}_out`], types: type === undefined ? undefined : [type] })[0]!;
  }

  /** Marks `v` as a graph output, renaming it to `name` when given. */
  output(v: Value, name?: string): Value {
    if (name !== undefined && name !== v.name) v.name = this.graph.names.freshValueName(name);
    this.graph.addOutput(v);
    return v;
  }

  /** A model around this graph. */
  model(options: { opset?: number; irVersion?: number; opsets?: Readonly<Record<string, number>> } = {}): Model {
    const imports: [string, number][] = [['', options.opset ?? 17]];
    for (const [d, v] of Object.entries(options.opsets ?? {})) imports.push([d, v]);
    return new Model(this.graph, { irVersion: options.irVersion ?? 8, opsetImports: imports });
  }
}

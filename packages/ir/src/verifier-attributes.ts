/** Schema checks of node attributes for the verifier: required attributes present, types as declared. */
import type { Node } from './node.js';
import { getOpSchema, maxKnownOpset, type AttributeSchema, type OpSchema } from './schema/op-schema.js';
import type { GraphInfo, Tree } from './verifier-context.js';

/**
 * Checks the attributes of an ai.onnx node against its schema at the imported opset (`opset`
 * undefined: the domain is not imported, reported elsewhere):
 * - `missing-required-attribute`: a required attribute (If `then_branch`, Cast `to`, …) is
 *   absent — onnxruntime refuses such a model when it loads it;
 * - `attribute-type-mismatch`: an attribute the schema knows has another type than the schema's
 *   (e.g. Conv `group` as a FLOAT), which onnxruntime refuses too.
 * Attributes bound to a function's attributes (`refAttrName`) count as present and are not
 * typed here. Skipped: other domains, ops the table does not know at that opset, opsets newer
 * than the table, attributes of undefined type (IR 1 files), and Constant — onnxruntime turns
 * Constant nodes into initializers before any check, reading their first attribute whatever
 * its name, so a misnamed value attribute loads there (the conversion leaves such a node's dtype
 * unknown and does not touch it).
 */
export function checkAttributes(t: Tree, info: GraphInfo, n: Node, opset: number | undefined, memo: SchemaMemo = new SchemaMemo()): void {
  if (opset === undefined || (n.domain !== '' && n.domain !== 'ai.onnx') || n.opType === 'Constant') return;
  const entry = memo.get(n.opType, opset);
  if (entry === undefined) return;
  const { schema, required } = entry;
  const attrs = n.attributes;
  if (required.length === 0 && attrs.size === 0) return;
  const version = `${n.opType}-${schema.sinceVersion}`;
  for (const s of required) {
    // Cast without `to` is reported as `cast-missing-to` (with Cast's other checks).
    if (!attrs.has(s.name) && !(n.opType === 'Cast' && s.name === 'to')) {
      t.report('missing-required-attribute', `Node ${t.label(n)} in graph '${info.path}' lacks the attribute '${s.name}' (${s.type}), which ${version} requires; add it`, { graph: info, node: n });
    }
  }
  for (const [name, a] of attrs) {
    if (a.refAttrName !== undefined || a.type === 'UNDEFINED') continue;
    const s = schema.attributes.get(name);
    if (s !== undefined && s.type !== a.type) {
      t.report('attribute-type-mismatch', `Node ${t.label(n)} in graph '${info.path}' has attribute '${name}' of type ${a.type}, but ${version} declares it ${s.type}; fix its type`, { graph: info, node: n });
    }
  }
}

/** An ai.onnx schema and its required attributes (in schema order). */
interface SchemaEntry {
  readonly schema: OpSchema;
  readonly required: readonly AttributeSchema[];
}

/**
 * The ai.onnx schemas of one verify run by op type and opset (undefined: not checked: opsets
 * newer than the table, ops it does not know), looked up once per op type.
 */
export class SchemaMemo {
  readonly #byOp = new Map<string, SchemaEntry | null>();
  #opset: number | undefined;

  get(opType: string, opset: number): SchemaEntry | undefined {
    if (opset !== this.#opset) {
      this.#byOp.clear();
      this.#opset = opset;
    }
    let e = this.#byOp.get(opType);
    if (e === undefined) {
      const schema = opset > (maxKnownOpset('') ?? 0) ? undefined : getOpSchema('', opType, opset);
      e = schema === undefined ? null : { schema, required: [...schema.attributes.values()].filter((s) => s.required) };
      this.#byOp.set(opType, e);
    }
    return e ?? undefined;
  }
}

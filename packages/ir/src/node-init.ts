import type { Attr } from './attr.js';
import type { Value } from './value.js';

/** What a node is made from; see {@link Node}. */
export interface NodeInit {
  readonly opType: string;
  /** `''` (the default) is the ONNX domain; `ai.onnx` is normalised to `''`. */
  readonly domain?: string;
  readonly name?: string;
  readonly overload?: string;
  /** `undefined` marks an omitted optional input. */
  readonly inputs?: readonly (Value | undefined)[];
  /** Output values (fresh, without producer) or their names (`''` = omitted optional output). */
  readonly outputs?: readonly (Value | string)[];
  readonly attributes?: Iterable<readonly [string, Attr]> | Readonly<Record<string, Attr>>;
  readonly docString?: string;
  readonly metadataProps?: Iterable<readonly [string, string]>;
}

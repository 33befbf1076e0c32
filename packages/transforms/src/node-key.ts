import type { Attr, Node } from '@mixprec/ir';
import { sparseDigest, sparseEqual, tensorDigest, tensorsEqual } from './tensor-key.js';

const hexOf = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function numKey(v: number | bigint): string {
  if (typeof v === 'bigint') return `${v}n`;
  return Object.is(v, -0) ? '-0' : String(v);
}

function strKey(s: string | Uint8Array): string {
  return typeof s === 'string' ? JSON.stringify(s) : `b:${hexOf(s)}`;
}

/**
 * A hash key of one attribute; undefined for graph-valued or lazily loaded tensor attributes
 * (nodes holding them are not compared). Tensor values enter as digests: confirm matches with
 * {@link attrsEqual}.
 */
export function attrKey(a: Attr): string | undefined {
  const ref = a.refAttrName === undefined ? '' : `@${a.refAttrName}`;
  switch (a.type) {
    case 'FLOAT': case 'INT': return `${a.type}${ref}:${numKey(a.value)}`;
    case 'STRING': return `S${ref}:${strKey(a.value)}`;
    case 'FLOATS': case 'INTS': return `${a.type}${ref}:[${a.value.map(numKey).join(',')}]`;
    case 'STRINGS': return `SS${ref}:[${a.value.map(strKey).join(',')}]`;
    case 'TENSOR': return a.value.isLazy ? undefined : `T${ref}:${tensorDigest(a.value)}`;
    case 'TENSORS': return a.value.some((x) => x.isLazy) ? undefined : `TS${ref}:[${a.value.map(tensorDigest).join(',')}]`;
    case 'SPARSE_TENSOR': return `SP${ref}:${sparseDigest(a.value)}`;
    case 'SPARSE_TENSORS': return `SPS${ref}:[${a.value.map(sparseDigest).join(',')}]`;
    case 'TYPE_PROTO': return `TP${ref}:${JSON.stringify(a.value)}`;
    case 'TYPE_PROTOS': return `TPS${ref}:${JSON.stringify(a.value)}`;
    case 'UNDEFINED': return `U${ref}`;
    case 'GRAPH': case 'GRAPHS': return undefined;
  }
}

/** The attributes of a node as one key (sorted by name); undefined if any attribute has none. */
export function attrsKey(node: Node): string | undefined {
  if (node.attributes.size === 0) return '';
  const names = [...node.attributes.keys()].sort();
  const parts: string[] = [];
  for (const name of names) {
    const k = attrKey(node.attributes.get(name)!);
    if (k === undefined) return undefined;
    parts.push(`${JSON.stringify(name)}=${k}`);
  }
  return parts.join(';');
}

/** Exact equality of two nodes' attributes (tensors compared byte by byte). */
export function attrsEqual(a: Node, b: Node): boolean {
  if (a.attributes.size !== b.attributes.size) return false;
  for (const [name, x] of a.attributes) {
    const y = b.attributes.get(name);
    if (y === undefined || y.type !== x.type || y.refAttrName !== x.refAttrName) return false;
    switch (x.type) {
      case 'TENSOR': if (!tensorsEqual(x.value, y.value as typeof x.value)) return false; break;
      case 'TENSORS': {
        const yv = y.value as typeof x.value;
        if (yv.length !== x.value.length || x.value.some((tt, i) => !tensorsEqual(tt, yv[i]!))) return false;
        break;
      }
      case 'SPARSE_TENSOR': if (!sparseEqual(x.value, y.value as typeof x.value)) return false; break;
      case 'SPARSE_TENSORS': {
        const yv = y.value as typeof x.value;
        if (yv.length !== x.value.length || x.value.some((s, i) => !sparseEqual(s, yv[i]!))) return false;
        break;
      }
      default:
        // Every other kind has an exact key.
        if (attrKey(x) !== attrKey(y)) return false;
    }
  }
  return true;
}

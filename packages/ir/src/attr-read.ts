import { toNumber, type Attr } from './attr.js';

// Typed reads of one attribute (`Node.getInt` and friends): the value when the attribute has
// the asked type, else the fallback (or undefined).

export function readInt(a: Attr | undefined, fallback?: number): number | undefined {
  return a?.type === 'INT' ? toNumber(a.value) : fallback;
}

/** FLOAT, or an INT read as a number. */
export function readFloat(a: Attr | undefined, fallback?: number): number | undefined {
  return a?.type === 'FLOAT' ? a.value : a?.type === 'INT' ? toNumber(a.value) : fallback;
}

/** STRING, decoded from UTF-8 when stored as bytes. */
export function readString(a: Attr | undefined, fallback?: string): string | undefined {
  if (a?.type !== 'STRING') return fallback;
  return typeof a.value === 'string' ? a.value : new TextDecoder().decode(a.value);
}

export function readInts(a: Attr | undefined): number[] | undefined {
  return a?.type === 'INTS' ? a.value.map(toNumber) : undefined;
}

export function readStrings(a: Attr | undefined): string[] | undefined {
  if (a?.type !== 'STRINGS') return undefined;
  return a.value.map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s)));
}

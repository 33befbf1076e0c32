import type { IStringStringEntryProto } from './proto.js';

/** `metadata_props` as entries (later duplicates win, as in a map). */
export function entriesFromProto(list: readonly IStringStringEntryProto[] | null | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (const e of list ?? []) out.push([e.key ?? '', e.value ?? '']);
  return out;
}

/** Entries as `StringStringEntryProto`s (both fields always written, as reference writers do). */
export function entriesToProto(entries: Iterable<readonly [string, string]> | undefined): IStringStringEntryProto[] {
  const out: IStringStringEntryProto[] = [];
  for (const [key, value] of entries ?? []) out.push({ key, value });
  return out;
}

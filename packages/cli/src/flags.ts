/** Helpers for repeatable and list-valued command-line flags. */

/** commander's accumulator for a repeatable flag: every occurrence appended. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Splits repeated and comma-separated flag values: `--disable a,b --disable c` → [a, b, c]. */
export function listFlag(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

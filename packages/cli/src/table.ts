/** Formats rows as left-aligned columns (the first row is the header, underlined). */
export function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  if (rows.length === 0) return [];
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  const line = (r: readonly string[]): string => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(rows[0]!), indent + widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return out;
}

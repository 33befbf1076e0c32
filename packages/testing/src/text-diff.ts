/**
 * A unified-style line diff for golden mismatches: `-` expected, `+` actual, with `context`
 * unchanged lines around each change. LCS on lines, cut to `maxLines` output lines.
 */
export function lineDiff(expected: string, actual: string, options: { readonly context?: number; readonly maxLines?: number } = {}): string {
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 80;
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Trim the common prefix and suffix first: golden diffs are usually small.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const ops: { op: ' ' | '-' | '+'; line: string; aLine: number }[] = [];
  for (let i = 0; i < pre; i++) ops.push({ op: ' ', line: a[i]!, aLine: i + 1 });
  if (am.length * bm.length > 4_000_000) {
    for (let i = 0; i < am.length; i++) ops.push({ op: '-', line: am[i]!, aLine: pre + i + 1 });
    for (const l of bm) ops.push({ op: '+', line: l, aLine: pre + am.length });
  } else {
    // LCS table over the middle part.
    const n = am.length;
    const m = bm.length;
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = am[i] === bm[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        ops.push({ op: ' ', line: am[i]!, aLine: pre + i + 1 });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
        // Deletions before insertions, as diff tools show them.
        ops.push({ op: '-', line: am[i]!, aLine: pre + i + 1 });
        i++;
      } else {
        ops.push({ op: '+', line: bm[j]!, aLine: pre + i });
        j++;
      }
    }
  }
  for (let i = a.length - suf; i < a.length; i++) ops.push({ op: ' ', line: a[i]!, aLine: i + 1 });
  const keep = new Uint8Array(ops.length);
  ops.forEach((o, k) => {
    if (o.op === ' ') return;
    for (let d = Math.max(0, k - context); d <= Math.min(ops.length - 1, k + context); d++) keep[d] = 1;
  });
  const out: string[] = [];
  let gap = false;
  for (let k = 0; k < ops.length; k++) {
    if (keep[k] === 0) {
      gap = true;
      continue;
    }
    if (gap || out.length === 0) out.push(`@@ expected line ${ops[k]!.aLine} @@`);
    gap = false;
    out.push(`${ops[k]!.op} ${ops[k]!.line}`);
    if (out.length >= maxLines) {
      out.push(`… (diff cut at ${maxLines} lines)`);
      break;
    }
  }
  return out.join('\n');
}

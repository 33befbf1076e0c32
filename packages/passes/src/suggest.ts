/** Levenshtein distance, for "did you mean" suggestions (inputs are short names). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * `; did you mean 'x'? Valid <what>: a, b, c` for an unknown name, the closest candidate first
 * when it is close enough (distance at most a third of the name, at least 2).
 */
export function candidatesHint(name: string, candidates: Iterable<string>, what: string): string {
  const all = [...candidates].sort();
  if (all.length === 0) return `; there are no valid ${what}`;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of all) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const near = best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best}'?` : ';';
  return `${near} valid ${what}: ${all.join(', ')}`;
}

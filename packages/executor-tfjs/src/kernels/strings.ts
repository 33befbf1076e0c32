import { DataType } from '@mixprec/ir';
import type { KernelContext } from '../context.js';
import { makeTensor } from '../host.js';
import { family } from '../registry.js';
import { type RValue, TensorValue } from '../values.js';

/** String ops: StringNormalizer, TfIdfVectorizer (host). */

function stringNormalizer(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const s = x.strings ?? ctx.fail('input must be a STRING tensor');
  const action = ctx.str('case_change_action', 'NONE');
  const sensitive = ctx.int('is_case_sensitive', 0) !== 0;
  const stop = new Set((ctx.strs('stopwords') ?? []).map((w) => (sensitive ? w : w.toLowerCase())));
  const kept = s.filter((w) => !stop.has(sensitive ? w : w.toLowerCase()));
  const changed = kept.map((w) => (action === 'LOWER' ? w.toLowerCase() : action === 'UPPER' ? w.toUpperCase() : w));
  const vals = changed.length === 0 ? [''] : changed;
  return [TensorValue.ofStrings(x.rank === 2 ? [1, vals.length] : [vals.length], vals)];
}

function tfIdf(ctx: KernelContext): RValue[] {
  const x = ctx.tensor(0);
  const minN = ctx.int('min_gram_length') ?? ctx.fail('min_gram_length is required');
  const maxN = ctx.int('max_gram_length') ?? ctx.fail('max_gram_length is required');
  const maxSkip = ctx.int('max_skip_count', 0);
  const mode = ctx.str('mode', 'TF');
  const counts = ctx.ints('ngram_counts') ?? [];
  const indexes = ctx.ints('ngram_indexes') ?? [];
  const weights = ctx.floats('weights');
  const pool: string[] = (ctx.ints('pool_int64s')?.map(String)) ?? ctx.strs('pool_strings') ?? [];
  const tokens: readonly string[] = x.strings ?? (x.wide !== undefined ? Array.from(x.wide, (v) => v.toString()) : Array.from(x.tf!.dataSync() as Int32Array, (v) => String(v)));
  // n-gram key → output index
  const table = new Map<string, number>();
  let k = 0;
  for (let n = 1; n <= counts.length; n++) {
    const start = counts[n - 1]!;
    const end = n < counts.length ? counts[n]! : pool.length;
    for (let p = start; p + n <= end; p += n) table.set(`${n}|${pool.slice(p, p + n).join('\u0000')}`, indexes[k++]!);
  }
  const width = indexes.length === 0 ? 0 : Math.max(...indexes) + 1;
  const rows = x.rank === 2 ? x.shape[0]! : 1;
  const len = x.rank === 2 ? x.shape[1]! : x.shape[0]!;
  const res = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const row = tokens.slice(r * len, (r + 1) * len);
    for (let n = minN; n <= maxN; n++) {
      for (let skip = 0; skip <= (n === 1 ? 0 : maxSkip); skip++) {
        const stride = skip + 1;
        for (let i = 0; i + (n - 1) * stride < row.length; i++) {
          const gram: string[] = [];
          for (let j = 0; j < n; j++) gram.push(row[i + j * stride]!);
          const o = table.get(`${n}|${gram.join('\u0000')}`);
          if (o !== undefined) res[r * width + o] = res[r * width + o]! + 1;
        }
      }
    }
  }
  for (let i = 0; i < res.length; i++) {
    const w = weights?.[i % width] ?? 1;
    if (mode === 'IDF') res[i] = res[i]! > 0 ? w : 0;
    else if (mode === 'TFIDF') res[i] = res[i]! * w;
  }
  return [makeTensor(DataType.FLOAT, x.rank === 2 ? [rows, width] : [width], res)];
}

export const STRINGS = family('', {
  StringNormalizer: stringNormalizer,
  TfIdfVectorizer: tfIdf,
});

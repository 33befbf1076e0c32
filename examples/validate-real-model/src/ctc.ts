import fs from 'node:fs';
import { tensorToFloat32, type Tensor } from '@mixprec/ir';

/** PaddleOCR's character list: index 0 is the CTC blank, then the dictionary's lines, then a space. */
export function loadDictionary(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ' '];
}

/** Greedy CTC decoding of [1, T, C] probabilities: best class per step, repeats merged, blanks dropped. */
export function ctcDecode(probs: Tensor, keys: readonly string[]): string {
  const [, T, C] = probs.dims;
  if (T === undefined || C === undefined || C !== keys.length) throw new Error(`ctcDecode: expected [1, T, ${keys.length}] probabilities, got [${probs.dims.join(', ')}]`);
  const p = tensorToFloat32(probs);
  let out = '';
  let prev = 0;
  for (let t = 0; t < T; t++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (p[t * C + c]! > p[t * C + best]!) best = c;
    if (best !== 0 && best !== prev) out += keys[best];
    prev = best;
  }
  return out;
}

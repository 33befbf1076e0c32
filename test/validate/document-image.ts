/**
 * A synthetic document page for PaddleOCR's text detector: a light page (245) with lines of
 * dark (20–60) stroke clusters shaped like handwriting-sized glyphs, 32 px line pitch, word
 * gaps; normalized as PaddleOCR does: (x/255 − mean) / std per RGB channel. Seeded.
 */
import { DataType, Tensor } from '@mixprec/ir';
import { mulberry32 } from '@mixprec/testing';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/** Gray page pixels (0–255), row-major h×w. */
export function documentPage(h: number, w: number, seed = 1): Float32Array {
  const rnd = mulberry32(seed);
  const img = new Float32Array(h * w).fill(245);
  for (let line = 20; line + 16 < h; line += 32) {
    let x = 16 + Math.floor(rnd() * 10);
    while (x < w - 30) {
      const glyph = 8 + Math.floor(rnd() * 8);
      for (let k = 0; k < 3; k++) {
        const y0 = line + Math.floor(rnd() * 14);
        const x0 = x + Math.floor(rnd() * glyph);
        const horizontal = rnd() < 0.5;
        const len = 4 + Math.floor(rnd() * 10);
        for (let t = 0; t < len; t++) {
          for (let th = 0; th < 2; th++) {
            const yy = horizontal ? y0 + th : y0 + t;
            const xx = horizontal ? x0 + t : x0 + th;
            if (yy < h && xx < w) img[yy * w + xx] = 20 + rnd() * 40;
          }
        }
      }
      x += glyph + 3 + (rnd() < 0.15 ? 12 : 0);
    }
  }
  return img;
}

/** The page as PaddleOCR det input: FLOAT [1, 3, h, w], normalized. */
export function documentInput(h: number, w: number, seed = 1): Tensor {
  const page = documentPage(h, w, seed);
  const out = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) out[c * h * w + i] = (page[i]! / 255 - MEAN[c]!) / STD[c]!;
  return Tensor.of(DataType.FLOAT, [1, 3, h, w], out);
}

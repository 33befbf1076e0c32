import { DataType, Tensor } from '@mixprec/ir';

/** A 5×7 bitmap font for digits and a few signs (no font files needed). */
const GLYPHS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  '0': ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11110', '00001', '00001', '01110', '00001', '00001', '11110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
});

/** Options of {@link renderTextLine}. */
export interface TextLineOptions {
  /** Image width (default 320; PaddleOCR rec takes any width, height 48). */
  readonly width?: number;
  /** Pixels per font pixel (default 4: 20×28-pixel characters). */
  readonly scale?: number;
}

/**
 * A printed text line as PaddleOCR's recogniser takes it: dark glyphs on white, 48 pixels high,
 * RGB, normalized to [-1, 1] (`(v / 255 − 0.5) / 0.5`), shape [1, 3, 48, width].
 */
export function renderTextLine(text: string, options: TextLineOptions = {}): Tensor {
  const H = 48;
  const W = options.width ?? 320;
  const S = options.scale ?? 4;
  const gray = new Float32Array(H * W).fill(255);
  let x0 = 12;
  for (const ch of text) {
    const g = GLYPHS[ch];
    if (g === undefined) throw new Error(`renderTextLine: no glyph for '${ch}' (digits, '-' and space only)`);
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 5; c++) {
        if (g[r]![c] !== '1') continue;
        for (let dy = 0; dy < S; dy++) for (let dx = 0; dx < S; dx++) {
          const x = x0 + c * S + dx;
          if (x < W) gray[(10 + r * S + dy) * W + x] = 20;
        }
      }
    }
    x0 += 6 * S;
  }
  const data = new Float32Array(3 * H * W);
  for (let ch = 0; ch < 3; ch++) for (let i = 0; i < H * W; i++) data[ch * H * W + i] = (gray[i]! / 255 - 0.5) / 0.5;
  return Tensor.of(DataType.FLOAT, [1, 3, H, W], data);
}

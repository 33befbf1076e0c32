import { expect } from 'chai';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { narrowModuleBytes } from '../src/narrow-kernels.js';
import { NARROW_MODULE_BASE64 } from '../src/narrow-module.js';

const MODULE_FILE = fileURLToPath(new URL('../src/narrow-module.ts', import.meta.url));

/** narrow-module.ts for the given base64 text. */
function moduleSource(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 100) lines.push(`  '${base64.slice(i, i + 100)}',`);
  const head = fs.readFileSync(MODULE_FILE, 'utf8').split('export const')[0]!;
  return `${head}export const NARROW_MODULE_BASE64 = [\n${lines.join('\n')}\n].join('');\n`;
}

describe('narrow kernels: the stored module', () => {
  it('is what the generator assembles (MIXPREC_UPDATE_NARROW_MODULE=1 rewrites it)', () => {
    const generated = Buffer.from(narrowModuleBytes()).toString('base64');
    if (process.env['MIXPREC_UPDATE_NARROW_MODULE'] === '1' && generated !== NARROW_MODULE_BASE64) {
      fs.writeFileSync(MODULE_FILE, moduleSource(generated));
      return;
    }
    expect(NARROW_MODULE_BASE64).to.equal(generated);
    expect(fs.readFileSync(MODULE_FILE, 'utf8')).to.equal(moduleSource(generated));
  });

  it('is a valid WebAssembly SIMD module exporting the eight narrowing variants and the census', () => {
    const bytes = narrowModuleBytes();
    expect(WebAssembly.validate(bytes)).to.equal(true);
    const names = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    expect(names).to.deep.equal(['f16', 'f16_tiny', 'f16_sat', 'f16_sat_tiny', 'bf16', 'bf16_tiny', 'bf16_sat', 'bf16_sat_tiny', 'census']);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's `chromium` (or `CHROMIUM_PATH`), found on PATH; undefined when not installed. */
export function findChromium(): string | undefined {
  const env = process.env['CHROMIUM_PATH'];
  if (env !== undefined && env !== '') return fs.existsSync(env) ? env : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const f = path.join(dir, name);
      try {
        fs.accessSync(f, fs.constants.X_OK);
        return f;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Flags for a quiet, offline, sandbox-free headless run (containers have no user namespaces). */
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(executablePath: string, viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mixprec-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: FLAGS, viewport, timeout: 60000,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Problems a page reports while it loads and runs: console errors, uncaught errors, network requests. */
export interface PageProblems {
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens a file in a new page, recording every console error, page error and non-file request. */
export async function openPage(b: Browser, file: string): Promise<{ page: Page; problems: PageProblems }> {
  const page = await b.context.newPage();
  const problems: PageProblems = { errors: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.errors.push(`console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.errors.push(`request failed: ${r.url()}`));
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.requests.push(r.url()); });
  await page.goto(`file://${path.resolve(file)}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { page, problems };
}

/** Width and height of a PNG file (from its IHDR chunk). */
export function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  if (b.length < 24 || b.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

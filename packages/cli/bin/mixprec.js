#!/usr/bin/env node
// Starts the bundled CLI (dist/bundle, made by `npm run build`: one CommonJS file instead of
// about 240 modules, run with V8's code cache, see bundle-loader.js) when it is up to date, else
// dist. Up to date: every stamp in its manifest (size and mtime of each bundled package's build
// output marker) still matches, i.e. no `tsc -b` ran since.
// Plugins (`--plugin`) import @mixprec packages themselves and must share their module
// instances with the CLI, so they always run dist; so does MIXPREC_NO_BUNDLE=1.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';

const bundleDir = new URL('../dist/bundle/', import.meta.url);

function freshBundle(argv) {
  if (process.env.MIXPREC_NO_BUNDLE === '1') return undefined;
  if (argv.some((a) => a === '--plugin' || a.startsWith('--plugin='))) return undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(new URL('manifest.json', bundleDir), 'utf8'));
    for (const s of manifest.stamps) {
      const st = fs.statSync(new URL(s.file, bundleDir), { throwIfNoEntry: false });
      if (st === undefined || st.mtimeMs !== s.mtimeMs || st.size !== s.size) return undefined;
    }
    return fileURLToPath(new URL(manifest.entry, bundleDir));
  } catch {
    return undefined; // no bundle (or an unreadable manifest): dist
  }
}

async function load() {
  const bundle = freshBundle(process.argv.slice(2));
  if (bundle !== undefined) {
    try {
      return loadBundle(bundle).exports;
    } catch (e) {
      // A damaged bundle must not stop the CLI: dist is always there.
      if (process.env.MIXPREC_DEBUG !== undefined) process.stderr.write(`mixprec: the bundle did not load, running dist: ${e}\n`);
    }
  }
  return import('../dist/index.js');
}

const { main } = await load();
main(process.argv).then((code) => { process.exitCode = code; });

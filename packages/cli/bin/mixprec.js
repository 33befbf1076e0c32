#!/usr/bin/env node
// Starts the bundled CLI (dist/bundle, made by `npm run build`: one CommonJS file instead of
// about 240 modules, run with V8's code cache, see bundle-loader.js) when it is up to date, else
// dist. Up to date: every stamp in its manifest (size and mtime of each bundled package's build
// output marker) still matches, i.e. no `tsc -b` ran since.
// Plugins (`--plugin`) import @mixprec packages themselves and must share their module
// instances with the CLI, so they always run dist; so does MIXPREC_NO_BUNDLE=1.
// CommonJS (bin/package.json): Node starts a CommonJS entry without its ES module loader.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { loadBundle } = require('./bundle-loader.js');

const bundleDir = path.join(__dirname, '..', 'dist', 'bundle');

function freshBundle(argv) {
  if (process.env.MIXPREC_NO_BUNDLE === '1') return undefined;
  if (argv.some((a) => a === '--plugin' || a.startsWith('--plugin='))) return undefined;
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8'));
    for (const s of manifest.stamps) {
      const st = fs.statSync(path.join(bundleDir, s.file), { throwIfNoEntry: false });
      if (st === undefined || st.mtimeMs !== s.mtimeMs || st.size !== s.size) return undefined;
    }
    return path.join(bundleDir, manifest.entry);
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
  return import(pathToFileURL(path.join(__dirname, '..', 'dist', 'index.js')).href);
}

load().then(({ main }) => main(process.argv)).then((code) => { process.exitCode = code; });

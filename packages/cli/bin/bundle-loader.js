// Runs the bundled CLI (dist/bundle/mixprec.cjs, one CommonJS file made by scripts/bundle.mjs)
// with V8's code cache: the bundle is compiled as a vm.Script, which accepts the cached data
// that scripts/bundle.mjs saved after running a conversion once, so functions that conversion
// compiled (parsed, bytecode) are not compiled again. V8 checks the cache itself (its version,
// flags and the source): a cache that does not fit is rejected and the source is compiled as
// usual, only a little slower.
// CommonJS (bin/package.json), like bin/mixprec.js: Node starts a CommonJS entry faster.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const { createRequire } = require('node:module');

/**
 * The V8 setting of a process running the bundle, made before the bundle is compiled. A
 * conversion runs each function of the IR many times for a few hundred milliseconds: TurboFan
 * optimises them on the other core, and with V8's default inlining budget spends more time
 * compiling than the main thread then saves (the 20,000-node conversion compiled for about 0.5 s
 * of CPU). A smaller cumulative inlining budget (default 920 bytes of bytecode) measured 7-10 %
 * less wall time on that conversion and on `opt -p O1`, the same on the 200,000-node and 300 MB
 * models and the executor. V8 accepts a code cache only under the flags it was made with, so
 * scripts/bundle.mjs trains the cache after the same call (through {@link loadBundle}).
 */
const V8_FLAGS = '--max-inlined-bytecode-size-cumulative=200';

/** The code cache file of a bundle file. */
function codeCacheFile(file) {
  return `${file}.cache`;
}

/**
 * Compiles and runs the bundle `file` (a path) as a CommonJS module; returns its exports and
 * the compiled script (for `createCachedData`). `useCache` false ignores a cache file.
 * The bundle is ASCII (scripts/bundle.mjs makes it so): read as latin1, it becomes a one-byte
 * string without a UTF-8 decode.
 */
function loadBundle(file, useCache = true) {
  v8.setFlagsFromString(V8_FLAGS);
  const source = fs.readFileSync(file, 'latin1');
  let cachedData;
  if (useCache) {
    try {
      cachedData = fs.readFileSync(codeCacheFile(file));
    } catch {
      cachedData = undefined; // no cache yet: compile from source
    }
  }
  // The CommonJS wrapper on the source's first line, so line numbers in stack traces hold.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script, cacheRejected: cachedData !== undefined && script.cachedDataRejected === true };
}

module.exports = { codeCacheFile, loadBundle, V8_FLAGS };

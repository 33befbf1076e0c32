import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PassFactory, PassRegistryInit, PipelineAlias } from '@mixprec/passes';
import { CliError } from './errors.js';

/** What a plugin module exports: `passes` (made with `definePass`) and, optionally, `aliases`. */
export interface PluginModule {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly passes: readonly PassFactory<any>[];
  readonly aliases?: readonly PipelineAlias[];
}

/** A file path (relative, absolute, or an existing file) rather than a package name. */
function isPath(spec: string, cwd: string): boolean {
  return spec.startsWith('.') || path.isAbsolute(spec) || fs.existsSync(path.resolve(cwd, spec));
}

/** The URL to import: files relative to the working directory; packages as installed there. */
function resolveSpec(spec: string, cwd: string): string {
  if (isPath(spec, cwd)) {
    const file = path.resolve(cwd, spec);
    if (!fs.existsSync(file)) throw new CliError(`--plugin ${spec}: no such file (${file})`);
    return pathToFileURL(file).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(cwd, 'package.json')).resolve(spec)).href;
  } catch {
    return spec; // an ESM-only package: let import() resolve it from here
  }
}

function isPassFactory(x: unknown): x is PassFactory {
  if (typeof x !== 'function') return false;
  const f = x as Partial<PassFactory>;
  return typeof f.info?.name === 'string' && typeof f.create === 'function' && Array.isArray(f.options);
}

function isAlias(x: unknown): x is PipelineAlias {
  const a = x as Partial<PipelineAlias> | undefined;
  return typeof a === 'object' && a !== null && typeof a.name === 'string' && typeof a.pipeline === 'string' && typeof a.description === 'string';
}

/** Checks a module's exports (named, or on a default export object) and returns its passes and aliases. */
export function pluginExports(spec: string, mod: Record<string, unknown>): PluginModule {
  const src = (mod['passes'] === undefined && typeof mod['default'] === 'object' && mod['default'] !== null ? mod['default'] : mod) as Record<string, unknown>;
  const passes = src['passes'];
  if (!Array.isArray(passes)) {
    throw new CliError(`--plugin ${spec}: the module exports no 'passes' list; add \`export const passes = [myPass]\` (passes made with definePass)`);
  }
  passes.forEach((p, i) => {
    if (!isPassFactory(p)) throw new CliError(`--plugin ${spec}: passes[${i}] is not a pass made with definePass (a factory with info, options and create)`);
  });
  const aliases = src['aliases'];
  if (aliases !== undefined) {
    if (!Array.isArray(aliases)) throw new CliError(`--plugin ${spec}: 'aliases' must be a list of { name, description, pipeline }`);
    aliases.forEach((a, i) => {
      if (!isAlias(a)) throw new CliError(`--plugin ${spec}: aliases[${i}] must be { name, description, pipeline } with string values`);
    });
  }
  return { passes: passes as PluginModule['passes'], ...(aliases === undefined ? {} : { aliases: aliases as PipelineAlias[] }) };
}

/**
 * Imports plugin modules (`--plugin FILE|PACKAGE`, repeatable, in order) and returns what they
 * register. A plugin is an ES module exporting `passes` (a list of `definePass` factories) and
 * optionally `aliases` (pipeline aliases over any registered pass).
 */
export async function loadPlugins(specs: readonly string[], cwd: string = process.cwd()): Promise<PassRegistryInit[]> {
  const out: PassRegistryInit[] = [];
  for (const spec of specs) {
    const url = resolveSpec(spec, cwd);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(url)) as Record<string, unknown>;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
        throw new CliError(`--plugin ${spec}: Node cannot import this file type; compile it to JavaScript (.js/.mjs) or run mixprec under a TypeScript loader (node --import tsx)`);
      }
      const msg = (err.message ?? String(e)).split('\n')[0];
      throw new CliError(`--plugin ${spec}: cannot load the module: ${msg}`);
    }
    out.push(pluginExports(spec, mod));
  }
  return out;
}

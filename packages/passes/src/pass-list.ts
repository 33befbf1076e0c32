import * as E from 'fp-ts/lib/Either.js';
import type { PassContextError } from './context.js';
import { coerceOptionValue, isOptionValue, printOptionValue, rawOptionText, type RawOptionValue } from './options.js';
import type { PassRegistry } from './registry.js';
import { candidatesHint } from './suggest.js';

/**
 * `--list-passes`: every pass (name, level, description, options with type and default),
 * then the aliases with their pipelines, then the config keys. Sorted by name.
 */
export function formatPassList(registry: PassRegistry): string {
  const lines: string[] = ['Passes:'];
  for (const name of [...registry.passes.keys()].sort()) {
    const f = registry.passes.get(name)!;
    lines.push(`  ${name}  (opt level ${f.info.optLevel})  ${f.info.description}`);
    if (f.info.required !== undefined && f.info.required.length > 0) lines.push(`      requires: ${f.info.required.join(', ')}`);
    for (const o of f.options) {
      const dflt = isOptionValue(o.default) ? printOptionValue(o.default) : JSON.stringify(o.default);
      lines.push(`      ${o.flag}: ${o.type} = ${dflt}${o.description === '' ? '' : `  ${o.description}`}`);
    }
  }
  if (registry.aliases.size > 0) {
    lines.push('Pipeline aliases:');
    for (const name of [...registry.aliases.keys()].sort()) {
      const a = registry.aliases.get(name)!;
      lines.push(`  ${name}  ${a.description}`, `      = ${a.pipeline}`);
    }
  }
  if (registry.configKeys.size > 0) {
    lines.push('Config keys:');
    for (const key of [...registry.configKeys.keys()].sort()) {
      const k = registry.configKeys.get(key)!;
      const dflt = isOptionValue(k.default) ? printOptionValue(k.default) : JSON.stringify(k.default);
      lines.push(`  ${key}: ${k.codec.name} = ${dflt}  ${k.description}`);
    }
  }
  return lines.join('\n');
}

/**
 * Reads a command-line config assignment `key=value` (value spelled as in pipeline options:
 * bare, `"quoted"` or `[a,b]`) into a typed entry for `createPassContext({ config })`.
 */
export function parseConfigAssignment(registry: PassRegistry, text: string): E.Either<PassContextError, readonly [string, unknown]> {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  const spec = registry.configKeys.get(key);
  if (spec === undefined) {
    return E.left({ _tag: 'UnknownConfigKey', key, message: `Unknown config key '${key}'${candidatesHint(key, registry.configKeys.keys(), 'config keys')}` });
  }
  if (eq < 0) return E.left({ _tag: 'InvalidConfigValue', key, message: `Config '${key}' needs a value: write ${key}=<value>` });
  const rawText = text.slice(eq + 1).trim();
  const raw = readRaw(rawText);
  const c = coerceOptionValue(spec.codec as never, raw);
  if (!c.ok) return E.left({ _tag: 'InvalidConfigValue', key, message: `Config key '${key}' expects ${c.expected}, got ${rawOptionText(raw)}` });
  const d = spec.codec.decode(c.value);
  if (E.isLeft(d)) return E.left({ _tag: 'InvalidConfigValue', key, message: `Config key '${key}' expects ${spec.codec.name}, got ${rawOptionText(raw)}` });
  return E.right([key, d.right] as const);
}

function readRaw(s: string): RawOptionValue {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) return { form: 'quoted', text: s.slice(1, -1).replace(/\\(["\\])/g, '$1') };
  if (s.startsWith('[') && s.endsWith(']')) {
    const inner = s.slice(1, -1).trim();
    return { form: 'list', items: inner === '' ? [] : inner.split(',').map((x) => readRaw(x.trim())) };
  }
  return { form: 'bare', text: s };
}

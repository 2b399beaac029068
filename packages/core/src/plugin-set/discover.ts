/**
 * Finds installed plugin packages: any package in `node_modules` whose package.json has
 *
 *   "gft": { "plugins": [{ "kind": "adapter", "name": "qlora", "export": "qlora" }] }
 *
 * announces factories by the name of their export. Discovery reads package.json files only;
 * a plugin's module is imported when a run asks for it by name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GftError } from '../errors/gft-error.js';
import { PLUGIN_KINDS, type PluginKind } from '../plugin.js';
import { importEntryOf } from './package-entry.js';
import type { PluginEntry, PluginFactory, PluginRegistry } from './registry.js';

export interface GftPackageField {
  plugins: { kind: PluginKind; name: string; export: string; description?: string }[];
}

interface PackageJson {
  name?: string;
  version?: string;
  gft?: GftPackageField;
  exports?: Parameters<typeof importEntryOf>[1]['exports'];
  module?: string;
  main?: string;
}

/** Reads one package's `gft` field into registry entries (empty if it has none). */
export function pluginEntriesOf(packageDir: string): PluginEntry[] {
  const file = join(packageDir, 'package.json');
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (cause) {
    throw new GftError('PLUGIN_INVALID', `cannot read ${file}: ${(cause as Error).message}`, {
      cause,
      where: file,
    });
  }
  if (!pkg.gft) return [];
  const source = pkg.name ?? packageDir;
  if (!Array.isArray(pkg.gft.plugins)) {
    throw new GftError('PLUGIN_INVALID', `${file}: "gft.plugins" must be an array`, {
      where: file,
    });
  }
  return pkg.gft.plugins.map((decl, i) => {
    if (!PLUGIN_KINDS.includes(decl.kind) || !decl.name || !decl.export) {
      throw new GftError(
        'PLUGIN_INVALID',
        `${file}: gft.plugins[${i}] needs kind (${PLUGIN_KINDS.join(', ')}), name and export`,
        { where: file },
      );
    }
    return {
      kind: decl.kind,
      name: decl.name,
      source,
      version: pkg.version,
      description: decl.description,
      async load(): Promise<PluginFactory> {
        const entryFile = importEntryOf(packageDir, pkg);
        const mod = (await import(pathToFileURL(entryFile).href)) as Record<string, unknown>;
        const factory = mod[decl.export];
        if (typeof factory !== 'function') {
          throw new GftError(
            'PLUGIN_INVALID',
            `${source} announces ${decl.kind} plugin '${decl.name}' as export '${decl.export}', which is not a function`,
            { where: file },
          );
        }
        return factory as PluginFactory;
      },
    } satisfies PluginEntry;
  });
}

/** Package directories under every `node_modules` from `cwd` up to the root. */
function installedPackageDirs(cwd: string): string[] {
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const nm = join(dir, 'node_modules');
    if (existsSync(nm)) {
      for (const name of readdirSync(nm)) {
        if (name.startsWith('.')) continue;
        const candidates = name.startsWith('@')
          ? readdirSync(join(nm, name)).map((sub) => join(nm, name, sub))
          : [join(nm, name)];
        for (const c of candidates) {
          const pkgName = c.slice(nm.length + 1);
          if (seen.has(pkgName) || !existsSync(join(c, 'package.json'))) continue;
          seen.add(pkgName);
          dirs.push(c);
        }
      }
    }
    if (dirname(dir) === dir) break;
  }
  return dirs;
}

/**
 * Registers every announced plugin found from `cwd` upward. A package already registered
 * under the same kind and name from the same source is skipped (a nearer copy wins).
 */
export function discoverPlugins(registry: PluginRegistry, cwd = process.cwd()): PluginEntry[] {
  const found: PluginEntry[] = [];
  for (const dir of installedPackageDirs(cwd)) {
    for (const entry of pluginEntriesOf(dir)) {
      if (registry.has(entry.kind, entry.name)) {
        if (registry.get(entry.kind, entry.name).source === entry.source) continue;
      }
      registry.register(entry);
      found.push(entry);
    }
  }
  return found;
}

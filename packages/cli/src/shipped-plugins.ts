/**
 * The plugin packages @gft/cli ships with: whatever its own package.json lists under
 * `dependencies` and `optionalDependencies` that announces plugins (`"gft": { "plugins" }`).
 * Reading the CLI's dependency list, rather than scanning the node_modules around it, finds
 * them in every layout (pnpm's store, npm's flat tree, a workspace) and tells an optional
 * package that is not installed from one that never existed, so adding a shipped backend is
 * one line in package.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PluginEntry, pluginEntriesOf } from '@gft/core';
import { cliPackageDir, findPackageDir } from './package-dirs.js';

export { cliPackageDir };

export interface ShippedPlugins {
  /** The CLI's own package name and version (`@gft/cli`), for messages. */
  cli: { name: string; version: string };
  /** Every plugin announced by an installed dependency. */
  entries: PluginEntry[];
  /** Dependency names that announce plugins (how a listing tells shipped from the user's). */
  packages: string[];
  /**
   * Optional dependencies that are not installed: npm skips one whose install fails (e.g. a
   * native GPU binding with no prebuilt binary for the platform), or the user omitted them.
   */
  notInstalled: string[];
}

interface CliPackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export function shippedPlugins(cliDir = cliPackageDir()): ShippedPlugins {
  const pkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as CliPackageJson;
  const optional = Object.keys(pkg.optionalDependencies ?? {});
  const names = [...new Set([...Object.keys(pkg.dependencies ?? {}), ...optional])];
  const entries: PluginEntry[] = [];
  const packages: string[] = [];
  const notInstalled: string[] = [];
  for (const name of names) {
    const dir = findPackageDir(name, cliDir);
    if (dir === undefined) {
      // A missing required dependency is a broken install that fails on import anyway.
      if (optional.includes(name)) notInstalled.push(name);
      continue;
    }
    const announced = pluginEntriesOf(dir);
    if (announced.length > 0) packages.push(name);
    entries.push(...announced);
  }
  return { cli: { name: pkg.name, version: pkg.version }, entries, packages, notInstalled };
}

/**
 * The CLI's plugin registry: core's built-ins by name, then every plugin shipped with the
 * CLI (its dependencies and optional dependencies, see shipped-plugins.ts), then those
 * announced by packages installed in the working directory's project (the user's own).
 */
import {
  createPluginRegistry,
  discoverPlugins,
  GftError,
  type PluginEntry,
  type PluginKind,
  type PluginRegistry,
  paddingCollator,
  wasmBackend,
} from '@gft/core';
import { cliPackageDir, type ShippedPlugins, shippedPlugins } from './shipped-plugins.js';

export type PluginOrigin = 'built-in' | 'shipped' | 'project';

export interface CliPlugins {
  registry: PluginRegistry;
  shipped: ShippedPlugins;
  originOf(entry: PluginEntry): PluginOrigin;
}

const BUILT_INS: PluginEntry[] = [
  {
    kind: 'collator',
    name: 'padding',
    source: 'built-in',
    description: 'right-padded rows (baseline)',
    load: () => paddingCollator,
  },
  {
    kind: 'backend',
    name: 'wasm',
    source: 'built-in',
    description: 'tfjs-backend-wasm (XNNPACK, SIMD)',
    load: () => wasmBackend,
  },
];

/**
 * An unknown name may be a plugin whose optional package did not install; the bare
 * "known plugins" list cannot say so, so the error gains what is missing and how to add it.
 */
function withInstallHint(registry: PluginRegistry, shipped: ShippedPlugins): PluginRegistry {
  if (shipped.notInstalled.length === 0) return registry;
  const missing = shipped.notInstalled.join(', ');
  const get = (kind: PluginKind, name: string): PluginEntry => {
    try {
      return registry.get(kind, name);
    } catch (e) {
      if (!GftError.isInstance(e) || e.code !== 'PLUGIN_UNKNOWN') throw e;
      throw new GftError(
        'PLUGIN_UNKNOWN',
        `${e.message}; optional dependencies of ${shipped.cli.name} that are not installed: ${missing} ` +
          `(install them next to ${shipped.cli.name}, e.g. 'npm i ${shipped.notInstalled[0]}')`,
        { cause: e, where: name },
      );
    }
  };
  return {
    ...registry,
    get,
    async create(kind, name, options) {
      get(kind, name);
      return registry.create(kind, name, options);
    },
  };
}

/** `cliDir` is the CLI's package root (tests point it at a stand-in install). */
export function cliPlugins(cwd = process.cwd(), cliDir = cliPackageDir()): CliPlugins {
  const registry = createPluginRegistry(BUILT_INS);
  const shipped = shippedPlugins(cliDir);
  for (const entry of shipped.entries) registry.register(entry);
  const fromProject = new Set(discoverPlugins(registry, cwd));
  return {
    registry: withInstallHint(registry, shipped),
    shipped,
    originOf: (entry) =>
      entry.source === 'built-in' ? 'built-in' : fromProject.has(entry) ? 'project' : 'shipped',
  };
}

export function cliRegistry(cwd = process.cwd()): PluginRegistry {
  return cliPlugins(cwd).registry;
}

/**
 * The CLI's plugin registry: core's built-ins by name, then every plugin announced by an
 * installed package (`"gft": { "plugins": [...] }`), found from the CLI's own install (its
 * dependencies) and from the working directory (the user's).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPluginRegistry,
  discoverPlugins,
  type PluginRegistry,
  paddingCollator,
  wasmBackend,
} from '@gft/core';

function hereDir(): string {
  // Works in the ESM and the CJS build.
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

export function cliRegistry(cwd = process.cwd()): PluginRegistry {
  const registry = createPluginRegistry([
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
  ]);
  discoverPlugins(registry, hereDir());
  discoverPlugins(registry, cwd);
  return registry;
}

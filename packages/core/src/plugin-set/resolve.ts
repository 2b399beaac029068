/**
 * Plugin-set resolution: turns what a run names into exactly one plugin of each kind,
 * before anything runs. Defaults fill the kinds a run leaves out (the `padding` collator,
 * the `wasm` backend, the checkpoint's `tokenizer.json`); the adapter never defaults, a run
 * names its technique.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { wasmBackend } from '../backends/wasm/wasm-backend.js';
import { paddingCollator } from '../collators/padding.js';
import { GftError, listChoices } from '../errors/gft-error.js';
import { PLUGIN_API_VERSION, PLUGIN_KINDS, type PluginKind } from '../plugin.js';
import { hfTokenizer } from '../tokenizers/hf-tokenizer.js';
import type { Plugin, PluginSet } from './plugin-set.js';
import type { PluginRegistry } from './registry.js';

export interface ResolveOptions {
  /** A Hugging Face model directory; its `tokenizer.json` is the default tokenizer. */
  checkpointDir?: string;
  /** Used only to list known names in errors. */
  registry?: PluginRegistry;
}

function isPlugin(value: unknown): value is Plugin {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Plugin).kind === 'string' &&
    typeof (value as Plugin).name === 'string'
  );
}

function knownNames(kind: PluginKind, options: ResolveOptions): string {
  return options.registry ? listChoices(options.registry.names(kind)) : '(no registry given)';
}

/**
 * Resolves a list of plugin objects into a set. Throws GftError with code PLUGIN_MISSING,
 * PLUGIN_DUPLICATE, PLUGIN_INVALID or PLUGIN_INCOMPATIBLE, naming the plugins involved.
 */
export function resolvePluginSet(
  plugins: readonly unknown[],
  options: ResolveOptions = {},
): PluginSet {
  const chosen: Partial<Record<PluginKind, Plugin>> = {};
  plugins.forEach((plugin, i) => {
    if (!isPlugin(plugin)) {
      throw new GftError(
        'PLUGIN_INVALID',
        `plugins[${i}] is not a plugin: expected an object with 'kind' and 'name' (did you pass the factory instead of calling it?)`,
      );
    }
    if (!PLUGIN_KINDS.includes(plugin.kind)) {
      throw new GftError(
        'PLUGIN_INVALID',
        `plugin '${plugin.name}' has unknown kind '${plugin.kind}' (kinds: ${PLUGIN_KINDS.join(', ')})`,
      );
    }
    if ((plugin.apiVersion ?? PLUGIN_API_VERSION) > PLUGIN_API_VERSION) {
      throw new GftError(
        'PLUGIN_INCOMPATIBLE',
        `${plugin.kind} plugin '${plugin.name}' needs plugin API ${plugin.apiVersion}; this @gft/core provides ${PLUGIN_API_VERSION}: upgrade @gft/core`,
      );
    }
    const previous = chosen[plugin.kind];
    if (previous) {
      throw new GftError(
        'PLUGIN_DUPLICATE',
        `two ${plugin.kind} plugins given: '${previous.name}' and '${plugin.name}'; a plugin set has exactly one of each kind`,
      );
    }
    chosen[plugin.kind] = plugin;
  });

  if (!chosen.adapter) {
    throw new GftError(
      'PLUGIN_MISSING',
      `no adapter plugin: a run names its technique (known adapters: ${knownNames('adapter', options)})`,
    );
  }
  chosen.collator ??= paddingCollator();
  chosen.backend ??= wasmBackend();
  if (!chosen.tokenizer) {
    const file = options.checkpointDir && join(options.checkpointDir, 'tokenizer.json');
    if (!file || !existsSync(file)) {
      throw new GftError(
        'PLUGIN_MISSING',
        `no tokenizer plugin, and ${file ? `${file} does not exist` : 'no checkpoint directory to take tokenizer.json from'}; pass a tokenizer plugin (known tokenizers: ${knownNames('tokenizer', options)})`,
      );
    }
    chosen.tokenizer = hfTokenizer({ file });
  }

  const set = chosen as PluginSet;
  checkKernels(set);
  for (const kind of PLUGIN_KINDS) {
    const plugin = set[kind];
    const reason = plugin.checkSet?.(set);
    if (reason) {
      throw new GftError(
        'PLUGIN_INCOMPATIBLE',
        `${kind} plugin '${plugin.name}' cannot serve this set (${describeSet(set)}): ${reason}`,
      );
    }
  }
  return set;
}

function describeSet(set: PluginSet): string {
  return PLUGIN_KINDS.map((k) => `${k}=${set[k].name}`).join(' ');
}

function checkKernels(set: PluginSet): void {
  const unsupported = new Set(set.backend.unsupportedKernels ?? []);
  const missing = (set.adapter.requiresKernels ?? []).filter((k) => unsupported.has(k));
  if (missing.length > 0) {
    throw new GftError(
      'PLUGIN_INCOMPATIBLE',
      `adapter '${set.adapter.name}' needs kernel(s) ${missing.join(', ')}, which backend '${set.backend.name}' cannot run`,
    );
  }
}

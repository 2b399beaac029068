/**
 * Maps plugin names (what `--adapter qlora` says) to factories. Using a plugin never needs
 * the registry: pass the object. The registry exists for names on the command line and for
 * plugins discovered in installed packages; registering a name twice is an error naming
 * both sources, never a silent replacement.
 */
import { GftError, listChoices } from '../errors/gft-error.js';
import { PLUGIN_KINDS, type PluginKind } from '../plugin.js';
import type { Plugin } from './plugin-set.js';

export type PluginFactory = (options?: Record<string, unknown>) => Plugin | Promise<Plugin>;

export interface PluginEntry {
  kind: PluginKind;
  name: string;
  /** Package name, file, or `built-in`: shown in listings and duplicate errors. */
  source: string;
  /** The announcing package's version, when it came from one (listings say which copy runs). */
  version?: string;
  description?: string;
  /** Returns the factory; lazy so listing plugins never imports them. */
  load(): PluginFactory | Promise<PluginFactory>;
}

export interface PluginRegistry {
  register(entry: PluginEntry): void;
  has(kind: PluginKind, name: string): boolean;
  get(kind: PluginKind, name: string): PluginEntry;
  list(kind?: PluginKind): PluginEntry[];
  names(kind: PluginKind): string[];
  create(kind: PluginKind, name: string, options?: Record<string, unknown>): Promise<Plugin>;
}

export function createPluginRegistry(entries: readonly PluginEntry[] = []): PluginRegistry {
  const byKey = new Map<string, PluginEntry>();
  const key = (kind: PluginKind, name: string) => `${kind}:${name}`;

  const registry: PluginRegistry = {
    register(entry) {
      if (!PLUGIN_KINDS.includes(entry.kind)) {
        throw new GftError(
          'PLUGIN_INVALID',
          `plugin '${entry.name}' from ${entry.source} has unknown kind '${entry.kind}' (kinds: ${PLUGIN_KINDS.join(', ')})`,
          { where: entry.source },
        );
      }
      const existing = byKey.get(key(entry.kind, entry.name));
      if (existing) {
        throw new GftError(
          'PLUGIN_DUPLICATE',
          `${entry.kind} plugin '${entry.name}' is registered twice: by ${existing.source} and by ${entry.source}`,
          { where: entry.source },
        );
      }
      byKey.set(key(entry.kind, entry.name), entry);
    },
    has: (kind, name) => byKey.has(key(kind, name)),
    get(kind, name) {
      const entry = byKey.get(key(kind, name));
      if (!entry) {
        throw new GftError(
          'PLUGIN_UNKNOWN',
          `unknown ${kind} plugin '${name}'; known ${kind} plugins: ${listChoices(registry.names(kind))}`,
        );
      }
      return entry;
    },
    list: (kind) => [...byKey.values()].filter((e) => kind === undefined || e.kind === kind),
    names: (kind) => registry.list(kind).map((e) => e.name),
    async create(kind, name, options) {
      const entry = registry.get(kind, name);
      let plugin: Plugin;
      try {
        const factory = await entry.load();
        plugin = await factory(options);
      } catch (cause) {
        if (GftError.isInstance(cause)) throw cause;
        throw new GftError(
          'PLUGIN_LOAD_FAILED',
          `${kind} plugin '${name}' from ${entry.source} failed to load: ${(cause as Error).message}`,
          { cause, where: entry.source },
        );
      }
      if (plugin?.kind !== kind || plugin.name !== name) {
        throw new GftError(
          'PLUGIN_INVALID',
          `the factory for ${kind} plugin '${name}' (${entry.source}) returned ${plugin?.kind ?? 'nothing'} plugin '${plugin?.name ?? ''}'`,
          { where: entry.source },
        );
      }
      return plugin;
    },
  };
  for (const entry of entries) registry.register(entry);
  return registry;
}

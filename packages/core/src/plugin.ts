/**
 * The plugin shape shared by every kind: a plain object made by a factory, Vite-style.
 * `qlora({ r: 16 })` returns `{ kind: 'adapter', name: 'qlora', ... }`. No classes, no
 * import side effects, no global registration needed to use one.
 */
import type { PluginSet } from './plugin-set/plugin-set.js';

/**
 * Version of the plugin contracts. A plugin may state the version it was written against;
 * plugin-set resolution rejects one from a newer major contract than this core knows.
 */
export const PLUGIN_API_VERSION = 1;

export const PLUGIN_KINDS = ['tokenizer', 'collator', 'adapter', 'backend'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export interface PluginBase<K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** Unique within its kind; what `--adapter NAME` selects. */
  readonly name: string;
  /** Contract version the plugin was written against (default: PLUGIN_API_VERSION). */
  readonly apiVersion?: number;
  /**
   * Says whether this plugin can serve the rest of the resolved set. Return a reason
   * string to refuse (e.g. a backend without a kernel a technique needs); undefined accepts.
   */
  checkSet?(set: Readonly<PluginSet>): string | undefined;
}

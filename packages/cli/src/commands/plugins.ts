/**
 * `gft plugins`: every plugin the CLI can name, by kind, with where it comes from (built in,
 * shipped with the CLI, or installed in the project) and which package version provides it,
 * plus the CLI's optional plugin packages that are not installed.
 */
import { PLUGIN_KINDS } from '@gft/core';
import { cliPlugins, type PluginOrigin } from '../registry.js';

export interface PluginListing {
  kind: string;
  name: string;
  /** `built-in` or the announcing package's name. */
  source: string;
  version?: string;
  origin: PluginOrigin;
  description: string;
}

export interface PluginsResult {
  plugins: PluginListing[];
  /** Optional dependencies of @gft/cli that are not installed. */
  notInstalled: string[];
}

export function pluginsCommand(cwd = process.cwd()): PluginsResult {
  const { registry, shipped, originOf } = cliPlugins(cwd);
  const plugins = PLUGIN_KINDS.flatMap((kind) =>
    registry.list(kind).map((e) => ({
      kind,
      name: e.name,
      source: e.source,
      ...(e.version === undefined ? {} : { version: e.version }),
      origin: originOf(e),
      description: e.description ?? '',
    })),
  );
  return { plugins, notInstalled: shipped.notInstalled };
}

const ORIGIN_TEXT: Record<PluginOrigin, string> = {
  'built-in': 'built into @gft/core',
  shipped: 'shipped with @gft/cli',
  project: 'installed in this project',
};

export function formatPlugins(r: PluginsResult): string {
  const from = (p: PluginListing) =>
    p.origin === 'built-in'
      ? ORIGIN_TEXT[p.origin]
      : `${p.source}@${p.version ?? '?'} (${ORIGIN_TEXT[p.origin]})`;
  const rows = r.plugins.map((p) => [p.kind, p.name, from(p), p.description]);
  const width = (i: number) => Math.max(...rows.map((row) => row[i].length));
  const lines = rows.map((row) =>
    `${row[0].padEnd(width(0))}  ${row[1].padEnd(width(1))}  ${row[2].padEnd(width(2))}  ${row[3]}`.trimEnd(),
  );
  if (r.notInstalled.length > 0) {
    lines.push(
      '',
      `not installed (optional dependencies of @gft/cli): ${r.notInstalled.join(', ')}`,
    );
  }
  return lines.join('\n');
}

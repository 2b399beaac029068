/** `gft plugins`: every plugin the CLI can name, by kind, with where it comes from. */
import { PLUGIN_KINDS } from '@gft/core';
import { cliRegistry } from '../registry.js';

export function pluginsCommand() {
  const registry = cliRegistry();
  return PLUGIN_KINDS.flatMap((kind) =>
    registry
      .list(kind)
      .map((e) => ({ kind, name: e.name, source: e.source, description: e.description ?? '' })),
  );
}

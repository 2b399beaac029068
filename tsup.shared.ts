/**
 * Build settings every published package shares: ESM + CJS + type declarations for Node 20.
 * A package's tsup.config.ts names its entry points and any extra option.
 */
import type { Options } from 'tsup';

export function packageBuild(entry: string[], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  };
}

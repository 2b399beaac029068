/**
 * `gft --version`: the CLI's own version and the @gft/core it runs with, read from the
 * installed package.json files at run time (not baked in at build), so a copy re-versioned
 * by `changeset version` after its build still reports what the registry served.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPackageDir, findPackageDir } from './package-dirs.js';

function versionIn(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string })
      .version;
  } catch {
    return undefined;
  }
}

export function versionLine(cliDir = cliPackageDir()): string {
  const cli = versionIn(cliDir) ?? 'unknown';
  const core = versionIn(findPackageDir('@gft/core', cliDir)) ?? 'not found';
  return `gft ${cli} (@gft/core ${core}, node ${process.version})`;
}

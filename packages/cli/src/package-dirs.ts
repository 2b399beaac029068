/**
 * Where the CLI's own package and the packages it depends on are installed, found from this
 * file's location: the same in the ESM and the CJS build, in a workspace and in any npm or
 * pnpm layout.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function hereDir(): string {
  // Works in the ESM and the CJS build.
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** The CLI's package root: `src/` (tests) and `dist/` (built) both sit directly below it. */
export function cliPackageDir(): string {
  return dirname(hereDir());
}

/**
 * Where Node would find `name` from `fromDir`: the first `node_modules/<name>` on the way up.
 * Looks for the package.json directly because `exports` may not expose it to require.resolve.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

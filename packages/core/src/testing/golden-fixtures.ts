/**
 * Where the golden fixtures are: `fixtures/` at the root of the gft repository (the
 * independent float64 reference's outputs, listed with their sha256 in its manifest.json).
 * They travel with the repository, so a test that reads them never skips for want of them;
 * they are not in the published packages, so outside a gft checkout this throws, naming
 * where it looked.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The file whose presence marks the fixtures folder (it also lists every file's hash). */
export const GOLDEN_MANIFEST = 'manifest.json';

/** `fixtures/` of the nearest repository root at or above `from` that holds one. */
export function goldenFixturesDir(from: string = process.cwd()): string {
  const start = resolve(from);
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'fixtures');
    if (existsSync(join(candidate, GOLDEN_MANIFEST))) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(
        `no golden fixtures: no fixtures/${GOLDEN_MANIFEST} in ${start} or any folder above it ` +
          '(they ship with the gft repository, not with its npm packages)',
      );
    }
  }
}

/**
 * @deprecated The fixtures moved from `../shared/fixtures` into the repository: use
 * `goldenFixturesDir`. Kept so code written against the old location still finds them.
 */
export const sharedFixturesDir: (from?: string) => string = goldenFixturesDir;

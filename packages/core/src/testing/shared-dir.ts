/**
 * Where the project's shared material outside the repository lives: a `shared/` folder
 * beside it, holding the real arena rows (which may not be copied into the repository).
 * Found by walking up from the working directory; nothing here copies it anywhere. The
 * golden fixtures are in the repository itself (see golden-fixtures.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest `shared/` beside `from` or one of its ancestors; a path that may not exist. */
export function findSharedDir(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'shared');
    if (existsSync(join(candidate, 'fixtures')) || existsSync(join(candidate, 'data'))) {
      return candidate;
    }
    const up = dirname(dir);
    if (up === dir) return join(resolve(from), '..', 'shared');
    dir = up;
  }
}

/** `shared/data/arena`: real LMSYS arena rows (`train_sample.csv`); a path that may not exist. */
export function arenaDataDir(from?: string): string {
  return join(findSharedDir(from), 'data', 'arena');
}

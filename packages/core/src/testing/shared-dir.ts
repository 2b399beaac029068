/**
 * Where the project's shared material lives: a `shared/` folder beside the repository
 * (golden fixtures, real arena rows). Tests find it by walking up from the working directory
 * and skip, saying why, when it is absent; nothing here copies it into a package.
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

/** `shared/fixtures`: the golden outputs of the independent reference implementation. */
export function sharedFixturesDir(from?: string): string {
  return join(findSharedDir(from), 'fixtures');
}

/** Test helper: where the real arena sample lives (../shared next to the repo), if present. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findShared(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, '..', 'shared'))) return join(dir, '..', 'shared');
    const up = dirname(dir);
    if (up === dir) return join(dirname(fileURLToPath(import.meta.url)), '../../../../../shared');
    dir = up;
  }
}

export const SHARED = findShared();
export const ARENA_SAMPLE = join(SHARED, 'data', 'arena', 'train_sample.csv');
export const HAS_SAMPLE = existsSync(ARENA_SAMPLE);

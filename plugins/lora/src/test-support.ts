/** Test helpers: where the golden fixtures are (walks up until a `shared` sibling exists). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findFixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, '..', 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
}

export const FIXTURES = findFixtures();
export const HAS_FIXTURES = existsSync(join(FIXTURES, 'tiny-gemma2-lora'));

/** Count of elements that differ bit-for-bit (+0 and -0 count as equal). */
export function bitDiffs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++)
    if (!(Object.is(a[i], b[i]) || (a[i] === 0 && b[i] === 0))) n++;
  return n;
}

/** Test helpers: the shared golden fixtures (skipped, saying why, when absent). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MicroBatch } from '@gft/core';
import { packed3Batches, sharedFixturesDir } from '@gft/core/testing';

export { bitDiffs, relErr } from '@gft/core/testing';

export const FIXTURES = sharedFixturesDir();
export const HAS_FIXTURES = existsSync(join(FIXTURES, 'tiny-gemma2-lora'));

/** The fixtures' packed3 batch (three sequences, packed layout). */
export async function packed3(): Promise<MicroBatch> {
  return packed3Batches(FIXTURES).packed;
}

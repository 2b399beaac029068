/** Test helpers: the repository's golden fixtures. */
import type { MicroBatch } from '@gft/core';
import { goldenFixturesDir, packed3Batches } from '@gft/core/testing';

export { bitDiffs, relErr } from '@gft/core/testing';

export const FIXTURES = goldenFixturesDir();

/** The fixtures' packed3 batch (three sequences, packed layout). */
export async function packed3(): Promise<MicroBatch> {
  return packed3Batches(FIXTURES).packed;
}

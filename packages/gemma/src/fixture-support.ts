/**
 * Test support (not exported): the repository's golden fixtures, the packed3 batch in both
 * layouts, and tolerance checks that print the max difference. Used by *.test.ts only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MicroBatch } from '@gft/core';
import { goldenFixturesDir, packed3Batches } from '@gft/core/testing';
import { openCheckpoint, openSafetensors, type TensorReader } from '@gft/safetensors';
import { readerWeightStore } from './checkpoint-load.js';
import { configFromHf, type GemmaConfig } from './config.js';
import type { WeightStore } from './weight-store.js';

export { within } from '@gft/core/testing';

export const FIXTURES = goldenFixturesDir();

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readTensors(path: string): TensorReader {
  return openSafetensors(path);
}

/** The packed3 batch: packed and padded micro-batches of the same three sequences. */
export function packed3(): { packed: MicroBatch; padded: MicroBatch } {
  return packed3Batches(FIXTURES);
}

export function readConfig(path: string): GemmaConfig {
  return configFromHf(JSON.parse(readFileSync(path, 'utf8')), path);
}

export function checkpointStore(dir: string): WeightStore {
  return readerWeightStore(openCheckpoint(dir), dir);
}

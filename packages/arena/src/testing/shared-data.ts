/** Test helper: where the real arena sample lives (../shared next to the repo), if present. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedDir } from '@gft/core/testing';

export const SHARED = findSharedDir();
export const ARENA_SAMPLE = join(SHARED, 'data', 'arena', 'train_sample.csv');
export const HAS_SAMPLE = existsSync(ARENA_SAMPLE);

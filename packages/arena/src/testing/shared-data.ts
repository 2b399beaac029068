/**
 * Test helper: the real arena sample (../shared/data/arena beside the repository, never
 * copied into it) and whether this machine has it: the `arena-data` requirement.
 */
import { join } from 'node:path';
import { arenaDataDir, needs } from '@gft/core/testing';

export const ARENA_SAMPLE = join(arenaDataDir(), 'train_sample.csv');
export const arenaData = needs('arena-data');

/**
 * The arena package's randomness (shuffles, splits, synthetic data) on core's seeded
 * generator. The seed is mixed with a constant first, as it always was here, so a seed gives
 * the same rows, splits and orders as before the generators were merged.
 */
import { type SeededRandom, seededRandom, shuffledIndices as shuffledWith } from '@gft/core';

export type Rng = Pick<SeededRandom, 'next' | 'int' | 'normal'>;

function arenaSeed(seed: number): number {
  return (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
}

export function createRng(seed: number): Rng {
  return seededRandom(arenaSeed(seed));
}

/** Fisher-Yates permutation of 0..n-1. */
export function shuffledIndices(n: number, seed: number): number[] {
  return shuffledWith(n, arenaSeed(seed));
}

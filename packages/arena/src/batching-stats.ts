/**
 * How a collator batches a set of rows under a batch size and token budget: one seeded epoch
 * through the loader, totalled. Efficiency is real / computed tokens, so padding shows as the
 * gap below 1. The numbers `gft data preview` and the data-path bench compare padded and
 * packed layouts with. Not timing: that is the bench's job.
 */
import type { CollateOrder, Collator, TokenizedRow } from '@gft/core';
import { createLoader } from './loader.js';

export interface BatchingStatsOptions {
  batchSize: number;
  maxTokens: number;
  seed?: number;
  order?: CollateOrder;
  padId?: number;
}

export interface BatchingStats {
  collator: string;
  layout: Collator['layout'];
  loaderBatches: number;
  microBatches: number;
  realTokens: number;
  computedTokens: number;
  /** realTokens / computedTokens over the epoch. */
  efficiency: number;
  /** The least and most efficient loader batch. */
  batchEfficiency: { min: number; max: number };
}

export function batchingStats(
  rows: readonly TokenizedRow[],
  collator: Collator,
  options: BatchingStatsOptions,
): BatchingStats {
  const loader = createLoader(rows, { collator, ...options });
  let microBatches = 0;
  let real = 0;
  let computed = 0;
  let loaderBatches = 0;
  let min = 1;
  let max = 0;
  for (const b of loader.epoch(0)) {
    loaderBatches++;
    microBatches += b.stats.microBatches;
    real += b.stats.realTokens;
    computed += b.stats.computedTokens;
    min = Math.min(min, b.stats.efficiency);
    max = Math.max(max, b.stats.efficiency);
  }
  return {
    collator: collator.name,
    layout: collator.layout,
    loaderBatches,
    microBatches,
    realTokens: real,
    computedTokens: computed,
    efficiency: computed === 0 ? 1 : real / computed,
    batchEfficiency: loaderBatches === 0 ? { min: 1, max: 1 } : { min, max },
  };
}

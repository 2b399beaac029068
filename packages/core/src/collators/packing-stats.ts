/** Packing efficiency of a set of micro-batches: real tokens / computed tokens. */
import type { PackingStats } from '../collator.js';
import { computedTokens, type MicroBatch, realTokens } from '../micro-batch.js';

export function packingStats(batches: readonly MicroBatch[]): PackingStats {
  let real = 0;
  let computed = 0;
  for (const mb of batches) {
    real += realTokens(mb);
    computed += computedTokens(mb);
  }
  return {
    microBatches: batches.length,
    realTokens: real,
    computedTokens: computed,
    efficiency: computed === 0 ? 1 : real / computed,
  };
}

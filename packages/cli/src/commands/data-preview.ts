/** `gft data preview`: what the collator makes of the first loader batches (no model). */
import { packingStats } from '@gft/core';
import { preset } from '@gft/gemma';
import type { RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';
import { loaderBatches } from '../session.js';

export async function dataPreviewCommand(config: RunConfig) {
  const registry = cliRegistry();
  const collator = await registry.create('collator', config.collator);
  const set = { collator } as Parameters<typeof loaderBatches>[1];
  const batches = loaderBatches(
    config,
    set,
    preset(config.preset).vocabSize,
    Math.min(config.rows, config.batchSize * 3),
    config.seed,
  );
  return batches.map((b, i) => {
    const s = packingStats(b);
    return {
      batch: i,
      rows: b.reduce((n, mb) => n + mb.batchSize, 0),
      microBatches: b.map((mb) => ({
        layout: mb.layout,
        sequences: mb.batchSize,
        maxSeqLen: mb.maxSeqLen,
        seqLens: mb.seqLens,
        tokens: mb.inputIds.length,
      })),
      realTokens: s.realTokens,
      computedTokens: s.computedTokens,
      paddingRatio: 1 - s.efficiency,
    };
  });
}

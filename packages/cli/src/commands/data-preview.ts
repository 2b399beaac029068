/**
 * `gft data preview`: what the data is and what batching makes of it, with no model built.
 * First the statistics of every row (read / skipped, labels, multi-turn, truncation, token
 * lengths) and the padded vs packed batching of all rows at the run's batch size and token
 * budget; then the micro-batches of the first `steps` loader batches of the training rows in
 * the seed's terms (len(input_ids[0]), len(position_ids[0]), cu_seqlens, len(cu_seqlens),
 * len(input_text), the last 10 words of the first text). The numbers come from @gft/arena;
 * this file gathers and prints them.
 */
import {
  type ArenaDataStats,
  arenaDataStats,
  type BatchingStats,
  batchingStats,
  createLoader,
  formatPreview,
  type MicroBatchPreview,
  previewMicroBatch,
} from '@gft/arena';
import type { Collator } from '@gft/core';
import { loadRunRows } from '../arena-data.js';
import type { RunConfig } from '../config.js';
import { formatDataStats } from '../format-data-stats.js';
import { cliRegistry } from '../registry.js';
import { runTokenizer } from '../session.js';

export interface PreviewBatch {
  batch: number;
  rows: number;
  realTokens: number;
  computedTokens: number;
  paddingRatio: number;
  microBatches: (MicroBatchPreview & { layout: string; sequences: number })[];
}

/** The layouts the statistics compare, whatever `--collator` samples with. */
const COMPARED_COLLATORS = ['padding', 'varlen-packing'];

export interface DataBatching {
  batchSize: number;
  maxTokens: number;
  maxSequenceLength: number;
  seed: number;
  collators: BatchingStats[];
}

export interface DataPreview {
  source: string;
  stats: ArenaDataStats;
  /** All rows batched as a training epoch would be (seeded shuffle), per compared collator. */
  batching: DataBatching;
  batches: PreviewBatch[];
}

export async function dataPreviewCommand(config: RunConfig): Promise<DataPreview> {
  const registry = cliRegistry();
  const collator = (await registry.create('collator', config.collator)) as Collator;
  const tokenizer = await runTokenizer(config, registry);
  // Previewing needs no labels: a test.csv shows its statistics and micro-batches too.
  const rows = await loadRunRows(config, tokenizer, 'preview');
  // File order, so the seeded shuffle batches exactly what `pnpm --filter @gft/arena bench` does.
  const all = rows.all ?? [...rows.train, ...rows.eval];
  const padId = tokenizer.specialTokens.pad;
  const collators = await Promise.all(
    COMPARED_COLLATORS.map(async (name) =>
      batchingStats(all, (await registry.create('collator', name)) as Collator, {
        batchSize: config.batchSize,
        maxTokens: config.maxTokens,
        seed: config.seed,
        padId,
      }),
    ),
  );
  const loader = createLoader(rows.train, {
    collator,
    batchSize: config.batchSize,
    maxTokens: config.maxTokens,
    seed: config.seed,
    padId,
    keepText: true,
  });
  const batches: PreviewBatch[] = [];
  for (const b of loader.epoch(0)) {
    if (batches.length >= config.steps) break;
    batches.push({
      batch: b.index,
      rows: b.rows.length,
      realTokens: b.stats.realTokens,
      computedTokens: b.stats.computedTokens,
      paddingRatio: 1 - b.stats.efficiency,
      microBatches: b.microBatches.map((mb) => ({
        layout: mb.layout,
        sequences: mb.batchSize,
        ...previewMicroBatch(mb),
      })),
    });
  }
  return {
    source: rows.source,
    stats: arenaDataStats(all, rows.skippedRows),
    batching: {
      batchSize: config.batchSize,
      maxTokens: config.maxTokens,
      maxSequenceLength: config.maxSequenceLength,
      seed: config.seed,
      collators,
    },
    batches,
  };
}

/** The text form: the statistics, then a header per loader batch and the seed's lines. */
export function formatDataPreview(r: DataPreview): string {
  const lines = [`data: ${r.source}`, ...formatDataStats(r.stats, r.batching)];
  if (r.batches.length > 0) lines.push('', `first ${r.batches.length} training loader batch(es):`);
  for (const b of r.batches) {
    lines.push(
      '',
      `loader batch ${b.batch}: ${b.rows} rows -> ${b.microBatches.length} micro-batches, ${b.realTokens}/${b.computedTokens} real/computed tokens (padding ${(b.paddingRatio * 100).toFixed(1)}%)`,
    );
    b.microBatches.forEach((mb, i) => {
      lines.push(formatPreview(mb, i));
    });
  }
  return lines.join('\n');
}

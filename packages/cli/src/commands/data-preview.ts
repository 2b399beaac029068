/**
 * `gft data preview`: what the loader and collator make of the first `steps` loader batches
 * of the training rows, micro-batch by micro-batch, in the seed's terms (len(input_ids[0]),
 * len(position_ids[0]), cu_seqlens, len(cu_seqlens), len(input_text), the last 10 words of
 * the first text). No model is built.
 */
import { createLoader, formatPreview, type MicroBatchPreview, previewMicroBatch } from '@gft/arena';
import type { Collator } from '@gft/core';
import { loadRunRows } from '../arena-data.js';
import type { RunConfig } from '../config.js';
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

export async function dataPreviewCommand(config: RunConfig): Promise<{
  source: string;
  batches: PreviewBatch[];
}> {
  const registry = cliRegistry();
  const collator = (await registry.create('collator', config.collator)) as Collator;
  const tokenizer = await runTokenizer(config, registry);
  // Previewing batches needs no labels: a test.csv shows its micro-batches too.
  const rows = await loadRunRows({ ...config, evalRows: 0 }, tokenizer, 'train', 'optional');
  const loader = createLoader(rows.train, {
    collator,
    batchSize: config.batchSize,
    maxTokens: config.maxTokens,
    seed: config.seed,
    padId: tokenizer.specialTokens.pad,
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
  return { source: rows.source, batches };
}

/** The text form: a header per loader batch, then the seed's lines per micro-batch. */
export function formatDataPreview(r: Awaited<ReturnType<typeof dataPreviewCommand>>): string {
  const lines = [`data: ${r.source}`];
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

/**
 * Data-path benchmark: tokenizer throughput (inline vs a 4-worker pool) and, on the real
 * sample (or synthetic rows when it is absent), padded vs packed micro-batching at 80 rows /
 * 16384 tokens, shuffled with seed 0. Run: pnpm --filter @gft/arena bench (build the
 * workspace deps first). Prints numbers; asserts nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type CollateOrder, type Collator, packingStats, paddingCollator } from '@gft/core';
import { arenaDataDir } from '@gft/core/testing';
import { varlenPacking } from '@gft/plugin-varlen-packing';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import {
  type ArenaRecord,
  createLoader,
  createTokenizerPool,
  formatJudgePrompt,
  lengthDistribution,
  readArenaAll,
  syntheticArena,
  tokenizeArena,
} from '../src/index.js';

const SAMPLE = join(arenaDataDir(import.meta.dirname), 'train_sample.csv');

async function main(): Promise<void> {
  const tokenizer = gemmaTokenizer();
  let t = performance.now();
  await tokenizer.setup?.();
  console.log(
    `tokenizer setup: ${(performance.now() - t).toFixed(0)} ms (machine: 2 cores, shared)`,
  );

  let records: ArenaRecord[];
  let source: string;
  if (existsSync(SAMPLE)) {
    records = (await readArenaAll(SAMPLE, { onBadRow: 'error' })).records;
    source = `real sample (${records.length} rows)`;
  } else {
    records = syntheticArena(999, { seed: 0 });
    source = 'synthetic (999 rows; ../shared sample absent)';
  }
  console.log(`data: ${source}`);

  // 1. Throughput on the formatted judge prompts (whole texts, no truncation).
  const texts = records.map((r) => formatJudgePrompt(r));
  const rates: Record<number, number> = {};
  for (const numWorkers of [1, 4]) {
    t = performance.now();
    const pool = await createTokenizerPool(tokenizer, { numWorkers });
    const startup = performance.now() - t;
    t = performance.now();
    const ids = await pool.encodeMany(texts);
    const seconds = (performance.now() - t) / 1000;
    await pool.close();
    const tokens = ids.reduce((s, a) => s + a.length, 0);
    rates[numWorkers] = tokens / seconds;
    console.log(
      `tokenize ${numWorkers} worker(s): ${tokens} tokens in ${seconds.toFixed(2)} s = ${Math.round(rates[numWorkers])} tokens/s (pool startup ${startup.toFixed(0)} ms)`,
    );
  }
  console.log(`speed-up 4 workers vs 1: ${(rates[4] / rates[1]).toFixed(2)}x`);

  // 2. Padded vs packed at 80 rows / 16384 tokens, shuffled with seed 0.
  const rows = await tokenizeArena(records, tokenizer, { numWorkers: 4 });
  // The same percentiles `gft data preview` prints (nearest rank).
  const before = lengthDistribution(rows.map((r) => r.fullLength));
  const after = lengthDistribution(rows.map((r) => r.ids.length));
  console.log(
    `judge-prompt tokens before truncation: mean ${before.mean.toFixed(0)}, p10 ${before.p10}, p50 ${before.p50}, p90 ${before.p90}, p99 ${before.p99}, max ${before.max}; truncated to 4096: ${rows.filter((r) => r.truncated).length} rows; after: p50 ${after.p50}, max ${after.max}`,
  );
  const collators: Collator[] = [paddingCollator(), varlenPacking()];
  const orders: CollateOrder[] = ['keep', 'sort', 'first-fit-decreasing'];
  let paddedKeep = 0;
  for (const order of orders) {
    for (const collator of collators) {
      const loader = createLoader(rows, {
        collator,
        batchSize: 80,
        maxTokens: 16384,
        seed: 0,
        order,
      });
      t = performance.now();
      const batches = [...loader.epoch(0)];
      const ms = performance.now() - t;
      const stats = packingStats(batches.flatMap((b) => b.microBatches));
      const perBatch = batches.map((b) => b.stats.efficiency);
      if (order === 'keep' && collator.layout === 'padded') paddedKeep = stats.microBatches;
      console.log(
        `${collator.name.padEnd(14)} order ${order.padEnd(20)}: ${batches.length} batches, ${stats.microBatches} micro-batches, efficiency ${stats.efficiency.toFixed(3)} (per batch ${Math.min(...perBatch).toFixed(3)}-${Math.max(...perBatch).toFixed(3)}), computed ${stats.computedTokens} for ${stats.realTokens} real tokens, collate ${ms.toFixed(0)} ms` +
          (paddedKeep && collator.layout === 'packed'
            ? `; micro-batches vs padded/keep: ${(stats.microBatches / paddedKeep).toFixed(2)}x`
            : ''),
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

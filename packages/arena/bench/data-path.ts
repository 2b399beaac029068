/**
 * Data-path benchmark: the tokenizer pool's start time and tokens/s for inline, 2 and 4
 * workers (and the old start, each worker re-reading the tokenizer.json) and, on the real
 * sample (or synthetic rows when it is absent), padded vs packed micro-batching at 80 rows /
 * 16384 tokens, shuffled with seed 0. Run: pnpm --filter @gft/arena bench (build the
 * workspace deps first). Prints numbers; asserts nothing.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type CollateOrder, type Collator, paddingCollator, type Tokenizer } from '@gft/core';
import { arenaDataDir } from '@gft/core/testing';
import { varlenPacking } from '@gft/plugin-varlen-packing';
import { bundledGemmaTokenizerFile, gemmaTokenizer } from '@gft/tokenizer-gemma';
import {
  type ArenaRecord,
  batchingStats,
  createTokenizerPool,
  formatJudgePrompt,
  lengthDistribution,
  readArenaAll,
  syntheticArena,
  tokenizeArena,
} from '../src/index.js';

const POOL_ROWS = 300;
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The same tokenizer, but its workers rebuild it from the tokenizer.json (the old path). */
function fromFileInWorkers(tokenizer: Tokenizer): Tokenizer {
  return {
    kind: 'tokenizer',
    name: tokenizer.name,
    vocabSize: tokenizer.vocabSize,
    specialTokens: tokenizer.specialTokens,
    encode: (text, options) => tokenizer.encode(text, options),
    decode: (ids, options) => tokenizer.decode(ids, options),
    tokenToId: (token) => tokenizer.tokenToId(token),
    workerSpec: () => ({
      module: '@gft/tokenizer-gemma',
      exportName: 'gemmaTokenizer',
      options: { file: bundledGemmaTokenizerFile() },
    }),
  };
}

async function benchTokenizerPool(tokenizer: Tokenizer, texts: string[]): Promise<void> {
  const cores = availableParallelism();
  console.log(
    `tokenizer pool on ${texts.length} judge prompts, medians of ${REPEATS} runs; ${cores} cores: ` +
      `more than ${cores - 1} workers (beside the main thread) cannot scale here`,
  );
  const measure = async (
    numWorkers: number,
    source: Tokenizer,
  ): Promise<{ start: number; setup: number[]; rate: number; shared: boolean }> => {
    const starts: number[] = [];
    const setups: number[] = [];
    const rates: number[] = [];
    let shared = false;
    for (let r = 0; r < REPEATS; r++) {
      const pool = await createTokenizerPool(source, { numWorkers });
      starts.push(pool.startup?.ms ?? 0);
      setups.push(...(pool.startup?.workerSetupMs ?? []));
      shared = pool.startup?.fromSnapshot ?? false;
      const t = performance.now();
      const ids = await pool.encodeMany(texts);
      const seconds = (performance.now() - t) / 1000;
      await pool.close();
      rates.push(ids.reduce((s, a) => s + a.length, 0) / seconds);
    }
    return { start: median(starts), setup: setups, rate: median(rates), shared };
  };
  const inline = await measure(0, tokenizer);
  console.log(`  inline (= numWorkers 0 or 1): ${Math.round(inline.rate)} tokens/s (1.00x)`);
  for (const numWorkers of [2, 4]) {
    const pooled = await measure(numWorkers, tokenizer);
    console.log(
      `  ${numWorkers} workers    : ${Math.round(pooled.rate)} tokens/s (${(pooled.rate / inline.rate).toFixed(2)}x inline); ` +
        `start ${pooled.start.toFixed(0)} ms, per-worker build median ${median(pooled.setup).toFixed(0)} ms ` +
        `(${pooled.shared ? 'shared snapshot' : 'from file'})`,
    );
  }
  for (const numWorkers of [2, 4]) {
    const fromFile = await measure(numWorkers, fromFileInWorkers(tokenizer));
    console.log(
      `  ${numWorkers} workers, each re-reading tokenizer.json (old path): start ${fromFile.start.toFixed(0)} ms, ` +
        `per-worker build median ${median(fromFile.setup).toFixed(0)} ms; ${Math.round(fromFile.rate)} tokens/s`,
    );
  }
}

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

  // 1. Tokenizer pool: start time and throughput per worker count, on the formatted judge
  // prompts (whole texts, no truncation). numWorkers 1 runs inline by design.
  await benchTokenizerPool(
    tokenizer,
    records.slice(0, POOL_ROWS).map((r) => formatJudgePrompt(r)),
  );

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
      t = performance.now();
      const stats = batchingStats(rows, collator, {
        batchSize: 80,
        maxTokens: 16384,
        seed: 0,
        order,
      });
      const ms = performance.now() - t;
      if (order === 'keep' && collator.layout === 'padded') paddedKeep = stats.microBatches;
      console.log(
        `${collator.name.padEnd(14)} order ${order.padEnd(20)}: ${stats.loaderBatches} batches, ${stats.microBatches} micro-batches, efficiency ${stats.efficiency.toFixed(3)} (per batch ${stats.batchEfficiency.min.toFixed(3)}-${stats.batchEfficiency.max.toFixed(3)}), computed ${stats.computedTokens} for ${stats.realTokens} real tokens, collate ${ms.toFixed(0)} ms` +
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

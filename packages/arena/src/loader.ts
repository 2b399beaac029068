/**
 * The loader: tokenized rows -> loader batches of `batchSize` rows (seed: 80), each collated
 * into micro-batches under `maxTokens` (seed: 16384), with a seeded shuffle per epoch and
 * each batch's packing efficiency. The last, smaller batch is kept: nothing is dropped.
 * It does not tokenize (tokenize-arena.ts) or decide the layout (the collator does).
 */
import {
  type CollateOrder,
  type Collator,
  GftError,
  type MicroBatch,
  type PackingStats,
  packingStats,
  type TokenizedRow,
} from '@gft/core';
import { shuffledIndices } from './random.js';

export interface LoaderOptions {
  collator: Collator;
  /** Rows per loader batch (one optimizer step). Seed: 80. */
  batchSize?: number;
  /** Token budget of a micro-batch. Seed: 16384. */
  maxTokens?: number;
  /** Shuffle rows each epoch (default true), with `seed + epoch`. */
  shuffle?: boolean;
  seed?: number;
  /** Order inside a loader batch: 'keep', 'sort' or 'first-fit-decreasing' (default 'keep'). */
  order?: CollateOrder;
  padId?: number;
  keepText?: boolean;
}

export interface LoaderBatch {
  epoch: number;
  /** Index of the batch within its epoch. */
  index: number;
  rows: TokenizedRow[];
  microBatches: MicroBatch[];
  stats: PackingStats;
}

export interface Loader {
  /** Loader batches per epoch. */
  readonly batchesPerEpoch: number;
  epoch(epoch?: number): Generator<LoaderBatch>;
}

export const DEFAULT_BATCH_SIZE = 80;
export const DEFAULT_MAX_TOKENS = 16384;

export function createLoader(rows: readonly TokenizedRow[], options: LoaderOptions): Loader {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  for (const [field, value] of [
    ['batchSize', batchSize],
    ['maxTokens', maxTokens],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new GftError('BAD_CONFIG', `${field} must be a positive integer, got ${value}`, {
        where: field,
      });
    }
  }
  const seed = options.seed ?? 0;
  return {
    batchesPerEpoch: Math.ceil(rows.length / batchSize),
    *epoch(epoch = 0) {
      const order =
        options.shuffle === false
          ? rows.map((_, i) => i)
          : shuffledIndices(rows.length, seed + epoch);
      for (let start = 0, index = 0; start < order.length; start += batchSize, index++) {
        const batch = order.slice(start, start + batchSize).map((i) => rows[i]);
        const microBatches = options.collator.collate(batch, {
          maxTokens,
          order: options.order,
          padId: options.padId,
          keepText: options.keepText,
        });
        yield { epoch, index, rows: batch, microBatches, stats: packingStats(microBatches) };
      }
    },
  };
}

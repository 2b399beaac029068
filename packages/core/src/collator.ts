/** The collator contract: one loader batch of tokenized rows -> micro-batches under a budget. */
import type { MicroBatch, MicroBatchLayout } from './micro-batch.js';
import type { PluginBase } from './plugin.js';

/** A formatted, tokenized record. */
export interface TokenizedRow {
  id: string;
  ids: Int32Array;
  /** [3] probability row: A wins, B wins, tie. */
  label: Float32Array;
  text?: string;
}

export type CollateOrder = 'keep' | 'sort' | 'first-fit-decreasing';

export interface CollateOptions {
  /** Token budget of one micro-batch (computed tokens, padding included). Seed: 16384. */
  maxTokens: number;
  /** 'keep' preserves row order; the others minimise the number of micro-batches. */
  order?: CollateOrder;
  padId?: number;
  keepText?: boolean;
}

export interface Collator extends PluginBase<'collator'> {
  readonly layout: MicroBatchLayout;
  /**
   * Every row lands in exactly one micro-batch; a row longer than `maxTokens` gets a
   * micro-batch of its own rather than being dropped.
   */
  collate(rows: readonly TokenizedRow[], options: CollateOptions): MicroBatch[];
}

/** Real tokens / computed tokens over a set of micro-batches (1 = no padding). */
export interface PackingStats {
  microBatches: number;
  realTokens: number;
  computedTokens: number;
  efficiency: number;
}

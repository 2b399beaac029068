/**
 * The `varlen-packing` collator plugin: a loader batch becomes packed micro-batches whose
 * real tokens sum to at most `maxTokens` (no padding is computed). Grouping is core's
 * `groupUnderBudget`, shared with the padding baseline, so the two differ only in cost.
 * A row longer than `maxTokens` gets a micro-batch of its own; no row is ever dropped.
 */
import { type Collator, checkBudget, groupUnderBudget } from '@gft/core';
import { packedMicroBatch } from './packed-micro-batch.js';

export interface VarlenPackingOptions {
  /** Keep each row's formatted text in `inputText` (default false; previews turn it on). */
  keepText?: boolean;
}

export function varlenPacking(defaults: VarlenPackingOptions = {}): Collator {
  return {
    kind: 'collator',
    name: 'varlen-packing',
    layout: 'packed',
    collate(rows, options) {
      checkBudget(options);
      const groups = groupUnderBudget(
        rows.map((r) => r.ids.length),
        options.maxTokens,
        // A packed micro-batch computes exactly its real tokens.
        (_count, sumLen) => sumLen,
        options.order,
      );
      const keepText = options.keepText ?? defaults.keepText ?? false;
      return groups.map((g) =>
        packedMicroBatch(
          g.map((i) => rows[i]),
          keepText,
        ),
      );
    },
  };
}

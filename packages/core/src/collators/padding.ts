/**
 * The built-in `padding` collator, the baseline: each micro-batch is a [B, L] block of
 * right-padded rows with rows x longest <= maxTokens, padding counted as computed tokens.
 */
import type { CollateOptions, Collator, TokenizedRow } from '../collator.js';
import { GftError } from '../errors/gft-error.js';
import type { MicroBatch } from '../micro-batch.js';
import { groupUnderBudget } from './grouping.js';

export interface PaddingCollatorOptions {
  /** Token id written into padding positions (Gemma: 0). */
  padId?: number;
}

export function paddingCollator(defaults: PaddingCollatorOptions = {}): Collator {
  return {
    kind: 'collator',
    name: 'padding',
    layout: 'padded',
    collate(rows, options) {
      checkBudget(options);
      const groups = groupUnderBudget(
        rows.map((r) => r.ids.length),
        options.maxTokens,
        (count, _sum, maxLen) => count * maxLen,
        options.order,
      );
      const padId = options.padId ?? defaults.padId ?? 0;
      return groups.map((g) =>
        paddedMicroBatch(
          g.map((i) => rows[i]),
          padId,
          options.keepText ?? false,
        ),
      );
    },
  };
}

export function checkBudget(options: CollateOptions): void {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens <= 0) {
    throw new GftError(
      'BAD_CONFIG',
      `maxTokens must be a positive integer, got ${options.maxTokens}`,
      { where: 'maxTokens' },
    );
  }
}

export function paddedMicroBatch(
  rows: readonly TokenizedRow[],
  padId: number,
  keepText: boolean,
): MicroBatch {
  const batchSize = rows.length;
  const seqLens = rows.map((r) => r.ids.length);
  const maxSeqLen = Math.max(...seqLens);
  const inputIds = new Int32Array(batchSize * maxSeqLen).fill(padId);
  const positionIds = new Int32Array(batchSize * maxSeqLen);
  const attentionMask = new Int32Array(batchSize * maxSeqLen);
  const cuSeqlens = new Int32Array(batchSize + 1);
  const labels = new Float32Array(batchSize * 3);
  rows.forEach((row, b) => {
    inputIds.set(row.ids, b * maxSeqLen);
    attentionMask.fill(1, b * maxSeqLen, b * maxSeqLen + row.ids.length);
    for (let t = 0; t < maxSeqLen; t++) positionIds[b * maxSeqLen + t] = t;
    cuSeqlens[b + 1] = cuSeqlens[b] + row.ids.length;
    labels.set(row.label, b * 3);
  });
  return {
    layout: 'padded',
    batchSize,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens,
    maxSeqLen,
    labels,
    attentionMask,
    rowIds: rows.map((r) => r.id),
    inputText: keepText ? rows.map((r) => r.text ?? '') : undefined,
  };
}

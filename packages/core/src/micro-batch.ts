/**
 * The micro-batch: what a collator produces and the model consumes (the seed's format).
 *
 * Shape legend: B = sequences in the micro-batch, T = total real tokens (packed),
 * L = `maxSeqLen` (padded row length).
 */

export type MicroBatchLayout = 'packed' | 'padded';

export interface MicroBatch {
  layout: MicroBatchLayout;
  /** Sequences in this micro-batch (B). */
  batchSize: number;
  /** packed: [1, T], sequences back to back; padded: [B, L] row-major, right-padded. */
  inputIds: Int32Array;
  /** packed: [1, T], restarting at 0 for each sequence; padded: [B, L], 0..L-1 per row. */
  positionIds: Int32Array;
  /** Real length of each sequence, [B]. */
  seqLens: number[];
  /** Prefix sums of `seqLens` over the packed row: [B + 1], starts at 0, int32. */
  cuSeqlens: Int32Array;
  /** Longest sequence (L). */
  maxSeqLen: number;
  /** [B, 3] probability rows (A wins, B wins, tie); one-hot or soft. */
  labels: Float32Array;
  /** padded only: [B, L], 1 for a real token, 0 for padding. */
  attentionMask?: Int32Array;
  /** Row ids of the source records, [B], for predictions and error messages. */
  rowIds?: string[];
  /** The formatted prompt of each sequence, for previews and debugging. */
  inputText?: string[];
}

/** Tokens the model computes on for this micro-batch (padding included). */
export function computedTokens(mb: MicroBatch): number {
  return mb.layout === 'packed' ? mb.inputIds.length : mb.batchSize * mb.maxSeqLen;
}

/** Real tokens in this micro-batch (padding excluded). */
export function realTokens(mb: MicroBatch): number {
  let n = 0;
  for (const len of mb.seqLens) n += len;
  return n;
}

/** Index into the flattened token axis of each sequence's last real token, [B]. */
export function lastTokenIndex(mb: MicroBatch): Int32Array {
  const out = new Int32Array(mb.batchSize);
  for (let i = 0; i < mb.batchSize; i++) {
    out[i] =
      mb.layout === 'packed' ? mb.cuSeqlens[i + 1] - 1 : i * mb.maxSeqLen + mb.seqLens[i] - 1;
  }
  return out;
}

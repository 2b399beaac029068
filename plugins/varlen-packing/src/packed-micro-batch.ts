/**
 * Builds one packed micro-batch: sequences back to back in a single [1, T] row, with
 * `cuSeqlens` marking where each starts and `positionIds` restarting at 0 per sequence.
 * It does not decide which rows go together (see `varlenPacking`), and it never pads.
 *
 * Shape legend: B = sequences, T = sum of their lengths.
 */
import { GftError, type MicroBatch, type TokenizedRow } from '@gft/core';

export function packedMicroBatch(rows: readonly TokenizedRow[], keepText: boolean): MicroBatch {
  if (rows.length === 0) {
    throw new GftError('INTERNAL', 'packedMicroBatch: a micro-batch needs at least one row');
  }
  const batchSize = rows.length;
  const seqLens = rows.map((r) => r.ids.length);
  // [B + 1] prefix sums, int32 as varlen attention kernels expect.
  const cuSeqlens = new Int32Array(batchSize + 1);
  for (let b = 0; b < batchSize; b++) {
    if (seqLens[b] === 0) {
      throw new GftError('BAD_INPUT', `row '${rows[b].id}' has no tokens; it cannot be packed`, {
        where: `row ${rows[b].id}`,
      });
    }
    cuSeqlens[b + 1] = cuSeqlens[b] + seqLens[b];
  }
  const total = cuSeqlens[batchSize];
  const inputIds = new Int32Array(total); // [1, T]
  const positionIds = new Int32Array(total); // [1, T]
  const labels = new Float32Array(batchSize * 3); // [B, 3]
  rows.forEach((row, b) => {
    const start = cuSeqlens[b];
    inputIds.set(row.ids, start);
    for (let t = 0; t < row.ids.length; t++) positionIds[start + t] = t;
    if (row.label.length !== 3) {
      throw new GftError(
        'BAD_INPUT',
        `row '${row.id}': label must have 3 entries (A, B, tie), got ${row.label.length}`,
        { where: `row ${row.id}` },
      );
    }
    labels.set(row.label, b * 3);
  });
  return {
    layout: 'packed',
    batchSize,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens,
    maxSeqLen: Math.max(...seqLens),
    labels,
    rowIds: rows.map((r) => r.id),
    inputText: keepText ? rows.map((r) => r.text ?? '') : undefined,
  };
}

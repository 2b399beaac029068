/**
 * Packs encoded rows into one gft micro-batch (`packed` layout: sequences back to back,
 * positions restarting per sequence, cu_seqlens marking the boundaries), which is what the
 * model and the varlen attention kernel take. Not a collator plugin: a fixed group of rows.
 */
import type { MicroBatch } from '@gft/core';

export function packRows(rows: Int32Array[], labels: ArrayLike<number>[]): MicroBatch {
  const seqLens = rows.map((r) => r.length);
  const total = seqLens.reduce((a, b) => a + b, 0);
  const inputIds = new Int32Array(total);
  const positionIds = new Int32Array(total);
  const cuSeqlens = new Int32Array(rows.length + 1);
  rows.forEach((row, b) => {
    inputIds.set(row, cuSeqlens[b]);
    for (let p = 0; p < row.length; p++) positionIds[cuSeqlens[b] + p] = p;
    cuSeqlens[b + 1] = cuSeqlens[b] + row.length;
  });
  const flat = new Float32Array(rows.length * 3);
  for (const [b, l] of labels.entries()) flat.set(Array.from(l), b * 3);
  return {
    layout: 'packed',
    batchSize: rows.length,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens,
    maxSeqLen: Math.max(...seqLens),
    labels: flat,
  };
}

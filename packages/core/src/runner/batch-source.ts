/**
 * What the runner reads: loader batches, each already collated into micro-batches. A
 * source is a function of the first batch index so a resumed run restarts the data exactly
 * where the checkpoint left it (the loader's whole state is that index, given its seed).
 */
import type { MicroBatch } from '../micro-batch.js';

export type BatchSource = (start: number) => Iterable<MicroBatch[]> | AsyncIterable<MicroBatch[]>;

/** A source over a fixed list of loader batches, cycling when a run asks for more. */
export function arrayBatchSource(batches: readonly MicroBatch[][]): BatchSource {
  return function* (start) {
    if (batches.length === 0) return;
    for (let i = start; ; i++) yield batches[i % batches.length];
  };
}

/** Rows in a loader batch (the sum of its micro-batches' sequences). */
export function batchRows(batch: readonly MicroBatch[]): number {
  let n = 0;
  for (const mb of batch) n += mb.batchSize;
  return n;
}

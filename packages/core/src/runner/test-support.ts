/**
 * Test support for the runner's own tests (not exported): seeded tokenized rows with a
 * learnable signal (the label depends on which token range dominates), collated by the
 * built-in padding collator.
 */
import type { TokenizedRow } from '../collator.js';
import { paddingCollator } from '../collators/padding.js';
import type { MicroBatch } from '../micro-batch.js';
import { seededRandom } from '../seeded-random.js';

export function syntheticRows(n: number, seed: number, prefix = 'r'): TokenizedRow[] {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const cls = Math.floor(rng.next() * 3);
    const len = 4 + Math.floor(rng.next() * 20);
    const ids = new Int32Array(len);
    for (let t = 0; t < len; t++) {
      const signal = rng.next() < 0.6;
      ids[t] = signal ? 10 + cls * 50 + Math.floor(rng.next() * 50) : Math.floor(rng.next() * 500);
    }
    const label = new Float32Array(3);
    label[cls] = 1;
    return { id: `${prefix}${i}`, ids, label };
  });
}

/** `batches` loader batches of `rows` rows each, split under `maxTokens` per micro-batch. */
export function syntheticBatches(
  batches: number,
  rows: number,
  maxTokens: number,
  seed: number,
): MicroBatch[][] {
  const collator = paddingCollator();
  return Array.from({ length: batches }, (_, b) =>
    collator.collate(syntheticRows(rows, seed * 1000 + b, `b${b}r`), { maxTokens }),
  );
}

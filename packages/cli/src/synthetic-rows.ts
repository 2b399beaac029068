/**
 * Interim data source: seeded tokenized rows with a learnable signal (the label depends on
 * which id range dominates the row). Used until @gft/arena's generator, judge prompt and
 * tokenizer pool land; then `data: "synthetic"` goes through arena instead. Not text: it
 * never touches a tokenizer.
 */
import { seededRandom, type TokenizedRow } from '@gft/core';

export function syntheticTokenRows(
  n: number,
  options: { seed: number; vocabSize: number; maxLen: number; prefix?: string },
): TokenizedRow[] {
  const rng = seededRandom(options.seed);
  const band = Math.max(1, Math.floor((options.vocabSize - 10) / 3));
  const minLen = Math.max(2, Math.floor(options.maxLen / 8));
  return Array.from({ length: n }, (_, i) => {
    const cls = Math.floor(rng.next() * 3);
    const len = minLen + Math.floor(rng.next() * (options.maxLen - minLen + 1));
    const ids = new Int32Array(len);
    ids[0] = 2; // <bos>
    for (let t = 1; t < len; t++) {
      ids[t] =
        rng.next() < 0.5
          ? 10 + cls * band + Math.floor(rng.next() * band)
          : 10 + Math.floor(rng.next() * band * 3);
    }
    const label = new Float32Array(3);
    label[cls] = 1;
    return { id: `${options.prefix ?? 'syn'}${i}`, ids, label };
  });
}

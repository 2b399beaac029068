/** Padded vs packed batching of the same rows: totals agree with the loader's micro-batches. */
import { paddingCollator, type TokenizedRow } from '@gft/core';
import { varlenPacking } from '@gft/plugin-varlen-packing';
import { describe, expect, it } from 'vitest';
import { batchingStats } from './batching-stats.js';

const rows: TokenizedRow[] = [100, 30, 70, 10, 90, 40, 60, 20].map((n, i) => ({
  id: `r${i}`,
  ids: new Int32Array(n).fill(5),
  label: Float32Array.from([1, 0, 0]),
}));
const real = rows.reduce((s, r) => s + r.ids.length, 0);

describe('batchingStats', () => {
  it('padding computes every row at its micro-batch width; packing computes only real tokens', () => {
    const options = { batchSize: 4, maxTokens: 200, seed: 0 };
    const padded = batchingStats(rows, paddingCollator(), options);
    const packed = batchingStats(rows, varlenPacking(), options);
    expect(padded.loaderBatches).toBe(2);
    expect(packed.loaderBatches).toBe(2);
    expect(padded.realTokens).toBe(real);
    expect(packed.realTokens).toBe(real);
    expect(padded.computedTokens).toBeGreaterThan(real);
    expect(padded.efficiency).toBeCloseTo(real / padded.computedTokens, 12);
    expect(packed.efficiency).toBe(1);
    expect(packed.microBatches).toBeLessThanOrEqual(padded.microBatches);
    expect(padded.batchEfficiency.min).toBeLessThanOrEqual(padded.efficiency);
    expect(padded.batchEfficiency.max).toBeGreaterThanOrEqual(padded.efficiency);
    expect(padded.layout).toBe('padded');
    expect(packed.layout).toBe('packed');
  });
  it('is empty-safe', () => {
    const s = batchingStats([], paddingCollator(), { batchSize: 4, maxTokens: 200 });
    expect(s).toMatchObject({ loaderBatches: 0, microBatches: 0, efficiency: 1 });
  });
});

import { packingStats, paddingCollator, type TokenizedRow } from '@gft/core';
import { varlenPacking } from '@gft/plugin-varlen-packing';
import { describe, expect, it } from 'vitest';
import { createLoader } from './loader.js';
import { previewMicroBatches } from './preview.js';
import { createRng } from './random.js';

function rows(n: number, seed = 0): TokenizedRow[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    // A few over-budget rows to check they get micro-batches of their own.
    const len = i % 97 === 5 ? 20000 : 50 + rng.int(3000);
    return {
      id: `r${i}`,
      ids: Int32Array.from({ length: len }, (_, t) => 3 + ((i + t) % 500)),
      label: Float32Array.from([1, 0, 0]),
      text: `row ${i} ends with words one two three four five six seven eight nine ten`,
    };
  });
}

describe('createLoader', () => {
  const data = rows(250);

  for (const collator of [varlenPacking(), paddingCollator()]) {
    it(`${collator.name}: every row once per epoch, budget kept, efficiency reported`, () => {
      const loader = createLoader(data, { collator, seed: 0 });
      expect(loader.batchesPerEpoch).toBe(4);
      const batches = [...loader.epoch(0)];
      expect(batches.map((b) => b.rows.length)).toEqual([80, 80, 80, 10]);
      const ids = batches.flatMap((b) => b.microBatches.flatMap((mb) => mb.rowIds!));
      expect([...ids].sort()).toEqual(data.map((r) => r.id).sort());
      for (const b of batches) {
        expect(b.stats).toEqual(packingStats(b.microBatches));
        for (const mb of b.microBatches) {
          const cost = mb.layout === 'packed' ? mb.inputIds.length : mb.batchSize * mb.maxSeqLen;
          if (cost > 16384) expect(mb.batchSize).toBe(1);
          expect(mb.cuSeqlens[0]).toBe(0);
          expect(mb.cuSeqlens.length).toBe(mb.batchSize + 1);
        }
      }
    });
  }

  it('shuffles with the seed, per epoch', () => {
    const loader = createLoader(data, { collator: varlenPacking(), seed: 0 });
    const order = (e: number): string[] =>
      [...loader.epoch(e)].flatMap((b) => b.rows.map((r) => r.id));
    expect(order(0)).toEqual(order(0));
    expect(order(0)).not.toEqual(order(1));
    expect(order(0)).not.toEqual(data.map((r) => r.id));
    const unshuffled = createLoader(data, { collator: varlenPacking(), shuffle: false });
    expect([...unshuffled.epoch(0)].flatMap((b) => b.rows.map((r) => r.id))).toEqual(
      data.map((r) => r.id),
    );
  });

  it('sorting or first-fit-decreasing packs into fewer micro-batches than keeping order', () => {
    const count = (
      order: 'keep' | 'sort' | 'first-fit-decreasing',
      collator = paddingCollator(),
    ): number =>
      [...createLoader(data, { collator, order }).epoch(0)].reduce(
        (s, b) => s + b.microBatches.length,
        0,
      );
    expect(count('sort')).toBeLessThan(count('keep'));
    expect(count('first-fit-decreasing', varlenPacking())).toBeLessThanOrEqual(
      count('keep', varlenPacking()),
    );
  });

  it('previewMicroBatches prints what the seed prints', () => {
    const [batch] = createLoader(data, { collator: varlenPacking(), keepText: true }).epoch(0);
    const lines: string[] = [];
    const previews = previewMicroBatches(batch.microBatches, { print: (l) => lines.push(l) });
    expect(previews).toHaveLength(batch.microBatches.length);
    const [p] = previews;
    const mb = batch.microBatches[0];
    expect(p.inputIdsLen).toBe(mb.inputIds.length);
    expect(p.positionIdsLen).toBe(mb.inputIds.length);
    expect(p.cuSeqlens).toEqual(Array.from(mb.cuSeqlens));
    expect(p.cuSeqlensLen).toBe(mb.batchSize + 1);
    expect(p.inputTextLen).toBe(mb.batchSize);
    expect(p.lastWords).toBe('one two three four five six seven eight nine ten');
    expect(lines[0]).toContain(`len(input_ids[0]) = ${mb.inputIds.length}`);
    expect(lines[0]).toContain(`cu_seqlens = [${Array.from(mb.cuSeqlens).join(', ')}]`);
  });
});

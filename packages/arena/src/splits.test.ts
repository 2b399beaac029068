import { describe, expect, it } from 'vitest';
import { readArenaAll } from './read-arena.js';
import { type ArenaRecord, labelClass } from './record.js';
import { assignFolds, kFoldSplits } from './splits.js';
import { swapRecord } from './swap.js';
import { syntheticArena } from './synthetic.js';
import { ARENA_SAMPLE, arenaData } from './testing/shared-data.js';

function expectGroupedAndStratified(records: ArenaRecord[], k: number, seed: number): void {
  const splits = kFoldSplits(records, { k, seed });
  expect(splits).toHaveLength(k);
  const seenValid = splits.flatMap((s) => s.valid).sort((a, b) => a - b);
  expect(seenValid).toEqual(records.map((_, i) => i)); // each record validates exactly once
  for (const { train, valid } of splits) {
    expect(train.length + valid.length).toBe(records.length);
    const trainPrompts = new Set(train.flatMap((i) => records[i].prompt.map((p) => p.trim())));
    trainPrompts.delete('');
    const leaked = valid
      .flatMap((i) => records[i].prompt)
      .filter((p) => trainPrompts.has(p.trim()));
    expect(leaked).toEqual([]);
    // Stratified: each class's share in validation within 5 points of its overall share.
    for (let c = 0; c < 3; c++) {
      const share = (ids: number[]): number =>
        ids.filter((i) => labelClass(records[i].label!) === c).length / ids.length;
      expect(Math.abs(share(valid) - share(records.map((_, i) => i)))).toBeLessThan(0.05);
    }
    expect(valid.length).toBeGreaterThan((records.length / k) * 0.8);
  }
}

describe('kFoldSplits', () => {
  const base = syntheticArena(600, { seed: 5 });
  // Repeated prompts, as in the real data: some records share the prompt of another.
  const records = base.map((r, i) => (i % 7 === 3 ? { ...r, prompt: base[i - 1].prompt } : r));
  records.push({ ...swapRecord(records[0]), id: 'dup' }); // same prompt as record 0

  it('groups by prompt and stratifies by label', () => {
    expectGroupedAndStratified(records, 5, 0);
  });

  it('is seeded', () => {
    expect(assignFolds(records, { seed: 1 })).toEqual(assignFolds(records, { seed: 1 }));
    expect(assignFolds(records, { seed: 1 })).not.toEqual(assignFolds(records, { seed: 2 }));
  });

  it('rejects k < 2', () => {
    expect(() => assignFolds(records, { k: 1 })).toThrow(/k must be an integer >= 2/);
  });
});

describe.skipIf(!arenaData.ok)(arenaData.title('on the real sample'), () => {
  it('no prompt is in both train and validation; swap round-trips', async () => {
    const { records } = await readArenaAll(ARENA_SAMPLE);
    expectGroupedAndStratified(records, 5, 0);
    for (const r of records) {
      const s = swapRecord(r);
      expect([s.responseA, s.responseB, s.modelA]).toEqual([r.responseB, r.responseA, r.modelB]);
      expect(Array.from(s.label!)).toEqual([r.label![1], r.label![0], r.label![2]]);
      expect(swapRecord(s)).toEqual(r);
    }
  });
});

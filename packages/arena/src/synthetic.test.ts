import { describe, expect, it } from 'vitest';
import { labelClass } from './record.js';
import { MARKER_WORD, syntheticArena, syntheticArenaRows } from './synthetic.js';

describe('synthetic arena data', () => {
  const records = syntheticArena(2000, { seed: 1 });

  it('is deterministic per seed', () => {
    expect(syntheticArenaRows(50, { seed: 1 })).toEqual(syntheticArenaRows(50, { seed: 1 }));
    expect(syntheticArenaRows(50, { seed: 2 })).not.toEqual(syntheticArenaRows(50, { seed: 1 }));
    expect(records.slice(0, 50).map((r) => r.id)).toEqual(
      syntheticArenaRows(50, { seed: 1 }).map((r) => r.id),
    );
  });

  it('has multi-turn rows and null turns like the real data', () => {
    const multi = records.filter((r) => r.prompt.length > 1).length / records.length;
    expect(multi).toBeGreaterThan(0.09);
    expect(multi).toBeLessThan(0.18);
    const raw = syntheticArenaRows(2000, { seed: 1 });
    expect(raw.some((r) => r.response_a.includes('null') || r.response_b.includes('null'))).toBe(
      true,
    );
  });

  it('labels follow the marker rule exactly, and the classes are balanced', () => {
    const has = (turns: string[]): boolean => turns.some((t) => t.includes(MARKER_WORD));
    const counts = [0, 0, 0];
    for (const r of records) {
      const cls = labelClass(r.label!);
      counts[cls]++;
      const [a, b] = [has(r.responseA), has(r.responseB)];
      expect(cls === 0 ? a && !b : cls === 1 ? b && !a : a === b).toBe(true);
    }
    for (const c of counts) expect(c / records.length).toBeGreaterThan(0.25);
  });

  it('the winner is longer (length rule)', () => {
    const len = (turns: string[]): number => turns.join(' ').length;
    const decided = records.filter((r) => labelClass(r.label!) !== 2);
    const winnerLonger = decided.filter((r) => {
      const [a, b] = [len(r.responseA), len(r.responseB)];
      return labelClass(r.label!) === 0 ? a > b : b > a;
    });
    expect(winnerLonger.length / decided.length).toBeGreaterThan(0.95);
  });

  it('labelNoise flips some labels', () => {
    const noisy = syntheticArena(2000, { seed: 1, labelNoise: 0.3 });
    const changed = noisy.filter((r, i) => labelClass(r.label!) !== labelClass(records[i].label!));
    expect(changed.length).toBeGreaterThan(200);
  });
});

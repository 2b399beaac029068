/** Data statistics over tokenized rows: hand-built rows with known answers, then real ones. */
import { join } from 'node:path';
import { arenaDataDir, needs } from '@gft/core/testing';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { describe, expect, it } from 'vitest';
import { arenaDataStats, lengthDistribution, type StatsRow } from './data-stats.js';
import { readArenaAll } from './read-arena.js';
import { tokenizeArena } from './tokenize-arena.js';

function row(over: Partial<StatsRow> & { length: number }): StatsRow {
  return {
    ids: new Int32Array(over.length),
    label: over.label ?? Float32Array.from([1, 0, 0]),
    fullLength: over.fullLength ?? over.length,
    truncated: over.truncated ?? false,
    turns: over.turns ?? 1,
    droppedTurns: over.droppedTurns ?? 0,
  };
}

describe('lengthDistribution', () => {
  it('takes nearest-rank percentiles of 1..100', () => {
    const d = lengthDistribution(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(d).toEqual({ mean: 50.5, p10: 10, p50: 50, p90: 90, p99: 99, max: 100 });
  });
  it('is all zeros for no rows', () => {
    expect(lengthDistribution([]).max).toBe(0);
  });
});

describe('arenaDataStats', () => {
  it('counts labels, unlabelled, multi-turn and truncated rows', () => {
    const stats = arenaDataStats(
      [
        row({ length: 10 }),
        row({ length: 20, label: Float32Array.from([0, 1, 0]), turns: 3 }),
        row({ length: 30, label: Float32Array.from([0, 0, 1]) }),
        row({ length: 40, label: Float32Array.from([0.2, 0.2, 0.6]) }),
        row({ length: 50, label: Float32Array.from([Number.NaN, Number.NaN, Number.NaN]) }),
        row({ length: 64, fullLength: 900, truncated: true, turns: 4, droppedTurns: 2 }),
      ],
      [{ file: 'x.csv', row: 7, id: 'bad', reason: "column 'prompt': not a JSON list" }],
    );
    expect(stats.rows).toBe(6);
    expect(stats.labels).toEqual({ winnerA: 2, winnerB: 1, tie: 2, unlabelled: 1 });
    expect(stats.multiTurnRows).toBe(2);
    expect(stats.truncatedRows).toBe(1);
    expect(stats.droppedTurnRows).toBe(1);
    expect(stats.tokens.beforeTruncation.max).toBe(900);
    expect(stats.tokens.afterTruncation.max).toBe(64);
    expect(stats.skipped[0].reason).toContain('not a JSON list');
  });
});

const arena = needs('arena-data');
describe.skipIf(!arena.ok)(arena.title('arenaDataStats on the real 999-row sample'), () => {
  it('reads 999 rows, labels 352 / 352 / 295, truncation only shortens', async () => {
    const { records } = await readArenaAll(join(arenaDataDir(), 'train_sample.csv'), {
      onBadRow: 'error',
    });
    const tokenizer = gemmaTokenizer();
    const rows = await tokenizeArena(records, tokenizer, { numWorkers: 0 });
    const stats = arenaDataStats(rows);
    expect(stats.rows).toBe(999);
    expect(stats.labels).toEqual({ winnerA: 352, winnerB: 352, tie: 295, unlabelled: 0 });
    expect(stats.tokens.afterTruncation.max).toBeLessThanOrEqual(4096);
    expect(stats.tokens.beforeTruncation.max).toBeGreaterThanOrEqual(
      stats.tokens.afterTruncation.max,
    );
    expect(stats.truncatedRows).toBe(rows.filter((r) => r.fullLength > 4096).length);
    expect(stats.multiTurnRows).toBe(records.filter((r) => r.prompt.length > 1).length);
  }, 120_000);
});

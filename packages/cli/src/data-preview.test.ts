/**
 * `gft data preview`'s statistics: on synthetic rows (always) and on the real 999-row sample
 * (when ../shared has it): rows, labels, truncation, token lengths, padded vs packed batching,
 * in JSON and in the human form, followed by the micro-batch sample.
 */
import { join } from 'node:path';
import { arenaDataDir, needs } from '@gft/core/testing';
import { describe, expect, it } from 'vitest';
import type { DataPreview } from './commands/data-preview.js';
import { runCli } from './test-support.js';

describe('gft data preview statistics (synthetic)', () => {
  it('counts every row of both splits and compares padding with packing', async () => {
    const args = ['data', 'preview', '--rows', '25', '--steps', '1', '--batchSize', '4'];
    const r = await runCli([...args, '--maxSequenceLength', '300', '--numWorkers', '0', '--json']);
    expect(r.code, r.err).toBe(0);
    const p = JSON.parse(r.out) as DataPreview;
    expect(p.stats.rows).toBe(25);
    const { winnerA, winnerB, tie, unlabelled } = p.stats.labels;
    expect(winnerA + winnerB + tie).toBe(25);
    expect(unlabelled).toBe(0);
    expect(p.stats.tokens.afterTruncation.max).toBeLessThanOrEqual(300);
    expect(p.stats.truncatedRows).toBeGreaterThan(0);
    const [padded, packed] = p.batching.collators;
    expect([padded.collator, packed.collator]).toEqual(['padding', 'varlen-packing']);
    expect(padded.loaderBatches).toBe(7);
    expect(padded.realTokens).toBe(packed.realTokens);
    expect(padded.efficiency).toBeLessThan(1);
    expect(packed.efficiency).toBe(1);
    expect(p.batches.length).toBe(1);
  }, 60_000);
});

const arena = needs('arena-data');
describe.skipIf(!arena.ok)(arena.title('gft data preview on the real 999-row sample'), () => {
  it('reports 999 rows, labels 352 / 352 / 295 and the efficiency figures, in JSON and text', async () => {
    const args = [
      'data',
      'preview',
      '--data',
      join(arenaDataDir(), 'train_sample.csv'),
      '--batchSize',
      '80',
      '--maxTokens',
      '16384',
      '--steps',
      '1',
    ];
    const json = await runCli([...args, '--json']);
    expect(json.code, json.err).toBe(0);
    const p = JSON.parse(json.out) as DataPreview;
    expect(p.stats.rows).toBe(999);
    expect(p.stats.skipped).toEqual([]);
    expect(p.stats.labels).toEqual({ winnerA: 352, winnerB: 352, tie: 295, unlabelled: 0 });
    expect(p.stats.tokens.afterTruncation.max).toBe(4096);
    expect(p.stats.tokens.beforeTruncation.max).toBeGreaterThan(4096);
    // The figures the data-path bench prints for 80 rows / 16384 tokens, seed 0, order keep.
    const [padded, packed] = p.batching.collators;
    expect(padded).toMatchObject({ loaderBatches: 13, microBatches: 131, realTokens: 898441 });
    expect(padded.computedTokens).toBe(1746329);
    expect(padded.efficiency).toBeCloseTo(0.514, 3);
    expect(packed).toMatchObject({ loaderBatches: 13, microBatches: 64, efficiency: 1 });

    const text = await runCli(args);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('rows: 999 read, 0 skipped');
    expect(text.out).toContain('labels: winner_model_a 352, winner_model_b 352, winner_tie 295');
    expect(text.out).toMatch(
      new RegExp(
        `padding +13 loader batches -> ${padded.microBatches} micro-batches, efficiency ${padded.efficiency.toFixed(3)}`,
      ),
    );
    expect(text.out).toMatch(
      /varlen-packing +13 loader batches -> \d+ micro-batches, efficiency 1\.000/,
    );
    // The micro-batch sample still follows the statistics.
    expect(text.out.indexOf('len(input_ids[0]) = ')).toBeGreaterThan(
      text.out.indexOf('efficiency'),
    );
  }, 300_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArena } from '@gft/arena';
import { arenaDataDir, needs } from '@gft/core/testing';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunRows, syntheticRowCount } from './arena-data.js';
import { DEFAULT_CONFIG, type RunConfig } from './config.js';
import { readRowsFile, writeRowsFile } from './rows-file.js';

const SAMPLE = join(arenaDataDir(), 'train_sample.csv');
const arenaData = needs('arena-data');
const tokenizer = gemmaTokenizer();
const tmp = mkdtempSync(join(tmpdir(), 'gft-arena-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await tokenizer.setup?.();
}, 60_000);

const config = (over: Partial<RunConfig>): RunConfig => ({
  ...DEFAULT_CONFIG,
  numWorkers: 0,
  maxSequenceLength: 512,
  ...over,
});

describe('loadRunRows (synthetic)', () => {
  it('splits k-fold into disjoint train / validation rows, caps eval, truncates', async () => {
    const c = config({ steps: 2, batchSize: 4, evalRows: 3 });
    expect(syntheticRowCount(c, 'train')).toBe(15); // max(ceil(2*4*5/4) = 10, 3*5)
    const rows = await loadRunRows(c, tokenizer, 'train');
    expect(rows.source).toBe('synthetic (15 rows, seed 0)');
    expect(rows.train.length).toBe(12);
    expect(rows.eval.length).toBe(3);
    const trainIds = new Set(rows.train.map((r) => r.id));
    expect(rows.eval.some((r) => trainIds.has(r.id))).toBe(false);
    for (const r of [...rows.train, ...rows.eval]) {
      expect(r.ids.length).toBeLessThanOrEqual(512);
      expect(r.ids[0]).toBe(2); // <bos>
    }
    expect(rows.truncated).toBeGreaterThan(0);
    expect(rows.evalSwapped).toBeUndefined();
  }, 60_000);

  it('swapAverage adds the mirrored eval rows under the same ids, labels permuted', async () => {
    const rows = await loadRunRows(config({ evalRows: 2, swapAverage: true }), tokenizer, 'eval');
    expect(rows.train).toEqual([]);
    expect(rows.evalSwapped?.map((r) => r.id)).toEqual(rows.eval.map((r) => r.id));
    rows.eval.forEach((r, i) => {
      const s = rows.evalSwapped![i];
      expect(Array.from(s.label)).toEqual([r.label[1], r.label[0], r.label[2]]);
      expect(Array.from(s.ids)).not.toEqual(Array.from(r.ids));
    });
  }, 60_000);

  it('names the problem when fold is not below folds', async () => {
    await expect(loadRunRows(config({ fold: 5 }), tokenizer, 'train')).rejects.toThrow(
      /--fold and --folds: fold 5 does not exist in a 5-fold split/,
    );
  });

  it('round-trips through the rows file bench hands to its cells', async () => {
    const rows = await loadRunRows(
      config({ steps: 1, batchSize: 2, evalRows: 1 }),
      tokenizer,
      'train',
    );
    const file = join(tmp, 'rows.json');
    writeRowsFile(file, rows);
    const back = readRowsFile(file);
    expect(back.train.map((r) => [r.id, Array.from(r.ids), Array.from(r.label)])).toEqual(
      rows.train.map((r) => [r.id, Array.from(r.ids), Array.from(r.label)]),
    );
    expect(back.eval.length).toBe(rows.eval.length);
    expect(back.source).toBe(rows.source);
  }, 60_000);
});

describe.skipIf(!arenaData.ok)(arenaData.title('loadRunRows (real sample)'), () => {
  it('reads the first rows of the CSV with their Kaggle ids', async () => {
    const rows = await loadRunRows(
      config({ data: SAMPLE, rows: 10, evalRows: 0 }),
      tokenizer,
      'predict',
    );
    expect(rows.source).toBe(SAMPLE);
    // Labelled file: predict takes the validation fold, ids as in the file.
    expect(rows.eval.length).toBeGreaterThan(0);
    const first10: string[] = [];
    for await (const r of readArena(SAMPLE)) {
      first10.push(r.id);
      if (first10.length === 10) break;
    }
    for (const r of rows.eval) expect(first10).toContain(r.id);
  }, 60_000);
});

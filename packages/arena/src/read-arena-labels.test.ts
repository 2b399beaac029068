/**
 * Labels are a property of the file: read when present ('optional', the default), or
 * required on every row ('require': training and evaluation), where a missing label is a
 * broken file, not a row to skip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readArenaAll } from './read-arena.js';
import { writeParquet } from './testing/write-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-arena-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const turns = { prompt: '["p"]', response_a: '["a"]', response_b: '["b"]' };
const labels = { winner_model_a: 0, winner_model_b: 1, winner_tie: 0 };
const jsonl = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const UNLABELLED_CSV = 'id,prompt,response_a,response_b\n1,"[""p""]","[""a""]","[""b""]"\n';
const NO_LABELS =
  /has no label columns winner_model_a, winner_model_b, winner_tie; training and evaluation need a label on every row; `gft predict` does not/;

async function errorOf(file: string, options: Parameters<typeof readArenaAll>[1]) {
  const err = await readArenaAll(file, options).catch((e: unknown) => e);
  if (!GftError.isInstance(err)) throw new Error(`expected a GftError, got ${err}`);
  return err;
}

describe("labels: 'optional' (the default)", () => {
  it('JSONL: each row is labelled when it has label columns, whatever the first row had', async () => {
    const file = write(
      'mixed.jsonl',
      jsonl({ id: '1', ...turns }, { id: '2', ...turns, ...labels }, { id: '3', ...turns }),
    );
    const { records, badRows } = await readArenaAll(file);
    expect(badRows).toEqual([]);
    expect(records.map((r) => r.label && Array.from(r.label))).toEqual([
      undefined,
      [0, 1, 0],
      undefined,
    ]);
  });

  it('JSONL: a row with only some label columns is a bad row', async () => {
    const file = write('partial.jsonl', jsonl({ id: '1', ...turns, winner_tie: 1 }));
    const { badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(badRows).toEqual([
      expect.objectContaining({ row: 1, line: 1, reason: "missing label column 'winner_model_a'" }),
    ]);
  });

  it('CSV without label columns reads unlabelled rows', async () => {
    const { records } = await readArenaAll(write('test.csv', UNLABELLED_CSV));
    expect(records[0].label).toBeUndefined();
  });
});

describe("labels: 'require'", () => {
  it('CSV without label columns is a file error naming the file', async () => {
    const file = write('unlabelled.csv', UNLABELLED_CSV);
    const err = await errorOf(file, { labels: 'require', onBadRow: 'skip' });
    expect(err.code).toBe('BAD_INPUT');
    expect(err.where).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(NO_LABELS);
  });

  it('Parquet without label columns is a file error naming the file', async () => {
    const file = join(dir, 'unlabelled.parquet');
    writeParquet(file, ['id', ...Object.keys(turns)], [{ id: '1', ...turns }]);
    const err = await errorOf(file, { labels: 'require' });
    expect(err.where).toBe(file);
    expect(err.message).toMatch(NO_LABELS);
    const { records } = await readArenaAll(file);
    expect(records[0].label).toBeUndefined();
  });

  it('JSONL: a row without label columns stops the read even with onBadRow skip', async () => {
    const file = write(
      'hole.jsonl',
      jsonl(
        { id: '1', ...turns, ...labels },
        { id: '2', ...turns },
        { id: '3', ...turns, ...labels },
      ),
    );
    for (const onBadRow of ['skip', 'error'] as const) {
      const err = await errorOf(file, { labels: 'require', onBadRow });
      expect(err.code).toBe('BAD_INPUT');
      expect(err.where).toBe(`${file}: row 2, id 2, line 2`);
      expect(err.message).toMatch(NO_LABELS);
    }
  });

  it('labelled files read the same as with optional labels', async () => {
    const file = write('labelled.jsonl', jsonl({ id: '1', ...turns, ...labels }));
    const required = await readArenaAll(file, { labels: 'require' });
    expect(required).toEqual(await readArenaAll(file));
    expect(Array.from(required.records[0].label!)).toEqual([0, 1, 0]);
  });
});

it('an unknown labels value is BAD_CONFIG', async () => {
  const file = write('any.csv', UNLABELLED_CSV);
  const err = await errorOf(file, { labels: 'always' as 'require' });
  expect(err.code).toBe('BAD_CONFIG');
  expect(err.message).toMatch(/'require' or 'optional'/);
});

/**
 * Row and line numbers around CSV rows that csv-parse cannot parse (broken quoting): the
 * broken row is reported where it is, and the rows before and after it keep their numbers,
 * in both onBadRow modes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readArena, readArenaAll } from './read-arena.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-arena-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[], newline = '\n'): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join(newline) + newline);
  return file;
}

const HEADER = 'id,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie';
const good = (id: number) => `${id},"[""p""]","[""a""]","[""b""]",1,0,0`;
/** A row csv-parse reads but parse-row rejects: shows the numbering after a broken row. */
const badLabel = (id: number) => `${id},"[""p""]","[""a""]","[""b""]",1,1,0`;
/** A quoted field with text after its closing quote: broken on its own line only. */
const strayQuote = (id: number) => `${id},"[""p""]"x,"[""a""]","[""b""]",1,0,0`;
/** A quoted field never closed on its line: it runs on into the next line. */
const openQuote = (id: number) => `${id},"[""p""]","[""a""]","[""b,1,0,0`;

async function errorOf(file: string): Promise<GftError> {
  const err = await readArenaAll(file, { onBadRow: 'error' }).catch((e: unknown) => e);
  if (!GftError.isInstance(err)) throw new Error(`expected a GftError, got ${err}`);
  expect(err.code).toBe('BAD_INPUT');
  return err;
}

describe('CSV row numbers around broken quoting', () => {
  // Line 1 is the header; data row n is on line n + 1.
  const file = write('stray.csv', [HEADER, good(1), good(2), strayQuote(3), good(4), badLabel(5)]);

  it('skip: the broken row and the rows after it keep their row and line', async () => {
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['1', '2', '4']);
    expect(badRows).toEqual([
      expect.objectContaining({ row: 3, line: 4, reason: expect.stringMatching(/^CSV: /) }),
      expect.objectContaining({ row: 5, line: 6, id: '5' }),
    ]);
  });

  it('error: stops at the broken row, naming its row and line', async () => {
    const err = await errorOf(file);
    expect(err.where).toBe(`${file}: row 3, line 4`);
    expect(err.message).toMatch(/Invalid Closing Quote/);
  });

  it('error: the rows before the broken one are still read', async () => {
    const ids: string[] = [];
    const err = await (async () => {
      for await (const r of readArena(file, { onBadRow: 'error' })) ids.push(r.id);
    })().catch((e: unknown) => e);
    expect(ids).toEqual(['1', '2']);
    expect(GftError.isInstance(err)).toBe(true);
  });

  it('a row that runs on into the next line says so; numbering goes on from where it ends', async () => {
    const runOn = write('open.csv', [HEADER, good(1), good(2), openQuote(3), good(4), badLabel(5)]);
    const { records, badRows } = await readArenaAll(runOn, { onBadRow: 'skip' });
    // Row 4 (line 5) went into row 3's open field: csv-parse reads lines 4-5 as one row, so
    // how many rows the author meant there is not knowable; lines stay exact.
    expect(records.map((r) => r.id)).toEqual(['1', '2']);
    expect(badRows).toEqual([
      expect.objectContaining({
        row: 3,
        line: 4,
        reason: expect.stringMatching(
          /unbalanced quotes: this row runs on from line 4 to line 5, so rows that start on line 5 may have been read into it/,
        ),
      }),
      expect.objectContaining({ row: 4, line: 6, id: '5' }),
    ]);
    const err = await errorOf(runOn);
    expect(err.where).toBe(`${runOn}: row 3, line 4`);
  });

  it('two broken rows in a row are two rows', async () => {
    const two = write('two.csv', [HEADER, good(1), strayQuote(2), strayQuote(3), badLabel(4)]);
    const { records, badRows } = await readArenaAll(two, { onBadRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['1']);
    expect(badRows.map((b) => [b.row, b.line, b.id])).toEqual([
      [2, 3, undefined],
      [3, 4, undefined],
      [4, 5, '4'],
    ]);
  });

  it('lines count the line breaks inside quoted fields (LF and CRLF files)', async () => {
    // A line break between JSON tokens: a valid turn list written on two lines.
    const multiLine = `7,"[\n""p""]","[""a""]","[""b""]",0,1,0`;
    for (const newline of ['\n', '\r\n']) {
      const rows = [HEADER, good(1), multiLine.replace('\n', newline), strayQuote(3), badLabel(4)];
      const crossed = write(`multiline-${newline.length}.csv`, rows, newline);
      const { records, badRows } = await readArenaAll(crossed, { onBadRow: 'skip' });
      expect(records.map((r) => r.id)).toEqual(['1', '7']);
      expect(badRows.map((b) => [b.row, b.line])).toEqual([
        [3, 5],
        [4, 6],
      ]);
    }
  });

  it('empty lines are not rows but count as lines', async () => {
    const gaps = write('gaps.csv', [HEADER, good(1), '', strayQuote(2), '', badLabel(3)]);
    const { badRows } = await readArenaAll(gaps, { onBadRow: 'skip' });
    expect(badRows.map((b) => [b.row, b.line])).toEqual([
      [2, 4],
      [3, 6],
    ]);
  });

  it('a quote never closed to the end of the file says the rest of the file went into it', async () => {
    const file = join(dir, 'eof.csv');
    writeFileSync(file, [HEADER, good(1), openQuote(2), good(3)].join('\n'));
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['1']);
    expect(badRows).toEqual([
      expect.objectContaining({
        row: 2,
        line: 3,
        reason: expect.stringMatching(/unbalanced quotes/),
      }),
    ]);
  });

  it('a broken header is a file error, not a data row taken as the header', async () => {
    const file = write('header.csv', [`id,"prompt"x,response_a,response_b`, good(1)]);
    const err = await errorOf(file);
    expect(err.where).toBe(file);
    expect(err.message).toMatch(/header.*line 1/);
  });
});

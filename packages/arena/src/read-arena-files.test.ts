/**
 * readArena on files that are not there, not files, or not UTF-8: each is one BAD_INPUT
 * error naming the file (never a stream error that crashes node), and a UTF-8 byte-order
 * mark is read past.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readArenaAll } from './read-arena.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-arena-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function fileError(file: string): Promise<GftError> {
  const err = await readArenaAll(file, { onBadRow: 'skip' }).catch((e: unknown) => e);
  if (!GftError.isInstance(err)) throw new Error(`expected a GftError, got ${err}`);
  expect(err.code).toBe('BAD_INPUT');
  expect(err.where).toBe(file);
  expect(err.message).toContain(file);
  return err;
}

const HEADER = 'id,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie';
const CSV = `${HEADER}\n1,"[""p""]","[""a""]","[""b""]",1,0,0\n2,"[""q""]","[""c""]","[""d""]",0,0,1\n`;
const jsonRow = (id: string, prompt = '["p"]') =>
  JSON.stringify({
    id,
    prompt,
    response_a: '["a"]',
    response_b: '["b"]',
    winner_model_a: 0,
    winner_model_b: 1,
    winner_tie: 0,
  });
const JSONL = `${jsonRow('1')}\n${jsonRow('2')}\n`;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('readArena: paths that are not data files', () => {
  for (const ext of ['csv', 'jsonl', 'parquet']) {
    it(`${ext}: a missing file is BAD_INPUT "no such file"`, async () => {
      const err = await fileError(join(dir, `missing.${ext}`));
      expect(err.message).toMatch(/no such file/);
    });

    it(`${ext}: a directory is BAD_INPUT "is a directory"`, async () => {
      const path = join(dir, `folder.${ext}`);
      mkdirSync(path);
      const err = await fileError(path);
      expect(err.message).toMatch(/is a directory/);
    });
  }
});

describe('readArena: text encodings', () => {
  it('CSV: a UTF-8 byte-order mark is read past', async () => {
    const plain = await readArenaAll(write('plain.csv', CSV));
    const withBom = await readArenaAll(
      write('bom.csv', Buffer.concat([UTF8_BOM, Buffer.from(CSV)])),
    );
    expect(withBom.badRows).toEqual([]);
    expect(withBom.records).toEqual(plain.records);
    expect(withBom.records.map((r) => r.id)).toEqual(['1', '2']);
  });

  it('CSV: only a byte-order mark is an empty file', async () => {
    const err = await fileError(write('only-bom.csv', UTF8_BOM));
    expect(err.message).toMatch(/empty/);
  });

  it('JSONL: a UTF-8 byte-order mark on line 1 is read past', async () => {
    const { records, badRows } = await readArenaAll(
      write('bom.jsonl', Buffer.concat([UTF8_BOM, Buffer.from(JSONL)])),
    );
    expect(badRows).toEqual([]);
    expect(records.map((r) => r.id)).toEqual(['1', '2']);
  });

  const utf16: [string, (s: string) => Buffer][] = [
    ['LE', (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])],
    ['BE', (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()])],
  ];
  for (const [order, encode] of utf16) {
    for (const [ext, text] of [
      ['csv', CSV],
      ['jsonl', JSONL],
    ]) {
      it(`${ext}: UTF-16 ${order} is BAD_INPUT saying to save it as UTF-8`, async () => {
        const err = await fileError(write(`utf16${order}.${ext}`, encode(text)));
        expect(err.message).toMatch(/UTF-16/);
        expect(err.message).toMatch(/save it as UTF-8/);
      });
    }
  }

  it('CSV: Latin-1 bytes are a bad row naming row, line and column', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\n1,"[""p""]","[""a""]","[""b""]",1,0,0\n2,"[""caf`),
      Buffer.from([0xe9]), // é in Latin-1
      Buffer.from(`""]","[""c""]","[""d""]",0,0,1\n3,"[""p""]","[""a""]","[""b""]",1,0,0\n`),
    ]);
    const file = write('latin1.csv', latin1);
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['1', '3']);
    expect(badRows).toEqual([
      expect.objectContaining({
        file,
        row: 2,
        line: 3,
        id: '2',
        reason: expect.stringMatching(/'prompt' is not valid UTF-8/),
      }),
    ]);
    const err = (await readArenaAll(file, { onBadRow: 'error' }).catch(
      (e: unknown) => e,
    )) as GftError;
    expect(err.code).toBe('BAD_INPUT');
    expect(err.where).toBe(`${file}: row 2, id 2, line 3`);
  });

  it('JSONL: a line with Latin-1 bytes is a bad row naming row and line', async () => {
    const [before, after] = jsonRow('2', '["cafMARK"]').split('MARK');
    const latin1 = Buffer.concat([
      Buffer.from(`${jsonRow('1')}\n${before}`),
      Buffer.from([0xe9]), // é in Latin-1
      Buffer.from(`${after}\n${jsonRow('3')}\n`),
    ]);
    const file = write('latin1.jsonl', latin1);
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records.map((r) => r.id)).toEqual(['1', '3']);
    expect(badRows).toEqual([
      expect.objectContaining({
        file,
        row: 2,
        line: 2,
        reason: expect.stringMatching(/not valid UTF-8/),
      }),
    ]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { arenaRowsToCsv } from './arena-row.js';
import { readArena, readArenaAll } from './read-arena.js';
import { labelClass } from './record.js';
import { syntheticArenaRows } from './synthetic.js';
import { ARENA_SAMPLE, arenaData } from './testing/shared-data.js';
import { writeParquet } from './testing/write-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const HEADER =
  'id,model_a,model_b,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie';
const GOOD = '7,m1,m2,"[""hi"", null]","[""a1"", ""a2""]","[""b1"", ""b2""]",0,1,0';

async function expectBad(file: string, pattern: RegExp, options = {}): Promise<GftError> {
  const err = await readArenaAll(file, { onBadRow: 'error', ...options }).catch((e) => e);
  expect(GftError.isInstance(err)).toBe(true);
  expect(err.message).toContain(file);
  expect(err.message).toMatch(pattern);
  return err as GftError;
}

describe('readArena: formats', () => {
  const rows = syntheticArenaRows(12, { seed: 3 });

  it('CSV, JSONL and Parquet give the same records', async () => {
    const csv = write('s.csv', arenaRowsToCsv(rows));
    const jsonl = write('s.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const columns = Object.keys(rows[0]);
    const parquet = join(dir, 's.parquet');
    writeParquet(
      parquet,
      columns,
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))),
    );
    const fromCsv = (await readArenaAll(csv)).records;
    expect(fromCsv).toHaveLength(12);
    expect((await readArenaAll(jsonl)).records).toEqual(fromCsv);
    expect((await readArenaAll(parquet)).records).toEqual(fromCsv);
    expect(fromCsv[0].label).toBeInstanceOf(Float32Array);
    expect(fromCsv.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });

  it('decodes turns (null -> ""), ignores extra columns, keeps models', async () => {
    const file = write('extra.csv', `,${HEADER},note\n0,${GOOD},x\n`);
    const [r] = (await readArenaAll(file)).records;
    expect(r).toEqual({
      id: '7',
      prompt: ['hi', ''],
      responseA: ['a1', 'a2'],
      responseB: ['b1', 'b2'],
      label: Float32Array.from([0, 1, 0]),
      modelA: 'm1',
      modelB: 'm2',
    });
  });

  it('reads test.csv without labels for prediction, and soft labels as given', async () => {
    const test = write(
      'test.csv',
      'id,prompt,response_a,response_b\n1,"[""p""]","[""a""]","[""b""]"\n',
    );
    const [r] = (await readArenaAll(test)).records;
    expect(r.label).toBeUndefined();
    const soft = write('soft.csv', `${HEADER}\n1,m,n,"[""p""]","[""a""]","[""b""]",0.2,0.3,0.5\n`);
    expect(Array.from((await readArenaAll(soft)).records[0].label!)).toEqual(
      Array.from(Float32Array.from([0.2, 0.3, 0.5])),
    );
  });

  it('streams: yields records as an async iterator', async () => {
    const file = write('iter.csv', arenaRowsToCsv(rows));
    const it = readArena(file)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.id).toBe(rows[0].id);
    await it.return?.(undefined);
  });

  it('rejects an unknown extension and lists the formats', async () => {
    await expect(readArenaAll(write('x.txt', ''))).rejects.toThrow(/csv, jsonl or parquet/);
  });
});

describe('readArena: bad input names file, row and id, or skips and reports', () => {
  const cases: [string, string | Buffer, RegExp, string?][] = [
    [
      'invalid JSON in a turn',
      `${HEADER}\n${GOOD}\n8,m,n,"[""p""","[""a""]","[""b""]",1,0,0\n`,
      /row 2, id 8.*prompt.*not valid JSON/,
      '8',
    ],
    [
      'label not a probability row',
      `${HEADER}\n${GOOD}\n9,m,n,"[""p""]","[""a""]","[""b""]",1,1,0\n`,
      /row 2, id 9.*not a probability row/,
      '9',
    ],
    [
      'label out of range',
      `${HEADER}\n10,m,n,"[""p""]","[""a""]","[""b""]",2,-1,0\n${GOOD}\n`,
      /row 1, id 10.*\[0, 1\]/,
      '10',
    ],
    [
      'empty turn list',
      `${HEADER}\n${GOOD}\n11,m,n,"[]","[""a""]","[""b""]",1,0,0\n`,
      /row 2, id 11.*no turns/,
      '11',
    ],
    [
      'null turn field',
      `${HEADER}\n${GOOD}\n12,m,n,null,"[""a""]","[""b""]",1,0,0\n`,
      /row 2, id 12.*must be a JSON list/,
      '12',
    ],
    [
      'empty field',
      `${HEADER}\n${GOOD}\n13,m,n,"[""p""]",,"[""b""]",1,0,0\n`,
      /row 2, id 13.*response_a.*empty/,
      '13',
    ],
    [
      'turn counts differ',
      `${HEADER}\n${GOOD}\n14,m,n,"[""p""]","[""a"",""x""]","[""b""]",1,0,0\n`,
      /row 2, id 14.*turn counts differ/,
      '14',
    ],
    [
      'wrong field count',
      `${HEADER}\n${GOOD}\n15,m,n,"[""p""]"\n`,
      /row 2, id 15.*has 4 fields/,
      '15',
    ],
    [
      'non-UTF-8 bytes',
      Buffer.concat([
        Buffer.from(`${HEADER}\n${GOOD}\n16,m,n,"[""p`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(`""]","[""a""]","[""b""]",1,0,0\n`),
      ]),
      /row 2, id 16.*not valid UTF-8/,
      '16',
    ],
    [
      '10 MB response',
      `${HEADER}\n${GOOD}\n17,m,n,"[""p""]","[""${'x'.repeat(10_000_000)}""]","[""b""]",1,0,0\n`,
      /row 2, id 17.*over the limit/,
      '17',
    ],
  ];

  for (const [name, content, pattern, id] of cases) {
    it(`${name}: error, or skipped and reported`, async () => {
      const file = write(`${name.replaceAll(' ', '-')}.csv`, content);
      await expectBad(file, pattern);
      const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
      expect(records.map((r) => r.id)).toEqual(['7']);
      expect(badRows).toHaveLength(1);
      expect(badRows[0]).toMatchObject({ file, id });
    });
  }

  it('unbalanced quotes: error naming file and row; skip reports it', async () => {
    const file = write(
      'quotes.csv',
      `${HEADER}\n${GOOD}\n18,m,n,"[""p""]","[""a""]","[""b,1,0,0\n`,
    );
    const err = await expectBad(file, /row 2.*Quote Not Closed/);
    expect(err.code).toBe('BAD_INPUT');
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records).toHaveLength(1);
    expect(badRows[0].reason).toMatch(/unbalanced quotes/);
  });

  it('missing columns: a file error listing what is missing and what is expected', async () => {
    const file = write('cols.csv', 'id,prompt,response_a\n1,"[""p""]","[""a""]"\n');
    const err = await expectBad(file, /missing column\(s\) response_b/);
    expect(err.message).toMatch(/arena layout has id, prompt/);
    const partial = write('labels.csv', 'id,prompt,response_a,response_b,winner_model_a\n');
    await expectBad(partial, /winner_model_b, winner_tie/);
  });

  it('JSONL: invalid line and missing field are row errors; skip counts them', async () => {
    const good = JSON.stringify({
      id: '1',
      prompt: '["p"]',
      response_a: '["a"]',
      response_b: '["b"]',
      winner_model_a: 1,
      winner_model_b: 0,
      winner_tie: 0,
    });
    const file = write(
      'bad.jsonl',
      `${good}\n{oops\n${good.replace('"response_b":"[\\"b\\"]",', '')}\n`,
    );
    await expectBad(file, /row 2, line 2: invalid JSON/);
    const { records, badRows } = await readArenaAll(file, { onBadRow: 'skip' });
    expect(records).toHaveLength(1);
    expect(badRows.map((b) => [b.row, b.reason])).toEqual([
      [2, expect.stringMatching(/invalid JSON/)],
      [3, "missing column 'response_b'"],
    ]);
  });

  it('Parquet: non-UTF-8 bytes are a row error', async () => {
    const file = join(dir, 'bad.parquet');
    const cols = ['id', 'prompt', 'response_a', 'response_b'];
    writeParquet(file, cols, [
      { id: '1', prompt: '["p"]', response_a: '["a"]', response_b: '["b"]' },
      {
        id: '2',
        prompt: Uint8Array.from([0x5b, 0x22, 0xc3, 0x28, 0x22, 0x5d]),
        response_a: '["a"]',
        response_b: '["b"]',
      },
    ]);
    await expectBad(file, /row 2, id 2.*not valid UTF-8/);
    expect((await readArenaAll(file, { onBadRow: 'skip' })).badRows).toHaveLength(1);
  });
});

describe.skipIf(!arenaData.ok)(arenaData.title('the real sample'), () => {
  it('reads all 999 rows: labels 352 / 352 / 295, 131 multi-turn', async () => {
    const { records, badRows } = await readArenaAll(ARENA_SAMPLE, { onBadRow: 'error' });
    expect(badRows).toEqual([]);
    expect(records).toHaveLength(999);
    const counts = [0, 0, 0];
    for (const r of records) counts[labelClass(r.label!)]++;
    expect(counts).toEqual([352, 352, 295]);
    expect(records.filter((r) => r.prompt.length > 1)).toHaveLength(131);
    // Null turns became "" rather than failing the row.
    expect(records.some((r) => [...r.prompt, ...r.responseA, ...r.responseB].includes(''))).toBe(
      true,
    );
  });
});

/**
 * Property tests: CSV, JSONL and Parquet files mutated at random (bytes flipped, inserted,
 * cut; quotes, line breaks and byte-order marks dropped in; JSON values of any type in any
 * column) either read, with bad rows reported in order, or fail with a GftError naming
 * where; never another exception, never a hang. Fixed seeds, so a failure reproduces.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectValueOrGftError } from '@gft/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArenaRawRow, arenaRowsToCsv } from './arena-row.js';
import { type ArenaReadReport, readArenaAll } from './read-arena.js';
import type { OnBadRow } from './readers/bad-row.js';
import type { LabelRequirement } from './readers/labels.js';
import { writeParquet } from './testing/write-parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-arena-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = 42;

/** Small rows with what makes CSV and JSON hard: quotes, commas, line breaks, null turns. */
const ROWS: ArenaRawRow[] = [
  {
    id: '1',
    model_a: 'gpt-4',
    model_b: 'llama, 2',
    prompt: JSON.stringify(['say "hi", please']),
    response_a: JSON.stringify(['hi\nthere']),
    response_b: JSON.stringify(['"hi"']),
    winner_model_a: 1,
    winner_model_b: 0,
    winner_tie: 0,
  },
  {
    id: '2',
    model_a: 'claude',
    model_b: 'gemma',
    prompt: JSON.stringify(['one', 'two']),
    response_a: '["a", null]',
    response_b: JSON.stringify(['b1', 'b2']),
    winner_model_a: 0,
    winner_model_b: 0,
    winner_tie: 1,
  },
  {
    id: '3',
    model_a: 'x',
    model_b: 'y',
    prompt: JSON.stringify(['café ☕']),
    response_a: JSON.stringify(['a']),
    response_b: JSON.stringify(['b']),
    winner_model_a: 0,
    winner_model_b: 1,
    winner_tie: 0,
  },
];
const COLUMNS = Object.keys(ROWS[0]);
const encoder = new TextEncoder();

const SEED_CSV = encoder.encode(arenaRowsToCsv(ROWS));
const SEED_JSONL = encoder.encode(`${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);
const SEED_PARQUET = (() => {
  const file = join(dir, 'seed.parquet');
  writeParquet(
    file,
    COLUMNS,
    ROWS.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))),
  );
  return new Uint8Array(readFileSync(file));
})();

/** Bytes that mean something to one of the formats, to insert where a random byte would not. */
const SPECIAL = ['"', ',', '\n', '\r\n', '\r', '""', '{', '}', '[', ']', ':', 'null', '\\']
  .map((s) => encoder.encode(s))
  .concat([
    Uint8Array.of(0xef, 0xbb, 0xbf), // UTF-8 byte-order mark
    Uint8Array.of(0xff, 0xfe), // UTF-16 LE byte-order mark
    Uint8Array.of(0xe9), // Latin-1 é: invalid UTF-8
    Uint8Array.of(0xc3), // a cut UTF-8 sequence
    Uint8Array.of(0x00),
    encoder.encode('PAR1'),
  ]);

type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number };

/**
 * Positions are fractions of the current length, so a mutation applies to any input; drawn
 * as unbiased integers, since fast-check's doubles are mostly tiny and its default bias
 * favours the ends, which would mostly cut files to nothing.
 */
const SCALE = 2 ** 20;
const position = fc.noBias(fc.integer({ min: 0, max: SCALE })).map((n) => n / SCALE);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: position,
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.oneof(fc.constantFrom(...SPECIAL), fc.uint8Array({ minLength: 1, maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: position,
    length: fc.integer({ min: 1, max: 16 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 64 }),
  }),
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = input;
  for (const m of mutations) {
    const at = Math.min(out.length, Math.floor(m.at * (out.length + 1)));
    if (m.kind === 'flip') {
      if (at < out.length) {
        out = Uint8Array.from(out);
        out[at] ^= m.mask;
      }
    } else if (m.kind === 'insert') {
      out = concat(out.subarray(0, at), m.bytes, out.subarray(at));
    } else if (m.kind === 'delete') {
      out = concat(out.subarray(0, at), out.subarray(at + m.length));
    } else if (m.kind === 'truncate') {
      out = out.subarray(0, at);
    } else {
      out = concat(out.subarray(0, at + m.length), out.subarray(at));
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

const mutated = (seed: Uint8Array) =>
  fc.array(mutation, { minLength: 1, maxLength: 6 }).map((ms) => mutate(seed, ms));

const readOptions = fc.record({
  onBadRow: fc.constantFrom<OnBadRow>('error', 'skip'),
  labels: fc.constantFrom<LabelRequirement>('optional', 'require'),
});

let caseNumber = 0;

/**
 * Writes `bytes` to a fresh file and reads it with `options`: a report whose bad rows name
 * this file in order, or a GftError with `where` (expectValueOrGftError's invariant).
 */
async function checkRead(
  ext: string,
  bytes: Uint8Array,
  options: { onBadRow: OnBadRow; labels: LabelRequirement },
): Promise<void> {
  const file = join(dir, `case-${caseNumber++}.${ext}`);
  writeFileSync(file, bytes);
  try {
    const { value } = await expectValueOrGftError<ArenaReadReport>(
      () => readArenaAll(file, options),
      {
        what: `readArenaAll(${ext}, ${JSON.stringify(options)})`,
      },
    );
    if (!value) return;
    const { records, badRows } = value;
    if (options.onBadRow === 'error') expect(badRows).toEqual([]);
    const total = records.length + badRows.length;
    let previous = 0;
    for (const bad of badRows) {
      expect(bad.file).toBe(file);
      expect(bad.row).toBeGreaterThan(previous);
      expect(bad.row).toBeLessThanOrEqual(total);
      if (bad.line !== undefined) expect(bad.line).toBeGreaterThanOrEqual(bad.row);
      previous = bad.row;
    }
    if (options.labels === 'require') expect(records.every((r) => r.label)).toBe(true);
  } finally {
    rmSync(file, { force: true });
  }
}

describe('readers under fuzzing: a report or a GftError naming where', () => {
  it('CSV: mutated files', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(SEED_CSV), readOptions, (bytes, options) =>
        checkRead('csv', bytes, options),
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('CSV: files made of CSV-significant pieces', async () => {
    const piece = fc.constantFrom(
      '"',
      ',',
      '\n',
      '\r\n',
      '""',
      '"[""a""]"',
      '1',
      '0',
      '0.5',
      'x',
      '',
    );
    const labelled = COLUMNS.join(',');
    const unlabelled = COLUMNS.filter((c) => !c.startsWith('winner_')).join(',');
    const header = fc.oneof(
      { arbitrary: fc.constantFrom(labelled, unlabelled), weight: 4 },
      {
        arbitrary: fc.shuffledSubarray(COLUMNS, { minLength: 3 }).map((cs) => cs.join(',')),
        weight: 1,
      },
    );
    const text = fc
      .tuple(header, fc.array(piece, { maxLength: 60 }))
      .map(([h, body]) => encoder.encode(`${h}\n${body.join('')}`));
    await fc.assert(
      fc.asyncProperty(text, readOptions, (bytes, options) => checkRead('csv', bytes, options)),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('JSONL: mutated files', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(SEED_JSONL), readOptions, (bytes, options) =>
        checkRead('jsonl', bytes, options),
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('JSONL: any JSON value in any column', async () => {
    const row = fc
      .tuple(
        fc.constantFrom(...ROWS),
        fc.dictionary(fc.constantFrom(...COLUMNS, 'extra'), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 3,
        }),
        fc.subarray(COLUMNS, { maxLength: 2 }),
      )
      .map(([base, replaced, removed]) => {
        const out: Record<string, unknown> = { ...base, ...replaced };
        for (const c of removed) delete out[c];
        return JSON.stringify(out);
      });
    const file = fc
      .array(
        fc.oneof(
          row,
          fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? ''),
        ),
        {
          maxLength: 6,
        },
      )
      .map((lines) => encoder.encode(lines.join('\n')));
    await fc.assert(
      fc.asyncProperty(file, readOptions, (bytes, options) => checkRead('jsonl', bytes, options)),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('Parquet: mutated files', async () => {
    await fc.assert(
      fc.asyncProperty(mutated(SEED_PARQUET), readOptions, (bytes, options) =>
        checkRead('parquet', bytes, options),
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('Parquet: mutations in the footer (the metadata every read starts from)', async () => {
    const footerLength = new DataView(SEED_PARQUET.buffer).getUint32(SEED_PARQUET.length - 8, true);
    const footerStart = SEED_PARQUET.length - 8 - footerLength;
    const flips = fc.array(
      fc.tuple(
        fc.integer({ min: footerStart, max: SEED_PARQUET.length - 9 }),
        fc.integer({ min: 1, max: 255 }),
      ),
      { minLength: 1, maxLength: 3 },
    );
    await fc.assert(
      fc.asyncProperty(flips, readOptions, (positions, options) => {
        const bytes = Uint8Array.from(SEED_PARQUET);
        for (const [at, mask] of positions) bytes[at] ^= mask;
        return checkRead('parquet', bytes, options);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

/**
 * Streaming CSV source for the arena layout (csv-parse over a file stream: a 200 MB file is
 * never one string). Fields come back as raw bytes so parse-row.ts can reject non-UTF-8
 * input by row instead of silently turning it into U+FFFD. Records csv-parse cannot parse
 * (broken quoting) come back as problems in file order, at their row and line; whether to
 * stop there is read-arena.ts's choice.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { type CsvError, type Info, parse } from 'csv-parse';
import { badFile } from './bad-row.js';
import { type CsvPosition, CsvPositions, countedStartLine } from './csv-positions.js';
import { checkDataFile, fileReadError, utf8TextStart } from './data-file.js';
import type { LabelRequirement } from './labels.js';
import { checkHeader, type RawRow, type RawSource } from './raw-row.js';

/**
 * Latin-1 maps each byte to one character and back, so fields keep their exact bytes while
 * csv-parse can still hand over each record's raw text (its `raw` option fails with
 * `encoding: null`), from which lines are counted.
 */
const BYTES = 'latin1';

const utf8 = new TextDecoder('utf-8');

interface ParsedRecord {
  record: string[];
  info: Info;
  raw: string;
}

/** One error csv-parse raised on a record it then skipped: its counts and the text so far. */
interface SkipError {
  error: CsvError & { records: number; lines: number };
  raw: string;
}

/**
 * A record csv-parse skipped. It raises an error per stray quote, so only the first (what
 * went wrong) and the last (how far the record ran) are kept, whatever the record holds.
 */
interface SkippedRecord {
  first: CsvError;
  last: SkipError;
  /** Where it starts, in csv-parse's line count: unique per record. */
  countedStart: number;
}

const QUOTE_ERRORS = new Set([
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_INVALID_CLOSING_QUOTE',
  'INVALID_OPENING_QUOTE',
]);

function brokenRecordReason(first: CsvError, at: CsvPosition, lastErrorLine: number): string {
  const reason = `CSV: ${first.message}`;
  if (!QUOTE_ERRORS.has(first.code)) return reason;
  if (first.code === 'CSV_QUOTE_NOT_CLOSED') {
    return (
      `${reason} (unbalanced quotes: a quoted field opened in this row is never closed, so ` +
      `the rest of the file, lines ${at.line} to ${lastErrorLine}, was read into it)`
    );
  }
  if (lastErrorLine > at.line) {
    const next = at.line + 1;
    const absorbed = lastErrorLine === next ? `line ${next}` : `lines ${next} to ${lastErrorLine}`;
    return (
      `${reason} (unbalanced quotes: this row runs on from line ${at.line} to line ` +
      `${lastErrorLine}, so rows that start on ${absorbed} may have been read into it; the row ` +
      'numbers after it count it as one row)'
    );
  }
  return `${reason} (unbalanced quotes)`;
}

export async function csvSource(file: string, labels: LabelRequirement): Promise<RawSource> {
  checkDataFile(file);
  const start = utf8TextStart(file);
  const skipped: SkippedRecord[] = [];
  const onSkip = (error: SkipError['error'], raw: string): void => {
    const countedStart = countedStartLine(error.lines, raw);
    const previous = skipped.at(-1);
    if (previous?.countedStart === countedStart && previous.last.error.records === error.records) {
      previous.last = { error, raw };
    } else {
      skipped.push({ first: error, last: { error, raw }, countedStart });
    }
  };
  const parser = parse({
    encoding: BYTES,
    bom: false,
    raw: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Always: the rows before and after a broken one are still read, and read-arena.ts
    // stops at the broken one in onBadRow 'error'.
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      if (error) onSkip(error as SkipError['error'], raw ?? '');
      return undefined;
    },
  });
  // pipeline, not pipe: a read error (the file vanished, EIO) reaches the parser's iterator
  // instead of being an unhandled 'error' event that ends the process.
  pipeline(createReadStream(file, { start }), parser, () => {});
  const records = (parser as AsyncIterable<ParsedRecord>)[Symbol.asyncIterator]();
  const positions = new CsvPositions();

  const next = async (): Promise<IteratorResult<ParsedRecord>> => {
    try {
      return await records.next();
    } catch (err) {
      throw fileReadError(file, err);
    }
  };

  /** The records csv-parse skipped before the `before`-th record it emitted, in order. */
  function* skippedBefore(before: number): Generator<RawRow> {
    while (skipped.length > 0 && skipped[0].last.error.records < before) {
      const { first, last } = skipped.shift()!;
      const at = positions.skipped(last.error.records, last.error.lines, last.raw);
      const lastErrorLine = positions.lineOf(last.error.lines);
      yield { ...at, problem: { reason: brokenRecordReason(first, at, lastErrorLine) } };
    }
  }

  let header: string[];
  let labelled: boolean;
  try {
    const first = await next();
    const brokenHeader = [...skippedBefore(1)][0];
    if (brokenHeader) {
      throw badFile(
        file,
        `the header row (line ${brokenHeader.line}) cannot be read: ${brokenHeader.problem!.reason}`,
      );
    }
    if (first.done) throw badFile(file, 'is empty (no header row)');
    positions.parsed(first.value.info.records, first.value.info.lines, first.value.raw);
    header = first.value.record.map((name) => utf8.decode(Buffer.from(name, BYTES)).trim());
    ({ labelled } = checkHeader(file, header, labels));
  } catch (err) {
    parser.destroy();
    throw err;
  }
  const idColumn = header.indexOf('id');

  async function* rows(): AsyncGenerator<RawRow> {
    try {
      while (true) {
        const result = await next();
        if (result.done) break;
        const { record, info, raw } = result.value;
        yield* skippedBefore(info.records);
        const at = positions.parsed(info.records, info.lines, raw);
        if (record.length !== header.length) {
          const id = record[idColumn];
          yield {
            ...at,
            problem: {
              reason: `has ${record.length} fields but the header has ${header.length}`,
              id: id ? utf8.decode(Buffer.from(id, BYTES)) : undefined,
            },
          };
          continue;
        }
        const fields: Record<string, unknown> = {};
        header.forEach((name, i) => {
          fields[name] = Buffer.from(record[i], BYTES);
        });
        yield { ...at, fields };
      }
      yield* skippedBefore(Number.POSITIVE_INFINITY);
    } finally {
      parser.destroy();
    }
  }
  return { labelled, rows: rows() };
}

/**
 * Streaming CSV source for the arena layout (csv-parse over a file stream: a 200 MB file is
 * never one string). Fields come back as raw bytes so parse-row.ts can reject non-UTF-8
 * input by row instead of silently turning it into U+FFFD.
 */
import { createReadStream } from 'node:fs';
import { type CsvError, type Info, parse } from 'csv-parse';
import { BadRowError, badFile, type OnBadRow } from './bad-row.js';
import { checkHeader, type RawRow, type RawSource } from './raw-row.js';

const utf8 = new TextDecoder('utf-8');

interface ParsedRecord {
  record: Buffer[];
  info: Info;
}

function quoteHint(err: CsvError): string {
  return err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_INVALID_CLOSING_QUOTE'
    ? ' (unbalanced quotes: rows after it may have been absorbed into this field)'
    : '';
}

export async function csvSource(file: string, onBadRow: OnBadRow): Promise<RawSource> {
  const skipped: (CsvError & { lines?: number })[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      encoding: null as unknown as BufferEncoding,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: onBadRow === 'skip',
    }),
  );
  parser.on('skip', (err: CsvError) => skipped.push(err as CsvError & { lines?: number }));
  const iterator = (parser as AsyncIterable<ParsedRecord>)[Symbol.asyncIterator]();

  const wrap = (err: unknown): never => {
    const e = err as CsvError & { records?: number; lines?: number };
    if (typeof e?.code === 'string' && e.code.startsWith('CSV_')) {
      // csv-parse counts the header as a record, so the failing record is data row `records`.
      const row = Math.max(1, e.records ?? 1);
      throw new BadRowError(
        { file, row, line: e.lines, reason: `CSV: ${e.message}${quoteHint(e)}` },
        err,
      );
    }
    throw badFile(file, `cannot read: ${(err as Error).message}`, err);
  };

  let first: IteratorResult<ParsedRecord>;
  try {
    first = await iterator.next();
  } catch (err) {
    return wrap(err);
  }
  if (first.done) throw badFile(file, 'is empty (no header row)');
  const header = first.value.record.map((b) => utf8.decode(b).trim());
  const { labelled } = checkHeader(file, header);

  async function* rows(): AsyncGenerator<RawRow> {
    let row = 0;
    const drainSkipped = function* (): Generator<RawRow> {
      for (const e of skipped.splice(0)) {
        row++;
        yield { row, line: e.lines, problem: { reason: `CSV: ${e.message}${quoteHint(e)}` } };
      }
    };
    while (true) {
      let next: IteratorResult<ParsedRecord>;
      try {
        next = await iterator.next();
      } catch (err) {
        return wrap(err);
      }
      yield* drainSkipped();
      if (next.done) return;
      row++;
      const { record } = next.value;
      if (record.length !== header.length) {
        const id = record[header.indexOf('id')];
        yield {
          row,
          problem: {
            reason: `has ${record.length} fields but the header has ${header.length}`,
            id: id ? utf8.decode(id) : undefined,
          },
        };
        continue;
      }
      const fields: Record<string, unknown> = {};
      header.forEach((name, i) => {
        fields[name] = record[i];
      });
      yield { row, fields };
    }
  }
  return { labelled, rows: rows() };
}

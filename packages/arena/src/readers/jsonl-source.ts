/**
 * Streaming JSON Lines source: one JSON object per line, split on bytes so that a line with
 * non-UTF-8 bytes is reported by row. Missing columns are a per-row problem here, since
 * JSONL has no header; the first row decides whether the file is labelled.
 */
import { createReadStream } from 'node:fs';
import { LABEL_COLUMNS } from '../record.js';
import type { RawRow, RawSource } from './raw-row.js';

const strict = new TextDecoder('utf-8', { fatal: true });

async function* byteLines(file: string): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let nl = data.indexOf(0x0a);
    while (nl >= 0) {
      yield data.subarray(0, nl);
      data = data.subarray(nl + 1);
      nl = data.indexOf(0x0a);
    }
    rest = Buffer.from(data);
  }
  if (rest.length > 0) yield rest;
}

export async function jsonlSource(file: string): Promise<RawSource> {
  let labelled: boolean | undefined;
  async function* rows(): AsyncGenerator<RawRow> {
    let row = 0;
    let line = 0;
    for await (const bytes of byteLines(file)) {
      line++;
      let text: string;
      try {
        text = strict.decode(bytes);
      } catch {
        row++;
        yield { row, line, problem: { reason: 'line is not valid UTF-8' } };
        continue;
      }
      if (text.trim() === '') continue;
      row++;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (cause) {
        yield { row, line, problem: { reason: `invalid JSON: ${(cause as Error).message}` } };
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        yield { row, line, problem: { reason: 'a JSONL row must be a JSON object' } };
        continue;
      }
      const fields = value as Record<string, unknown>;
      labelled ??= LABEL_COLUMNS.some((c) => c in fields);
      yield { row, line, fields };
    }
  }
  return {
    get labelled() {
      return labelled ?? false;
    },
    rows: rows(),
  };
}

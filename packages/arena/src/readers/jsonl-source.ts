/**
 * Streaming JSON Lines source: one JSON object per line, split on bytes so that a line with
 * non-UTF-8 bytes is reported by row. Missing columns are a per-row problem here, since
 * JSONL has no header; for the same reason each row says whether it is labelled.
 */
import { createReadStream } from 'node:fs';
import { checkDataFile, fileReadError, utf8TextStart } from './data-file.js';
import type { RawRow, RawSource } from './raw-row.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The lines of `file` from byte `start`, as bytes, without their LF. */
async function* byteLines(file: string, start: number): AsyncGenerator<Buffer> {
  // Pieces of the line being read: a long line is joined once, not once per chunk.
  let pieces: Buffer[] = [];
  try {
    for await (const data of createReadStream(file, { start }) as AsyncIterable<Buffer>) {
      let chunk = data;
      let nl = chunk.indexOf(0x0a);
      while (nl >= 0) {
        pieces.push(chunk.subarray(0, nl));
        yield pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
        pieces = [];
        chunk = chunk.subarray(nl + 1);
        nl = chunk.indexOf(0x0a);
      }
      if (chunk.length > 0) pieces.push(chunk);
    }
  } catch (err) {
    // The file vanished or became unreadable mid-way: an error for the file, not a bare errno.
    throw fileReadError(file, err);
  }
  if (pieces.length > 0) yield Buffer.concat(pieces);
}

export async function jsonlSource(file: string): Promise<RawSource> {
  checkDataFile(file);
  const start = utf8TextStart(file);
  async function* rows(): AsyncGenerator<RawRow> {
    let row = 0;
    let line = 0;
    for await (const bytes of byteLines(file, start)) {
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
      yield { row, line, fields: value as Record<string, unknown> };
    }
  }
  return { rows: rows() };
}

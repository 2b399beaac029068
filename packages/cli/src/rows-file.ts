/**
 * Tokenized rows in a file, so `gft bench` reads and tokenizes the data once and every cell
 * (a child process) starts from the same rows without loading the tokenizer again. JSON with
 * ids as base64 little-endian int32. Not a cache across runs: bench writes it per run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { GftError, type TokenizedRow } from '@gft/core';
import type { RunRows } from './arena-data.js';

interface StoredRow {
  id: string;
  ids: string;
  label: number[];
}

const encodeRow = (r: TokenizedRow): StoredRow => ({
  id: r.id,
  ids: Buffer.from(r.ids.buffer, r.ids.byteOffset, r.ids.byteLength).toString('base64'),
  label: Array.from(r.label),
});

function decodeRow(r: StoredRow): TokenizedRow {
  const bytes = Buffer.from(r.ids, 'base64');
  // Copy into an aligned buffer: Buffer pools may start at any byte offset.
  const ids = new Int32Array(bytes.byteLength / 4);
  new Uint8Array(ids.buffer).set(bytes);
  return { id: r.id, ids, label: Float32Array.from(r.label) };
}

export function writeRowsFile(file: string, rows: RunRows): void {
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      source: rows.source,
      skipped: rows.skipped,
      truncated: rows.truncated,
      train: rows.train.map(encodeRow),
      eval: rows.eval.map(encodeRow),
      evalSwapped: rows.evalSwapped?.map(encodeRow),
    }),
  );
}

export function readRowsFile(file: string): RunRows {
  let raw: {
    version: number;
    source: string;
    skipped: number;
    truncated: number;
    train: StoredRow[];
    eval: StoredRow[];
    evalSwapped?: StoredRow[];
  };
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new GftError('BAD_INPUT', `${file}: unreadable rows file: ${(cause as Error).message}`, {
      cause,
      where: file,
    });
  }
  if (raw.version !== 1) {
    throw new GftError('BAD_INPUT', `${file}: rows file version ${raw.version}, expected 1`, {
      where: file,
    });
  }
  return {
    source: raw.source,
    skipped: raw.skipped,
    truncated: raw.truncated,
    train: raw.train.map(decodeRow),
    eval: raw.eval.map(decodeRow),
    evalSwapped: raw.evalSwapped?.map(decodeRow),
  };
}

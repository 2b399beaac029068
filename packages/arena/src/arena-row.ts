/**
 * The raw Kaggle layout as plain objects (turn fields JSON-encoded, winners 0/1), and CSV
 * text for it. Used to write synthetic data and test files; reading is read-arena.ts.
 */
import { ARENA_COLUMNS, type ArenaRecord, LABEL_COLUMNS } from './record.js';

/** One row in the Kaggle "lmsys-chatbot-arena" layout. */
export interface ArenaRawRow {
  id: string;
  model_a: string;
  model_b: string;
  /** JSON-encoded list of strings (elements may be null). */
  prompt: string;
  response_a: string;
  response_b: string;
  winner_model_a?: number;
  winner_model_b?: number;
  winner_tie?: number;
}

export const ARENA_CSV_HEADER = Object.values(ARENA_COLUMNS);

/** An ArenaRecord back in the raw layout (empty turns stay "", not null). */
export function recordToArenaRow(record: ArenaRecord): ArenaRawRow {
  const row: ArenaRawRow = {
    id: record.id,
    model_a: record.modelA ?? '',
    model_b: record.modelB ?? '',
    prompt: JSON.stringify(record.prompt),
    response_a: JSON.stringify(record.responseA),
    response_b: JSON.stringify(record.responseB),
  };
  if (record.label) {
    [row.winner_model_a, row.winner_model_b, row.winner_tie] = Array.from(record.label);
  }
  return row;
}

function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV text (RFC 4180 quoting, \n line ends) with the Kaggle header; labels only if every row has them. */
export function arenaRowsToCsv(
  rows: readonly ArenaRawRow[],
  columns: readonly string[] = rows.every((r) => r.winner_tie !== undefined)
    ? ARENA_CSV_HEADER
    : ARENA_CSV_HEADER.filter((c) => !(LABEL_COLUMNS as readonly string[]).includes(c)),
): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(
      columns.map((c) => csvField((row as unknown as Record<string, unknown>)[c])).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

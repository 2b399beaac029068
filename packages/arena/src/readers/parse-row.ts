/**
 * One raw row in the Kaggle layout (as a CSV, JSONL or Parquet reader sees it) -> an
 * ArenaRecord, or a `RowProblem` saying exactly what is wrong. Readers add the file and
 * row number; this file knows nothing about formats or files.
 */
import { type ArenaRecord, LABEL_COLUMNS } from '../record.js';
import { hasLabelColumns } from './labels.js';

/** What is wrong with a row, without the file/row context the reader adds. */
export class RowProblem extends Error {
  constructor(
    message: string,
    readonly id?: string,
  ) {
    super(message);
  }
}

export interface ParseRowOptions {
  /**
   * Longest accepted field, in characters (default 1,000,000; the longest real row is about
   * 37,000). Guards against a runaway field from a broken quote swallowing the file.
   */
  maxFieldChars?: number;
  /** Whether the source has label columns (from its header); undefined: decide per row. */
  labelled?: boolean;
}

export const DEFAULT_MAX_FIELD_CHARS = 1_000_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Field value -> string: bytes are decoded strictly, so non-UTF-8 input is caught here. */
function text(value: unknown, column: string, id?: string): string {
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch {
      const at = firstInvalidUtf8(value);
      throw new RowProblem(`column '${column}' is not valid UTF-8 (bad byte at offset ${at})`, id);
    }
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new RowProblem(`column '${column}' is ${value === null ? 'null' : typeof value}`, id);
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let end = 1; end <= bytes.length; end++) {
    try {
      utf8.decode(bytes.subarray(0, end));
    } catch {
      // A truncated multi-byte sequence only fails once it is followed by something else.
      return Math.max(0, end - 4);
    }
  }
  return bytes.length;
}

function turns(raw: unknown, column: string, id: string, maxChars: number): string[] {
  if (raw === undefined) throw new RowProblem(`missing column '${column}'`, id);
  if (raw === null)
    throw new RowProblem(`column '${column}' is null (expected a list of turns)`, id);
  let list: unknown = raw;
  if (!Array.isArray(raw)) {
    const s = text(raw, column, id);
    if (s.length > maxChars) {
      throw new RowProblem(
        `column '${column}' is ${s.length} characters, over the limit of ${maxChars} (maxFieldChars)`,
        id,
      );
    }
    if (s.trim() === '') throw new RowProblem(`column '${column}' is empty`, id);
    try {
      list = JSON.parse(s);
    } catch (cause) {
      throw new RowProblem(
        `column '${column}' is not valid JSON (${(cause as Error).message}); expected a JSON list of strings such as ["..."]`,
        id,
      );
    }
  }
  if (!Array.isArray(list)) {
    throw new RowProblem(
      `column '${column}' must be a JSON list of strings, got ${typeof list}`,
      id,
    );
  }
  if (list.length === 0) throw new RowProblem(`column '${column}' has no turns ([])`, id);
  return list.map((turn, i) => {
    // A null turn is part of the real data (a response that failed): keep the turn, empty.
    if (turn === null || turn === undefined) return '';
    const s = typeof turn === 'string' ? turn : text(turn, `${column}[${i}]`, id);
    if (s.length > maxChars) {
      throw new RowProblem(
        `column '${column}' turn ${i + 1} is ${s.length} characters, over the limit of ${maxChars} (maxFieldChars)`,
        id,
      );
    }
    return s;
  });
}

function probability(raw: unknown, column: string, id: string): number {
  if (raw === undefined) throw new RowProblem(`missing label column '${column}'`, id);
  const s =
    raw === null ? '' : typeof raw === 'boolean' ? String(Number(raw)) : text(raw, column, id);
  const v = s.trim() === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(v) || v < 0 || v > 1) {
    throw new RowProblem(`label column '${column}' must be a number in [0, 1], got '${s}'`, id);
  }
  return v;
}

/** Tolerance on the sum of a label row (soft labels written with a few decimals). */
const SUM_TOLERANCE = 1e-3;

function label(raw: Record<string, unknown>, id: string): Float32Array {
  const p = LABEL_COLUMNS.map((c) => probability(raw[c], c, id));
  const sum = p[0] + p[1] + p[2];
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new RowProblem(
      `labels (${LABEL_COLUMNS.join(', ')}) = [${p.join(', ')}] are not a probability row (sum ${sum}, expected 1)`,
      id,
    );
  }
  return Float32Array.from(p);
}

function optionalText(value: unknown, column: string, id: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = text(value, column, id);
  return s === '' ? undefined : s;
}

export function parseArenaRow(
  raw: Record<string, unknown>,
  options: ParseRowOptions = {},
): ArenaRecord {
  const maxChars = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
  if (raw.id === undefined || raw.id === null) throw new RowProblem(`missing column 'id'`);
  const id = text(raw.id, 'id').trim();
  if (id === '') throw new RowProblem(`column 'id' is empty`);
  const prompt = turns(raw.prompt, 'prompt', id, maxChars);
  const responseA = turns(raw.response_a, 'response_a', id, maxChars);
  const responseB = turns(raw.response_b, 'response_b', id, maxChars);
  if (responseA.length !== prompt.length || responseB.length !== prompt.length) {
    throw new RowProblem(
      `turn counts differ: prompt ${prompt.length}, response_a ${responseA.length}, response_b ${responseB.length}`,
      id,
    );
  }
  const labelled = options.labelled ?? hasLabelColumns(raw);
  const record: ArenaRecord = { id, prompt, responseA, responseB };
  if (labelled) record.label = label(raw, id);
  const modelA = optionalText(raw.model_a, 'model_a', id);
  const modelB = optionalText(raw.model_b, 'model_b', id);
  if (modelA !== undefined) record.modelA = modelA;
  if (modelB !== undefined) record.modelB = modelB;
  return record;
}

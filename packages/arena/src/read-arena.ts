/**
 * Reading arena files: `readArena(path)` streams ArenaRecords from CSV, JSONL or Parquet in
 * the Kaggle "lmsys-chatbot-arena" layout; `readArenaAll` collects them with a report of the
 * rows it skipped. Bad rows either stop the read with an error naming file, row and id, or
 * (onBadRow: 'skip') are skipped, counted and reported; never dropped silently.
 */
import { extname } from 'node:path';
import { GftError } from '@gft/core';
import { type BadRow, BadRowError, type OnBadRow } from './readers/bad-row.js';
import { csvSource } from './readers/csv-source.js';
import { jsonlSource } from './readers/jsonl-source.js';
import {
  hasLabelColumns,
  LABEL_REQUIREMENTS,
  type LabelRequirement,
  NO_LABEL_COLUMNS,
} from './readers/labels.js';
import { parquetSource } from './readers/parquet-source.js';
import { type ParseRowOptions, parseArenaRow, RowProblem } from './readers/parse-row.js';
import type { RawSource } from './readers/raw-row.js';
import type { ArenaRecord } from './record.js';

export type ArenaFormat = 'csv' | 'jsonl' | 'parquet';

export interface ReadArenaOptions {
  /** Default: from the extension (.csv, .jsonl / .ndjson, .parquet). */
  format?: ArenaFormat;
  /** 'error' (default) stops at the first bad row; 'skip' skips, counts and reports it. */
  onBadRow?: OnBadRow;
  /** Called for each skipped row (onBadRow: 'skip'). */
  onSkip?: (bad: BadRow) => void;
  /** Longest accepted field in characters (default 1,000,000). */
  maxFieldChars?: ParseRowOptions['maxFieldChars'];
  /**
   * 'optional' (default): labels are read where the file has them (CSV / Parquet: from the
   * header; JSONL: each row with a label column). 'require': a file or row without them is
   * an error, never skipped (training and evaluation need a label on every row).
   */
  labels?: LabelRequirement;
}

const EXTENSIONS: Record<string, ArenaFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

export function arenaFormatOf(path: string): ArenaFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) {
    throw new GftError(
      'BAD_CONFIG',
      `${path}: cannot tell the arena format from the extension '${extname(path)}'; ` +
        `pass format: csv, jsonl or parquet (extensions: ${Object.keys(EXTENSIONS).join(', ')})`,
      { where: path },
    );
  }
  return format;
}

async function openSource(
  path: string,
  format: ArenaFormat,
  labels: LabelRequirement,
): Promise<RawSource> {
  if (format === 'csv') return csvSource(path, labels);
  if (format === 'jsonl') return jsonlSource(path);
  if (format === 'parquet') return parquetSource(path, labels);
  throw new GftError('BAD_CONFIG', `unknown arena format '${format}'; valid: csv, jsonl, parquet`, {
    where: 'format',
  });
}

export async function* readArena(
  path: string,
  options: ReadArenaOptions = {},
): AsyncGenerator<ArenaRecord> {
  const onBadRow = options.onBadRow ?? 'error';
  if (onBadRow !== 'error' && onBadRow !== 'skip') {
    throw new GftError('BAD_CONFIG', `onBadRow must be 'error' or 'skip', got '${onBadRow}'`, {
      where: 'onBadRow',
    });
  }
  const labels = options.labels ?? 'optional';
  if (!LABEL_REQUIREMENTS.includes(labels)) {
    throw new GftError('BAD_CONFIG', `labels must be 'require' or 'optional', got '${labels}'`, {
      where: 'labels',
    });
  }
  const source = await openSource(path, options.format ?? arenaFormatOf(path), labels);
  const bad = (entry: BadRow, cause?: unknown): void => {
    if (onBadRow === 'error') throw new BadRowError(entry, cause);
    options.onSkip?.(entry);
  };
  for await (const raw of source.rows) {
    if (raw.problem) {
      bad({ file: path, row: raw.row, line: raw.line, ...raw.problem });
      continue;
    }
    const fields = raw.fields!;
    // Without a header each row says whether it is labelled; an unlabelled one in a file
    // that must be labelled means a broken file, so it is never skipped.
    const perRow = source.labelled === undefined;
    if (perRow && labels === 'require' && !hasLabelColumns(fields)) {
      const id =
        typeof fields.id === 'string' || typeof fields.id === 'number'
          ? String(fields.id)
          : undefined;
      throw new BadRowError({
        file: path,
        row: raw.row,
        line: raw.line,
        id,
        reason: NO_LABEL_COLUMNS,
      });
    }
    try {
      yield parseArenaRow(fields, {
        maxFieldChars: options.maxFieldChars,
        labelled: source.labelled,
      });
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      bad({ file: path, row: raw.row, line: raw.line, id: err.id, reason: err.message }, err);
    }
  }
}

export interface ArenaReadReport {
  records: ArenaRecord[];
  /** Rows skipped (onBadRow: 'skip'), in file order. */
  badRows: BadRow[];
}

/** Reads a whole file. With onBadRow 'skip' (its default here), bad rows land in `badRows`. */
export async function readArenaAll(
  path: string,
  options: ReadArenaOptions = {},
): Promise<ArenaReadReport> {
  const badRows: BadRow[] = [];
  const records: ArenaRecord[] = [];
  for await (const r of readArena(path, {
    onBadRow: 'skip',
    ...options,
    onSkip: (b) => {
      badRows.push(b);
      options.onSkip?.(b);
    },
  })) {
    records.push(r);
  }
  return { records, badRows };
}

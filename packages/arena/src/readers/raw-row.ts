/**
 * What each format reader yields: a data row as a column -> value map (values are strings,
 * bytes, numbers or lists, undecoded), or a problem the format itself found (broken
 * quoting, invalid JSON line). Turning a raw row into an ArenaRecord is parse-row.ts.
 */
import { LABEL_COLUMNS, REQUIRED_COLUMNS } from '../record.js';
import { badFile } from './bad-row.js';
import { type LabelRequirement, NO_LABEL_COLUMNS } from './labels.js';

export interface RawRow {
  /** 1-based data row number. */
  row: number;
  /** 1-based line where the row starts (text formats). */
  line?: number;
  fields?: Record<string, unknown>;
  /** Set instead of `fields` when the format could not produce this row. */
  problem?: { reason: string; id?: string };
}

export interface RawSource {
  /**
   * Whether the file has the three label columns (false: a `test.csv` for prediction), from
   * its header; undefined for formats without a header (JSONL), where each row decides.
   */
  labelled?: boolean;
  rows: AsyncIterable<RawRow>;
}

/**
 * Checks a header (column names) and says whether it is labelled. Extra columns (such as an
 * unnamed index column) are fine; a missing required column, only some label columns, or
 * no label columns when `labels` is 'require', is an error for the whole file.
 */
export function checkHeader(
  file: string,
  columns: readonly string[],
  labels: LabelRequirement,
): { labelled: boolean } {
  const have = new Set(columns);
  const missing: string[] = REQUIRED_COLUMNS.filter((c) => !have.has(c));
  const present = LABEL_COLUMNS.filter((c) => have.has(c));
  if (present.length > 0 && present.length < LABEL_COLUMNS.length) {
    missing.push(...LABEL_COLUMNS.filter((c) => !have.has(c)));
  }
  if (missing.length > 0) {
    throw badFile(
      file,
      `missing column(s) ${missing.join(', ')}; the arena layout has ${[...REQUIRED_COLUMNS, 'model_a', 'model_b', ...LABEL_COLUMNS].join(', ')} ` +
        `(label columns are optional only all together); found: ${columns.join(', ') || '(none)'}`,
    );
  }
  const labelled = present.length === LABEL_COLUMNS.length;
  if (!labelled && labels === 'require') throw badFile(file, NO_LABEL_COLUMNS);
  return { labelled };
}

/**
 * Parquet source (hyparquet), one row group at a time so memory follows the row group, not
 * the file. Turn columns may be JSON strings (the Kaggle layout) or lists of strings. Strings
 * that are not valid UTF-8 come back as bytes, so parse-row.ts reports them by row.
 */
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import { LABEL_COLUMNS, REQUIRED_COLUMNS } from '../record.js';
import { badFile } from './bad-row.js';
import { checkHeader, type RawRow, type RawSource } from './raw-row.js';

const strict = new TextDecoder('utf-8', { fatal: true });

const parsers = {
  stringFromBytes(bytes: Uint8Array | undefined): string | Uint8Array | undefined {
    if (!bytes) return bytes;
    try {
      return strict.decode(bytes);
    } catch {
      return bytes;
    }
  },
};

export async function parquetSource(file: string): Promise<RawSource> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (cause) {
    throw badFile(file, `is not a readable Parquet file: ${(cause as Error).message}`, cause);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const { labelled } = checkHeader(file, columns);
  const wanted = [...REQUIRED_COLUMNS, 'model_a', 'model_b', ...(labelled ? LABEL_COLUMNS : [])];
  const read = columns.filter((c) => wanted.includes(c));

  async function* rows(): AsyncGenerator<RawRow> {
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      const objects = await parquetReadObjects({
        file: buffer,
        metadata,
        columns: read,
        rowStart,
        rowEnd,
        utf8: false,
        parsers,
      });
      for (let i = 0; i < objects.length; i++) {
        yield { row: rowStart + i + 1, fields: objects[i] as Record<string, unknown> };
      }
      rowStart = rowEnd;
    }
  }
  return { labelled, rows: rows() };
}

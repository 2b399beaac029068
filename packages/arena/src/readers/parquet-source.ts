/**
 * Parquet source (hyparquet), one row group at a time so memory follows the row group, not
 * the file. Turn columns may be JSON strings (the Kaggle layout) or lists of strings. Strings
 * that are not valid UTF-8 come back as bytes, so parse-row.ts reports them by row.
 */
import { GftError } from '@gft/core';
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from 'hyparquet';
import { LABEL_COLUMNS, REQUIRED_COLUMNS } from '../record.js';
import { badFile, messageOf } from './bad-row.js';
import { checkDataFile } from './data-file.js';
import type { LabelRequirement } from './labels.js';
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

/**
 * The file as hyparquet's AsyncBuffer, each read's failure marked as handled: hyparquet
 * starts reads in parallel and gives up at the first failure, and a read failing after that
 * (the file gone, say) would be an unhandled rejection, which ends the process. Whoever
 * awaits a read still gets its error.
 */
async function fileBuffer(file: string): Promise<AsyncBuffer> {
  const buffer = await asyncBufferFromFile(file);
  return {
    byteLength: buffer.byteLength,
    slice(start, end) {
      const read = buffer.slice(start, end);
      Promise.resolve(read).catch(() => {});
      return read;
    },
  };
}

export async function parquetSource(file: string, labels: LabelRequirement): Promise<RawSource> {
  checkDataFile(file);
  let buffer: AsyncBuffer;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  let columns: string[];
  try {
    buffer = await fileBuffer(file);
    metadata = await parquetMetadataAsync(buffer);
    columns = parquetSchema(metadata).children.map((c) => String(c.element.name));
  } catch (cause) {
    throw badFile(file, `is not a readable Parquet file: ${messageOf(cause)}`, cause);
  }
  const { labelled } = checkHeader(file, columns, labels);
  const wanted = [...REQUIRED_COLUMNS, 'model_a', 'model_b', ...(labelled ? LABEL_COLUMNS : [])];
  const read = columns.filter((c) => wanted.includes(c));

  async function* rows(): AsyncGenerator<RawRow> {
    let rowStart = 0;
    for (const [index, group] of metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(group.num_rows);
      let objects: Record<string, unknown>[];
      try {
        objects = await parquetReadObjects({
          file: buffer,
          metadata,
          columns: read,
          rowStart,
          rowEnd,
          utf8: false,
          parsers,
        });
      } catch (cause) {
        // The footer read, but a row group's pages do not: a corrupt file, not one bad row.
        const where = `${file}: row group ${index + 1} (rows ${rowStart + 1} to ${rowEnd})`;
        throw new GftError(
          'BAD_INPUT',
          `${where}: cannot be read, the Parquet file is corrupt: ${messageOf(cause)}`,
          { cause, where },
        );
      }
      for (let i = 0; i < objects.length; i++) {
        yield { row: rowStart + i + 1, fields: objects[i] };
      }
      rowStart = rowEnd;
    }
  }
  return { labelled, rows: rows() };
}

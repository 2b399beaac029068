/**
 * The checks a reader makes on a data file before streaming it: that the path is a readable
 * file, and for text formats that the text is UTF-8 (past a UTF-8 byte-order mark; UTF-16 is
 * refused with how to fix it). Checking up front turns a bad path or encoding into one error
 * naming the file, where a stream would fail later with a bare errno or misparse the bytes.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { GftError } from '@gft/core';
import { badFile, messageOf } from './bad-row.js';

/** The reason a file system error gives, in words; for messages that already name the file. */
export function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a data file';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read: ${messageOf(err)}`;
}

/** A failure while reading `file` as the error for the whole file (kept if already one). */
export function fileReadError(file: string, err: unknown): GftError {
  if (GftError.isInstance(err)) return err;
  return badFile(file, describeFileError(err), err);
}

/** Throws BAD_INPUT naming `file` unless it is an existing file (not a directory). */
export function checkDataFile(file: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch (cause) {
    throw fileReadError(file, cause);
  }
  if (isDirectory) throw badFile(file, describeFileError({ code: 'EISDIR' }));
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16_BOMS = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

function startsWith(head: Uint8Array, prefix: number[]): boolean {
  return head.length >= prefix.length && prefix.every((b, i) => head[i] === b);
}

/**
 * Byte offset where the UTF-8 text of `file` starts: 3 past a UTF-8 byte-order mark (which
 * Excel writes and which would otherwise be glued to the first column name), else 0.
 */
export function utf8TextStart(file: string): number {
  const head = new Uint8Array(3);
  let length: number;
  try {
    const fd = openSync(file, 'r');
    try {
      length = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (cause) {
    throw fileReadError(file, cause);
  }
  const bytes = head.subarray(0, length);
  if (startsWith(bytes, UTF8_BOM)) return UTF8_BOM.length;
  const utf16 = UTF16_BOMS.find((bom) => startsWith(bytes, bom));
  if (utf16) {
    const mark = utf16.map((b) => b.toString(16).toUpperCase()).join(' ');
    throw badFile(
      file,
      `is UTF-16 text (it starts with the byte-order mark ${mark}); gft reads UTF-8: ` +
        'save it as UTF-8 (e.g. "CSV UTF-8" in Excel, or iconv -f UTF-16 -t UTF-8)',
    );
  }
  return 0;
}

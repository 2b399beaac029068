/**
 * Bad input rows: the error a reader raises (naming file, 1-based data row and id) and the
 * report entry it records instead when asked to skip. Not a parser.
 */
import { GftError } from '@gft/core';

export type OnBadRow = 'error' | 'skip';

export interface BadRow {
  file: string;
  /** 1-based data row number (the header is not a data row). */
  row: number;
  /** The row's id, when it could be read. */
  id?: string;
  /** 1-based line of the file where the row starts, for text formats. */
  line?: number;
  reason: string;
}

/** Thrown for one bad row; carries the report entry. */
export class BadRowError extends GftError {
  readonly badRow: BadRow;
  constructor(badRow: BadRow, cause?: unknown) {
    super('BAD_INPUT', describeBadRow(badRow), { cause, where: whereOf(badRow) });
    this.badRow = badRow;
  }
}

export function whereOf(b: Pick<BadRow, 'file' | 'row' | 'id' | 'line'>): string {
  const parts = [`${b.file}: row ${b.row}`];
  if (b.id !== undefined) parts.push(`id ${b.id}`);
  if (b.line !== undefined) parts.push(`line ${b.line}`);
  return parts.join(', ');
}

export function describeBadRow(b: BadRow): string {
  return `${whereOf(b)}: ${b.reason}`;
}

/** An error's message, whatever was thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A problem with a whole file (missing columns, unreadable): never skippable. */
export function badFile(file: string, reason: string, cause?: unknown): GftError {
  return new GftError('BAD_INPUT', `${file}: ${reason}`, { cause, where: file });
}

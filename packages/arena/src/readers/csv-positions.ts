/**
 * Where each CSV record is: its data row (1-based, header excluded, records csv-parse could
 * not parse counted once each) and the line it starts on. Built on csv-parse's own counts
 * (`info.records`, `info.lines`, and the `records` / `lines` of its errors) plus each
 * record's raw text for the line breaks inside it. Records must be given in file order.
 */

/** csv-parse counts every CR and every LF inside a quoted field as a line break. */
function countedBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) n++;
  return n;
}

function crlfPairs(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n', i + 2)) n++;
  return n;
}

const LINE_BREAK = /[\r\n]/;

/**
 * A record's raw text without what csv-parse counts elsewhere: the breaks of skipped empty
 * lines before it (they stay in its raw text) and its own record delimiter (not yet counted
 * in `info.lines` when csv-parse reports the record). A record's text cannot otherwise
 * start or end with a line break: that would be an empty line, or a quote would close it.
 */
function recordBody(raw: string): string {
  let start = 0;
  while (start < raw.length && LINE_BREAK.test(raw[start])) start++;
  const end =
    raw.length > start && LINE_BREAK.test(raw[raw.length - 1]) ? raw.length - 1 : raw.length;
  return raw.slice(start, end);
}

/**
 * The line a record starts on, in csv-parse's count, from its last line in that count
 * (`info.lines` or an error's `lines`) and its raw text up to there. Unique per record, so
 * it tells which of csv-parse's errors belong to the same record.
 */
export function countedStartLine(lastLine: number, raw: string): number {
  return lastLine - countedBreaks(recordBody(raw));
}

export interface CsvPosition {
  /** 1-based data row. */
  row: number;
  /** 1-based line where the record starts. */
  line: number;
}

export class CsvPositions {
  /** Records csv-parse skipped so far: they are rows too, though it does not count them. */
  private skippedRecords = 0;
  /** Lines csv-parse counted twice so far: a CRLF inside a quoted field counts as two. */
  private doubleCounted = 0;

  private place(lastLine: number, raw: string): number {
    const line = countedStartLine(lastLine, raw) - this.doubleCounted;
    this.doubleCounted += crlfPairs(recordBody(raw));
    return line;
  }

  /**
   * A record csv-parse emitted: `records` is its `info.records` (which counts the header
   * and itself), `lastLine` its `info.lines` (the line it ends on), `raw` its raw text.
   */
  parsed(records: number, lastLine: number, raw: string): CsvPosition {
    return { row: records - 1 + this.skippedRecords, line: this.place(lastLine, raw) };
  }

  /**
   * A record csv-parse skipped, from its last error: `records` and `errorLine` are the
   * error's (records emitted before it; the line of the error), `raw` the record's text up
   * to the error. The rest of the record, past its last error, is not seen: a CRLF in a
   * quoted field there leaves later lines one too high.
   */
  skipped(records: number, errorLine: number, raw: string): CsvPosition {
    this.skippedRecords++;
    return { row: records + this.skippedRecords - 1, line: this.place(errorLine, raw) };
  }

  /** The line of an error at `errorLine` (csv-parse's `lines`) of the last record placed. */
  lineOf(errorLine: number): number {
    return errorLine - this.doubleCounted;
  }
}

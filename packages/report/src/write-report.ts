/** Reads bench JSONL and writes `report.md` and `report.html` beside it (or into `outDir`). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchRecord, GftError } from '@gft/core';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ReportOptions } from './rows.js';

export function readBenchJsonl(file: string): BenchRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as BenchRecord;
      } catch (cause) {
        throw new GftError(
          'BAD_INPUT',
          `${file}:${i + 1} is not a JSON bench record: ${(cause as Error).message}`,
          {
            cause,
            where: `${file}:${i + 1}`,
          },
        );
      }
    });
}

export async function writeReport(
  records: readonly BenchRecord[],
  outDir: string,
  options: ReportOptions = {},
): Promise<{ markdown: string; html: string }> {
  mkdirSync(outDir, { recursive: true });
  const markdown = join(outDir, 'report.md');
  const html = join(outDir, 'report.html');
  writeFileSync(markdown, renderMarkdown(records, options));
  writeFileSync(html, await renderHtml(records, options));
  return { markdown, html };
}

/** `report.md`: one table, a row per bench cell, failures listed with their reason. */
import type { BenchRecord } from '@gft/core';
import { formatBytes, formatCount, formatNumber, predictedShare } from './format.js';
import { baselineOf, type ReportOptions, reportRows } from './rows.js';
import { settingsLine } from './settings.js';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(
  records: readonly BenchRecord[],
  options: ReportOptions = {},
): string {
  const rows = reportRows(records, options);
  const base = baselineOf(records, options.baseline);
  const lines = [
    `# ${options.title ?? 'gft bench'}`,
    '',
    settingsLine(records, base?.cell.id),
    '',
    '| combination | real tokens/s | vs baseline | step p50 / p90 (ms) | peak RSS | predicted peak | predicted / RSS | trainable params | padding | final train loss | eval log loss |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (!r.ok) {
      lines.push(`| ${r.id} | failed | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.id} | ${formatNumber(r.tokensPerSecond)} | ${r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`} | ${formatNumber(r.stepMsP50, 0)} / ${formatNumber(r.stepMsP90, 0)} | ${formatBytes(r.peakRssBytes)} | ${formatBytes(r.predictedPeakBytes)} | ${predictedShare(r)} | ${formatCount(r.trainableParams)} | ${r.paddingRatio === undefined ? '-' : `${(r.paddingRatio * 100).toFixed(1)}%`} | ${formatNumber(r.finalLoss, 4)} | ${formatNumber(r.evalLogLoss, 4)} |`,
    );
  }
  const failed = rows.filter((r) => !r.ok);
  if (failed.length > 0) {
    lines.push('', '## Failed combinations', '');
    for (const r of failed) lines.push(`- \`${r.id}\`: ${escapeCell(r.error ?? 'failed')}`);
  }
  lines.push(
    '',
    'Real tokens exclude padding. Padding is the share of computed tokens that are padding. ' +
      "Peak RSS is the process's resident high-water mark over the steps (Linux VmHWM, restarted each step). " +
      "Predicted peak is gft's memory model (`gft memory`) for the cell's largest micro-batch, " +
      'with the runtime (Node, tfjs, tokenizer, rows) measured in the cell once the model is built.',
    '',
  );
  return lines.join('\n');
}

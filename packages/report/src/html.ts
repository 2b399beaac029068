/**
 * `report.html`: the Markdown table's numbers as an HTML table plus the charts inlined as
 * SVG. No scripts, no external resources: readable offline and printable.
 */
import type { BenchRecord } from '@gft/core';
import { chartSpecs, renderSvg } from './charts.js';
import { formatBytes, formatCount, formatNumber, predictedShare } from './format.js';
import { baselineOf, type ReportOptions, reportRows } from './rows.js';
import { settingsLine } from './settings.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function renderHtml(
  records: readonly BenchRecord[],
  options: ReportOptions = {},
): Promise<string> {
  const rows = reportRows(records, options);
  const title = options.title ?? 'gft bench';
  const charts = await Promise.all(
    chartSpecs(records, options.baseline).map(async (c) => ({
      title: c.title,
      svg: await renderSvg(c.spec),
    })),
  );
  const cell = (s: string) => `<td>${esc(s)}</td>`;
  const body = rows
    .map((r) =>
      r.ok
        ? `<tr>${cell(r.id)}${cell(formatNumber(r.tokensPerSecond))}${cell(r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`)}${cell(`${formatNumber(r.stepMsP50, 0)} / ${formatNumber(r.stepMsP90, 0)}`)}${cell(formatBytes(r.peakRssBytes))}${cell(formatBytes(r.predictedPeakBytes))}${cell(predictedShare(r))}${cell(formatCount(r.trainableParams))}${cell(r.paddingRatio === undefined ? '-' : `${(r.paddingRatio * 100).toFixed(1)}%`)}${cell(formatNumber(r.finalLoss, 4))}${cell(formatNumber(r.evalLogLoss, 4))}</tr>`
        : `<tr class="failed">${cell(r.id)}<td colspan="10">failed: ${esc(r.error ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.failed td{color:#a00}
figure{margin:1.5rem 0}figcaption{font-weight:600;margin-bottom:.5rem}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(settingsLine(records, baselineOf(records, options.baseline)?.cell.id).replace(/`/g, ''))}</p>
<table><thead><tr><th>combination</th><th>real tokens/s</th><th>vs baseline</th><th>step p50 / p90 (ms)</th><th>peak RSS</th><th>predicted peak</th><th>predicted / RSS</th><th>trainable params</th><th>padding</th><th>final train loss</th><th>eval log loss</th></tr></thead>
<tbody>
${body}
</tbody></table>
${charts.map((c) => `<figure class="chart"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}
</body></html>
`;
}

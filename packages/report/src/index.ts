/**
 * @gft/report: bench records (JSONL, one per combination) -> `report.md` (a table) and
 * `report.html` (the table plus throughput, memory and loss charts as inline SVG).
 */
export { type ChartSpec, chartSpecs, renderSvg } from './charts.js';
export { formatBytes, formatCount, formatNumber } from './format.js';
export { renderHtml } from './html.js';
export { renderMarkdown } from './markdown.js';
export { baselineOf, type ReportOptions, type ReportRow, reportRows } from './rows.js';
export { settingsLine } from './settings.js';
export { readBenchJsonl, writeReport } from './write-report.js';

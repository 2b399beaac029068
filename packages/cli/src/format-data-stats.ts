/**
 * The human form of `gft data preview`'s statistics: counts, a token-length table, and one
 * line per compared collator. Only formatting: the numbers come from @gft/arena.
 */
import { type ArenaDataStats, describeBadRow } from '@gft/arena';
import type { DataBatching } from './commands/data-preview.js';

const SHOWN_SKIPPED = 10;

const pct = (n: number, of: number): string => (of === 0 ? '0.0' : ((100 * n) / of).toFixed(1));

export function formatDataStats(s: ArenaDataStats, batching: DataBatching): string[] {
  const lines = [`rows: ${s.rows} read, ${s.skipped.length} skipped`];
  for (const bad of s.skipped.slice(0, SHOWN_SKIPPED))
    lines.push(`  skipped ${describeBadRow(bad)}`);
  if (s.skipped.length > SHOWN_SKIPPED)
    lines.push(`  ... and ${s.skipped.length - SHOWN_SKIPPED} more skipped`);
  const { winnerA, winnerB, tie, unlabelled } = s.labels;
  lines.push(
    `labels: winner_model_a ${winnerA}, winner_model_b ${winnerB}, winner_tie ${tie}` +
      (unlabelled > 0 ? `, unlabelled ${unlabelled}` : ''),
    `multi-turn rows: ${s.multiTurnRows} (${pct(s.multiTurnRows, s.rows)}%)`,
    `truncated to ${batching.maxSequenceLength} tokens: ${s.truncatedRows} rows (${pct(s.truncatedRows, s.rows)}%), ${s.droppedTurnRows} of them lost whole turns`,
    '',
    `tokens per row       ${['mean', 'p10', 'p50', 'p90', 'p99', 'max'].map((h) => h.padStart(7)).join('')}`,
  );
  for (const [name, d] of [
    ['before truncation', s.tokens.beforeTruncation],
    ['after truncation', s.tokens.afterTruncation],
  ] as const) {
    const cells = [d.mean.toFixed(0), d.p10, d.p50, d.p90, d.p99, d.max];
    lines.push(`  ${name.padEnd(19)}${cells.map((c) => String(c).padStart(7)).join('')}`);
  }
  lines.push(
    '',
    `batching all rows: ${batching.batchSize} rows per loader batch, ${batching.maxTokens}-token micro-batch budget, shuffle seed ${batching.seed}`,
  );
  for (const b of batching.collators) {
    lines.push(
      `  ${b.collator.padEnd(15)} ${b.loaderBatches} loader batches -> ${b.microBatches} micro-batches, ` +
        `efficiency ${b.efficiency.toFixed(3)} (per batch ${b.batchEfficiency.min.toFixed(3)}-${b.batchEfficiency.max.toFixed(3)}), ` +
        `${b.realTokens} real / ${b.computedTokens} computed tokens`,
    );
  }
  return lines;
}

/**
 * What a data set looks like once formatted and tokenized: rows read and skipped (with the
 * reader's reasons), label counts, multi-turn and truncated rows, and the token-length
 * distribution before and after truncation. Pure: it reads tokenized rows, never a file or a
 * tokenizer. How these rows batch is batching-stats.ts's question.
 */
import type { JudgeRow } from './judge-prompt.js';
import type { BadRow } from './readers/bad-row.js';
import { labelClass } from './record.js';

export interface LengthDistribution {
  mean: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ArenaDataStats {
  /** Rows read and tokenized. */
  rows: number;
  /** Rows the reader skipped, each with its file, row, id and reason. */
  skipped: BadRow[];
  /** Rows per label, by the most probable class; unlabelled: a test set's rows. */
  labels: { winnerA: number; winnerB: number; tie: number; unlabelled: number };
  /** Rows whose conversation has more than one turn. */
  multiTurnRows: number;
  /** Rows cut to fit the sequence length. */
  truncatedRows: number;
  /** Rows that lost whole turns to truncation (a subset of truncatedRows). */
  droppedTurnRows: number;
  /** Judge-prompt tokens per row before and after truncation. */
  tokens: { beforeTruncation: LengthDistribution; afterTruncation: LengthDistribution };
}

export type StatsRow = Pick<
  JudgeRow,
  'ids' | 'label' | 'fullLength' | 'truncated' | 'turns' | 'droppedTurns'
>;

/**
 * Nearest-rank percentile (the value of a real row, no interpolation): a token length of
 * 1532.4 describes no prompt. `sorted` ascending, non-empty.
 */
function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export function lengthDistribution(lengths: readonly number[]): LengthDistribution {
  if (lengths.length === 0) return { mean: 0, p10: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...lengths].sort((a, b) => a - b);
  return {
    mean: sorted.reduce((s, n) => s + n, 0) / sorted.length,
    p10: nearestRank(sorted, 0.1),
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    p99: nearestRank(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

export function arenaDataStats(
  rows: readonly StatsRow[],
  skipped: readonly BadRow[] = [],
): ArenaDataStats {
  const labels = { winnerA: 0, winnerB: 0, tie: 0, unlabelled: 0 };
  const keys = ['winnerA', 'winnerB', 'tie'] as const;
  for (const row of rows) {
    if (Array.from(row.label).some((p) => !Number.isFinite(p))) labels.unlabelled++;
    else labels[keys[labelClass(row.label)]]++;
  }
  return {
    rows: rows.length,
    skipped: [...skipped],
    labels,
    multiTurnRows: rows.filter((r) => r.turns > 1).length,
    truncatedRows: rows.filter((r) => r.truncated).length,
    droppedTurnRows: rows.filter((r) => r.droppedTurns > 0).length,
    tokens: {
      beforeTruncation: lengthDistribution(rows.map((r) => r.fullLength)),
      afterTruncation: lengthDistribution(rows.map((r) => r.ids.length)),
    },
  };
}

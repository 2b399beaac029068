/**
 * Splits rows into groups under a token budget, the part every collator shares. The cost
 * of a group is collator-specific (padded: rows x longest; packed: sum of lengths), so it
 * is passed in as `costOf(lengths)` over the group's lengths, monotone in each member.
 */
import type { CollateOrder } from '../collator.js';

export type GroupCost = (count: number, sumLen: number, maxLen: number) => number;

/** Returns groups of row indices. A row that alone exceeds the budget forms its own group. */
export function groupUnderBudget(
  lengths: readonly number[],
  maxTokens: number,
  cost: GroupCost,
  order: CollateOrder = 'keep',
): number[][] {
  const indices = lengths.map((_, i) => i);
  if (order !== 'keep') indices.sort((a, b) => lengths[b] - lengths[a] || a - b);

  if (order === 'first-fit-decreasing') {
    const bins: { rows: number[]; sum: number; max: number }[] = [];
    for (const i of indices) {
      const len = lengths[i];
      const bin = bins.find(
        (b) => cost(b.rows.length + 1, b.sum + len, Math.max(b.max, len)) <= maxTokens,
      );
      if (bin) {
        bin.rows.push(i);
        bin.sum += len;
        bin.max = Math.max(bin.max, len);
      } else {
        bins.push({ rows: [i], sum: len, max: len });
      }
    }
    return bins.map((b) => b.rows);
  }

  const groups: number[][] = [];
  let current: number[] = [];
  let sum = 0;
  let max = 0;
  for (const i of indices) {
    const len = lengths[i];
    if (current.length > 0 && cost(current.length + 1, sum + len, Math.max(max, len)) > maxTokens) {
      groups.push(current);
      current = [];
      sum = 0;
      max = 0;
    }
    current.push(i);
    sum += len;
    max = Math.max(max, len);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Turn-aware truncation plan, on token counts: how many tokens of each conversation piece to
 * keep so the whole prompt fits `maxLen`. Fixed pieces (instruction, markers, suffix) always
 * survive. Content pieces are cut by water-filling: every piece keeps min(length, cap) with
 * one cap for all, so the two responses of a turn get equal shares and a short piece is
 * never cut for a long one. Whole turns are dropped (latest first, both responses together)
 * only when the budget cannot give each content piece `minTokensPerPiece`. It does not
 * tokenize or build text.
 */
import { GftError } from '@gft/core';

export interface PlanPiece {
  /** Fixed text (always kept) or conversation content (cut as needed). */
  fixed: boolean;
  /** Turn index for per-turn pieces (headers and content); -1 for the global frame. */
  turn: number;
  length: number;
}

export interface TruncationPlan {
  /** Tokens kept per piece (0 for the pieces of dropped turns). */
  keep: number[];
  /** Turns dropped from the end of the conversation. */
  droppedTurns: number;
  /** True when anything was cut or dropped. */
  truncated: boolean;
  /** Length before truncation. */
  fullLength: number;
}

/** Default smallest share a content piece keeps before whole turns are dropped. */
export const MIN_TOKENS_PER_PIECE = 16;

export function planTruncation(
  pieces: readonly PlanPiece[],
  maxLen: number,
  minTokensPerPiece = MIN_TOKENS_PER_PIECE,
): TruncationPlan {
  const fullLength = pieces.reduce((s, p) => s + p.length, 0);
  if (fullLength <= maxLen) {
    return { keep: pieces.map((p) => p.length), droppedTurns: 0, truncated: false, fullLength };
  }
  const turns = 1 + Math.max(-1, ...pieces.map((p) => p.turn));
  const globalFixed = pieces.filter((p) => p.fixed && p.turn < 0).reduce((s, p) => s + p.length, 0);
  const turnFixed = new Array<number>(turns).fill(0);
  const turnContent = new Array<number>(turns).fill(0);
  for (const p of pieces) {
    if (p.turn < 0) continue;
    if (p.fixed) turnFixed[p.turn] += p.length;
    else if (p.length > 0) turnContent[p.turn]++;
  }
  // Keep the most leading turns whose markers plus a minimal share of content fit.
  let kept = turns;
  const need = (k: number): number => {
    let n = globalFixed;
    for (let t = 0; t < k; t++) n += turnFixed[t] + turnContent[t] * minTokensPerPiece;
    return n;
  };
  while (kept > 1 && need(kept) > maxLen) kept--;
  const fixedKept = globalFixed + turnFixed.slice(0, kept).reduce((s, n) => s + n, 0);
  const contentBudget = maxLen - fixedKept;
  if (contentBudget < turnContent[0]) {
    throw new GftError(
      'BAD_CONFIG',
      `maxSequenceLength ${maxLen} is too small for the judge template: its fixed text and first ` +
        `turn's markers take ${fixedKept} tokens; use at least ${fixedKept + 3 * minTokensPerPiece}`,
      { where: 'maxSequenceLength' },
    );
  }
  const content = pieces
    .map((p, i) => ({ i, len: p.length }))
    .filter(({ i }) => !pieces[i].fixed && pieces[i].turn < kept);
  // Water-filling: largest cap with sum(min(len, cap)) <= budget, by bisection on the cap.
  let lo = 0;
  let hi = Math.max(0, ...content.map((c) => c.len));
  const used = (cap: number): number => content.reduce((s, c) => s + Math.min(c.len, cap), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used(mid) <= contentBudget) lo = mid;
    else hi = mid - 1;
  }
  const keep = pieces.map((p) =>
    p.turn >= kept ? 0 : p.fixed ? p.length : Math.min(p.length, lo),
  );
  // Hand the remainder out one token each, so pieces at the cap differ by at most one.
  let spare = contentBudget - used(lo);
  for (const c of content) {
    if (spare <= 0) break;
    if (c.len > lo) {
      keep[c.i]++;
      spare--;
    }
  }
  return { keep, droppedTurns: turns - kept, truncated: true, fullLength };
}

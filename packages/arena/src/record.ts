/**
 * The arena record: one pairwise comparison, turns JSON-decoded (null turns -> ""), the
 * label as a probability row. What readers and the synthetic generator produce; not the
 * formatted prompt (see judge-prompt.ts) nor token ids.
 */

/** Probabilities of A wins, B wins and a tie, in that order. One-hot for Kaggle labels, soft when given. */
export type ArenaLabel = Float32Array | number[];

export interface ArenaRecord {
  id: string;
  /** One string per turn; `prompt.length === responseA.length === responseB.length`. */
  prompt: string[];
  responseA: string[];
  responseB: string[];
  /** Undefined for unlabelled data (Kaggle `test.csv`). */
  label?: ArenaLabel;
  modelA?: string;
  modelB?: string;
  /** Set by `swapRecord`: A and B (and the label) are mirrored relative to the source. */
  swapped?: boolean;
}

/** The Kaggle "lmsys-chatbot-arena" columns. */
export const ARENA_COLUMNS = {
  id: 'id',
  modelA: 'model_a',
  modelB: 'model_b',
  prompt: 'prompt',
  responseA: 'response_a',
  responseB: 'response_b',
  winnerA: 'winner_model_a',
  winnerB: 'winner_model_b',
  winnerTie: 'winner_tie',
} as const;

export const REQUIRED_COLUMNS = ['id', 'prompt', 'response_a', 'response_b'] as const;
export const LABEL_COLUMNS = ['winner_model_a', 'winner_model_b', 'winner_tie'] as const;

/** Index of the largest probability: 0 = A, 1 = B, 2 = tie. */
export function labelClass(label: ArrayLike<number>): 0 | 1 | 2 {
  let best = 0;
  for (let i = 1; i < 3; i++) if (label[i] > label[best]) best = i;
  return best as 0 | 1 | 2;
}

/** Number of turns (the prompt's). */
export function turnCount(record: ArenaRecord): number {
  return record.prompt.length;
}

/**
 * The judge prompt of one record: its pieces (frame, per-turn headers, conversation content)
 * and, from the token ids of those pieces, the truncated TokenizedRow. Pieces are tokenized
 * separately so truncation can cut on token ids; the ids are the concatenation of the pieces'
 * ids. Tokenizing (inline or in workers) is tokenize-arena.ts's job, not this file's.
 */
import type { TokenizedRow } from '@gft/core';
import { DEFAULT_JUDGE_TEMPLATE, type JudgeTemplate } from './judge-template.js';
import { type ArenaRecord, turnCount } from './record.js';
import { MIN_TOKENS_PER_PIECE, planTruncation } from './truncation.js';

export type PieceRole = 'frame' | 'header' | 'prompt' | 'responseA' | 'responseB';

export interface JudgePiece {
  role: PieceRole;
  /** -1 for the frame, else the turn index. */
  turn: number;
  text: string;
}

export interface JudgePromptOptions {
  template?: Partial<JudgeTemplate>;
  /** Longest tokenized prompt (seed: 4096). */
  maxSequenceLength?: number;
  /** Smallest share of a content piece before whole turns are dropped (default 16). */
  minTokensPerPiece?: number;
}

/** A tokenized judge prompt plus what truncation did to it. */
export interface JudgeRow extends TokenizedRow {
  text: string;
  truncated: boolean;
  /** Tokens before truncation. */
  fullLength: number;
  /** Conversation turns of the record (before truncation). */
  turns: number;
  droppedTurns: number;
  /** The prompt shows the A/B-swapped mirror of the source record. */
  swapped: boolean;
}

export const DEFAULT_MAX_SEQUENCE_LENGTH = 4096;

export function resolveTemplate(template?: Partial<JudgeTemplate>): JudgeTemplate {
  return { ...DEFAULT_JUDGE_TEMPLATE, ...template };
}

/** The pieces of the prompt, in order; their texts joined are the untruncated prompt. */
export function judgePieces(record: ArenaRecord, template: JudgeTemplate): JudgePiece[] {
  const pieces: JudgePiece[] = [
    {
      role: 'frame',
      turn: -1,
      text: template.prefix + template.instruction + template.conversationStart,
    },
  ];
  record.prompt.forEach((prompt, t) => {
    pieces.push(
      { role: 'header', turn: t, text: template.userHeader },
      { role: 'prompt', turn: t, text: prompt },
      { role: 'header', turn: t, text: template.assistantAHeader },
      { role: 'responseA', turn: t, text: record.responseA[t] },
      { role: 'header', turn: t, text: template.assistantBHeader },
      { role: 'responseB', turn: t, text: record.responseB[t] },
    );
  });
  pieces.push({ role: 'frame', turn: -1, text: template.conversationEnd + template.suffix });
  return pieces;
}

/** The untruncated prompt text. */
export function formatJudgePrompt(
  record: ArenaRecord,
  template: Partial<JudgeTemplate> = {},
): string {
  return judgePieces(record, resolveTemplate(template))
    .map((p) => p.text)
    .join('');
}

/** NaN label for unlabelled records: any loss computed on it is NaN, so misuse is loud. */
const NO_LABEL = Float32Array.from([Number.NaN, Number.NaN, Number.NaN]);

/**
 * Assembles the row from each piece's ids, cutting content pieces to fit. `decode` turns the
 * kept ids of a cut piece back into text (only called for truncated rows).
 */
export function buildJudgeRow(
  record: ArenaRecord,
  pieces: readonly JudgePiece[],
  pieceIds: readonly Int32Array[],
  options: JudgePromptOptions,
  decode: (ids: Int32Array) => string,
): JudgeRow {
  const plan = planTruncation(
    pieces.map((p, i) => ({
      fixed: p.role === 'frame' || p.role === 'header',
      turn: p.turn,
      length: pieceIds[i].length,
    })),
    options.maxSequenceLength ?? DEFAULT_MAX_SEQUENCE_LENGTH,
    options.minTokensPerPiece ?? MIN_TOKENS_PER_PIECE,
  );
  const ids = new Int32Array(plan.keep.reduce((s, n) => s + n, 0));
  let at = 0;
  const texts: string[] = [];
  pieces.forEach((p, i) => {
    const n = plan.keep[i];
    ids.set(pieceIds[i].subarray(0, n), at);
    at += n;
    if (n === pieceIds[i].length) texts.push(p.text);
    else if (n > 0) texts.push(decode(pieceIds[i].subarray(0, n)));
  });
  return {
    id: record.id,
    ids,
    label: record.label ? Float32Array.from(record.label) : NO_LABEL.slice(),
    text: texts.join(''),
    truncated: plan.truncated,
    fullLength: plan.fullLength,
    turns: turnCount(record),
    droppedTurns: plan.droppedTurns,
    swapped: record.swapped ?? false,
  };
}

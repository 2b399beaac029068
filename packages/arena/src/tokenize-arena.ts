/**
 * Records -> judge-prompt TokenizedRows: format each record (optionally A/B-swapped), tokenize
 * its pieces in the tokenizer pool, truncate turn-aware to maxSequenceLength. Row order is
 * kept. Batching into micro-batches is the loader's job, not this file's.
 */
import type { Tokenizer } from '@gft/core';
import {
  buildJudgeRow,
  type JudgePiece,
  type JudgePromptOptions,
  type JudgeRow,
  judgePieces,
  resolveTemplate,
} from './judge-prompt.js';
import type { ArenaRecord } from './record.js';
import { swapRecord } from './swap.js';
import {
  createTokenizerPool,
  type TokenizerPool,
  type TokenizerPoolOptions,
} from './tokenizer-pool.js';

export interface TokenizeArenaOptions extends JudgePromptOptions, TokenizerPoolOptions {
  /** false (default): as read; true: the A/B-swapped mirror only; 'both': each, then its mirror. */
  swap?: boolean | 'both';
  /** Reuse a pool (e.g. across epochs); otherwise one is made and closed here. */
  pool?: TokenizerPool;
}

export async function tokenizeArena(
  records: readonly ArenaRecord[],
  tokenizer: Tokenizer,
  options: TokenizeArenaOptions = {},
): Promise<JudgeRow[]> {
  const template = resolveTemplate(options.template);
  const sources =
    options.swap === 'both'
      ? records.flatMap((r) => [r, swapRecord(r)])
      : options.swap
        ? records.map(swapRecord)
        : [...records];
  const pool = options.pool ?? (await createTokenizerPool(tokenizer, options));
  try {
    await tokenizer.setup?.();
    const pieces = sources.map((r) => judgePieces(r, template));
    // Frame and header texts repeat in every row: encode each distinct one once.
    const fixedTexts = [
      ...new Set(
        pieces
          .flat()
          .filter(isFixed)
          .map((p) => p.text),
      ),
    ];
    const fixedIds = new Map<string, Int32Array>();
    for (const [i, ids] of (await pool.encodeMany(fixedTexts)).entries()) {
      fixedIds.set(fixedTexts[i], ids);
    }
    const contentIds = await pool.encodeMany(
      pieces
        .flat()
        .filter((p) => !isFixed(p))
        .map((p) => p.text),
    );
    let next = 0;
    const decode = (ids: Int32Array): string => tokenizer.decode(ids);
    return sources.map((record, r) => {
      const ids = pieces[r].map((p) => (isFixed(p) ? fixedIds.get(p.text)! : contentIds[next++]));
      return buildJudgeRow(record, pieces[r], ids, options, decode);
    });
  } finally {
    if (!options.pool) await pool.close();
  }
}

function isFixed(p: JudgePiece): boolean {
  return p.role === 'frame' || p.role === 'header';
}

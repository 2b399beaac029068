/**
 * The verdict head's token ids, derived from a tokenizer: the id each verdict letter gets
 * when it follows the judge prompt's closing text (`... verdict is: [[`). Looking the letters
 * up as vocabulary entries is not the same thing: SentencePiece vocabularies hold both `A` and
 * the word-initial `▁A` (Gemma-2: 235280 and 586), and only the one the prompt produces is the
 * token the model would generate next. Not here: the head itself (@gft/gemma heads.ts).
 */
import { GftError, type Tokenizer } from '@gft/core';
import { resolveTemplate } from './judge-prompt.js';
import { type JudgeTemplate, VERDICT_TOKENS } from './judge-template.js';

export type VerdictTokenIds = readonly [number, number, number];

/**
 * Ids of `A`, `B` and `C` (label order: A wins, B wins, tie) as they follow the template's
 * closing frame. The closing frame is encoded as tokenize-arena encodes it (conversation end
 * + suffix, one piece), then with each letter appended; the letter must add exactly one id
 * and leave the frame's ids untouched, otherwise no single-token verdict exists and this
 * throws, naming the letter and the ids it got.
 */
export function verdictTokenIds(
  tokenizer: Tokenizer,
  template: Partial<JudgeTemplate> = {},
  letters: readonly string[] = VERDICT_TOKENS,
): VerdictTokenIds {
  if (letters.length !== 3) {
    throw new GftError(
      'BAD_CONFIG',
      `verdict head: expected 3 verdict letters (A wins, B wins, tie), got ${letters.length}`,
      { where: 'verdictTokens' },
    );
  }
  const t = resolveTemplate(template);
  const closing = t.conversationEnd + t.suffix;
  const base = tokenizer.encode(closing);
  const ids = letters.map((letter) => {
    const withLetter = tokenizer.encode(closing + letter);
    const keepsFrame =
      withLetter.length === base.length + 1 && base.every((id, i) => withLetter[i] === id);
    if (!keepsFrame) {
      throw new GftError(
        'BAD_CONFIG',
        `verdict head: tokenizer '${tokenizer.name}' does not encode the verdict '${letter}' as one token after the judge prompt's ` +
          `suffix ${JSON.stringify(t.suffix.slice(-12))}: the suffix alone is [${Array.from(base.slice(-3)).join(', ')}] (last 3 ids), ` +
          `with '${letter}' [${Array.from(withLetter.slice(-4)).join(', ')}] (last 4 ids); give the ids with --verdictTokens or change the suffix`,
        { where: 'verdictTokens' },
      );
    }
    return withLetter[base.length];
  });
  if (new Set(ids).size !== 3) {
    throw new GftError(
      'BAD_CONFIG',
      `verdict head: the letters ${letters.join(', ')} encode to ids [${ids.join(', ')}], which are not distinct`,
      { where: 'verdictTokens' },
    );
  }
  return [ids[0], ids[1], ids[2]];
}

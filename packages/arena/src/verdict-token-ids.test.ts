/** The verdict ids come from the tokenizer, as the judge prompt produces them. */
import type { Tokenizer } from '@gft/core';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatJudgePrompt } from './judge-prompt.js';
import type { ArenaRecord } from './record.js';
import { tokenizeArena } from './tokenize-arena.js';
import { verdictTokenIds } from './verdict-token-ids.js';

const tokenizer = gemmaTokenizer();
beforeAll(async () => {
  await tokenizer.setup?.();
}, 60_000);

const record: ArenaRecord = {
  id: 'v1',
  prompt: ['Which is larger, 9.11 or 9.9?'],
  responseA: ['9.9'],
  responseB: ['9.11'],
  label: [1, 0, 0],
};

describe('verdictTokenIds (Gemma-2 tokenizer)', () => {
  it("is the id each letter gets right after the prompt's `[[`: A = 235280, not ▁A = 586", () => {
    const ids = verdictTokenIds(tokenizer);
    expect(ids).toEqual([235280, 235305, 235288]);
    expect(ids[0]).not.toBe(tokenizer.tokenToId('▁A'));
    expect(tokenizer.tokenToId('▁A')).toBe(586);
  });

  it('matches the encoded prompt: a tokenized row followed by its verdict letter', async () => {
    const ids = verdictTokenIds(tokenizer);
    const [row] = await tokenizeArena([record], tokenizer, { numWorkers: 0 });
    const prompt = formatJudgePrompt(record);
    ['A', 'B', 'C'].forEach((letter, i) => {
      const answered = tokenizer.encode(prompt + letter);
      expect(Array.from(answered.subarray(0, row.ids.length))).toEqual(Array.from(row.ids));
      expect(answered.length).toBe(row.ids.length + 1);
      expect(answered.at(-1)).toBe(ids[i]);
    });
  });

  it('refuses a suffix whose trailing space the letter absorbs (`is: A` ends in ▁A = 586)', () => {
    expect(() =>
      verdictTokenIds(tokenizer, {
        suffix: '<end_of_turn>\n<start_of_turn>model\nMy final verdict is: ',
      }),
    ).toThrow(/'A' \[\d+, 603, 235292, 586\]/);
  });

  it('follows a custom suffix', () => {
    const ids = verdictTokenIds(tokenizer, { suffix: '<end_of_turn>\n<start_of_turn>model\n(' });
    expect(ids).toEqual([235280, 235305, 235288]);
  });
});

describe('verdictTokenIds (contract)', () => {
  // A character tokenizer that merges "[[A" into one piece: no single-token verdict exists.
  const merging: Tokenizer = {
    kind: 'tokenizer',
    name: 'merging',
    vocabSize: 1000,
    specialTokens: { pad: 0, eos: 1, bos: 2 },
    encode(text) {
      const out: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text.startsWith('[[A', i)) {
          out.push(999);
          i += 2;
        } else out.push(text.charCodeAt(i) % 900);
      }
      return Int32Array.from(out);
    },
    decode: () => '',
    tokenToId: () => undefined,
  };

  it('names the letter and the ids when the letter merges with the suffix', () => {
    expect(() => verdictTokenIds(merging)).toThrow(/does not encode the verdict 'A' as one token/);
    expect(() => verdictTokenIds(merging)).toThrow(/--verdictTokens/);
  });

  it('derives per-character ids where nothing merges, and refuses duplicate ids', () => {
    expect(verdictTokenIds(merging, {}, ['B', 'C', 'D'])).toEqual([66, 67, 68]);
    expect(() => verdictTokenIds(merging, {}, ['B', 'B', 'C'])).toThrow(/not distinct/);
    expect(() => verdictTokenIds(merging, {}, ['B', 'C'])).toThrow(/expected 3 verdict letters/);
  });
});

/** Tests that need the real Gemma-2 tokenizer: loaded once for the file (17.5 MB JSON). */
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatJudgePrompt } from './judge-prompt.js';
import type { ArenaRecord } from './record.js';
import { MARKER_WORD, syntheticArena, WORDS } from './synthetic.js';
import { tokenizeArena } from './tokenize-arena.js';

const tokenizer = gemmaTokenizer();
beforeAll(async () => {
  await tokenizer.setup?.();
});

const record: ArenaRecord = {
  id: 'x1',
  prompt: ['What is 2+2?', 'And 3+3?'],
  responseA: ['4', ''],
  responseB: ['Four.', 'Six.'],
  label: [0, 1, 0],
};

const START = '<|The Start of Conversation between a User and two Assistants|>';
const END = '<|The End of Conversation between a User and two Assistants|>';

describe('judge prompt', () => {
  it('is the Gemma chat template around the judge instruction and conversation', () => {
    const text = formatJudgePrompt(record);
    expect(text.startsWith('<bos><start_of_turn>user\nPlease act as an impartial judge')).toBe(
      true,
    );
    expect(text).toContain(
      '"[[A]]" if assistant A is better, "[[B]]" if assistant B is better, and "[[C]]" for a tie.',
    );
    expect(text).toContain(
      `${START}\n### User:\nWhat is 2+2?\n\n### Assistant A:\n4\n\n### Assistant B:\nFour.\n### User:\nAnd 3+3?`,
    );
    expect(
      text.endsWith(`Six.\n${END}<end_of_turn>\n<start_of_turn>model\nMy final verdict is: [[`),
    ).toBe(true);
    expect(
      formatJudgePrompt(record, { suffix: '<end_of_turn>\n<start_of_turn>model\nverdict is: [[' }),
    ).toMatch(/<start_of_turn>model\nverdict is: \[\[$/);
  });

  it('tokenizes to the untruncated text, starting <bos><start_of_turn>user\\n', async () => {
    const [row] = await tokenizeArena([record], tokenizer, { numWorkers: 0 });
    expect(Array.from(row.ids.subarray(0, 4))).toEqual([2, 106, 1645, 108]);
    expect(row.text).toBe(formatJudgePrompt(record));
    expect(tokenizer.decode(row.ids)).toBe(row.text);
    expect(row.truncated).toBe(false);
    expect(row.label).toEqual(Float32Array.from([0, 1, 0]));
    expect(tokenizer.decode(row.ids.subarray(-6))).toMatch(/verdict is: \[\[$/);
  });

  it('swap gives the mirrored prompt with the label permuted', async () => {
    const [plain, mirrored] = await tokenizeArena([record], tokenizer, {
      numWorkers: 0,
      swap: 'both',
    });
    expect(mirrored.swapped).toBe(true);
    expect(Array.from(mirrored.label)).toEqual([1, 0, 0]);
    expect(mirrored.text).toContain('### Assistant A:\nFour.');
    expect(plain.text).toContain('### Assistant A:\n4');
  });

  it('truncates to maxSequenceLength on token ids: frame and suffix survive, both responses cut fairly', async () => {
    const long: ArenaRecord = {
      id: 'long',
      prompt: ['Compare these.'],
      responseA: [Array.from({ length: 6000 }, (_, i) => WORDS[i % WORDS.length]).join(' ')],
      responseB: [Array.from({ length: 4000 }, (_, i) => WORDS[(i * 7) % WORDS.length]).join(' ')],
      label: [1, 0, 0],
    };
    const [row] = await tokenizeArena([long], tokenizer, { numWorkers: 0 });
    expect(row.truncated).toBe(true);
    expect(row.fullLength).toBeGreaterThan(10000);
    expect(row.ids.length).toBe(4096);
    expect(row.text.startsWith('<bos><start_of_turn>user\nPlease act as an impartial judge')).toBe(
      true,
    );
    expect(
      row.text.endsWith(`\n${END}<end_of_turn>\n<start_of_turn>model\nMy final verdict is: [[`),
    ).toBe(true);
    const a = row.text.split('### Assistant A:\n')[1].split('\n\n### Assistant B:')[0];
    const b = row.text.split('### Assistant B:\n')[1].split(`\n${END}`)[0];
    const [ta, tb] = [tokenizer.encode(a).length, tokenizer.encode(b).length];
    console.log(`truncated responses: A ${ta} tokens, B ${tb} tokens`);
    expect(Math.abs(ta - tb)).toBeLessThanOrEqual(2);
    const [small] = await tokenizeArena([long], tokenizer, {
      numWorkers: 0,
      maxSequenceLength: 1024,
    });
    expect(small.ids.length).toBe(1024);
  });

  it('unlabelled records get a NaN label (a loss on it is loudly NaN)', async () => {
    const [row] = await tokenizeArena([{ ...record, label: undefined }], tokenizer, {
      numWorkers: 0,
    });
    expect(Array.from(row.label).every(Number.isNaN)).toBe(true);
  });
});

describe('synthetic data with the real tokenizer', () => {
  it('every word of the word list (and the marker) is one token', () => {
    for (const w of [...WORDS, MARKER_WORD]) expect(tokenizer.encode(` ${w}`).length).toBe(1);
  });

  it('a worker pool keeps row order and matches inline; lengths follow the real distribution', async () => {
    const records = syntheticArena(400, { seed: 11 });
    const pooled = await tokenizeArena(records, tokenizer, { numWorkers: 2 });
    const inline = await tokenizeArena(records.slice(0, 40), tokenizer, { numWorkers: 0 });
    expect(pooled.map((r) => r.id)).toEqual(records.map((r) => r.id));
    for (const [i, row] of inline.entries()) expect(pooled[i].ids).toEqual(row.ids);
    const lengths = pooled.map((r) => r.fullLength).sort((a, b) => a - b);
    const q = (p: number): number => lengths[Math.floor(p * (lengths.length - 1))];
    const mean = lengths.reduce((s, n) => s + n, 0) / lengths.length;
    const over = lengths.filter((n) => n > 4096).length / lengths.length;
    console.log(
      `synthetic judge-prompt tokens: mean ${mean.toFixed(0)}, p10 ${q(0.1)}, p50 ${q(0.5)}, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${q(1)}, over 4096 ${(100 * over).toFixed(1)}%`,
    );
    // Real sample: mean 881, p10 309, p50 712, p90 1538, p99 ~4000, ~1% over 4096.
    expect(mean).toBeGreaterThan(700);
    expect(mean).toBeLessThan(1100);
    expect(q(0.1)).toBeGreaterThan(230);
    expect(q(0.1)).toBeLessThan(420);
    expect(q(0.5)).toBeGreaterThan(600);
    expect(q(0.5)).toBeLessThan(850);
    expect(q(0.9)).toBeGreaterThan(1250);
    expect(q(0.9)).toBeLessThan(1900);
    expect(over).toBeLessThan(0.04);
    expect(pooled.every((r) => r.ids.length <= 4096)).toBe(true);
  });
});

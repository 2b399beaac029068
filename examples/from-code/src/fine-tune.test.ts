/**
 * Runs the README's code on the golden fixture `tiny-gemma2` (QLoRA r16, two steps) and
 * checks what it printed: one finite loss per step, near ln 3 for an untrained head, and that
 * the default backend (wasm) did the work. Also checks that the README's "Using it from code"
 * block is still this code, so the two cannot drift apart.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '@gft/core';
import { goldenFixturesDir } from '@gft/core/testing';
import { describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { fineTune } from './fine-tune.js';

const CHECKPOINT = join(goldenFixturesDir(), 'tiny-gemma2');

describe('fine-tune from code', () => {
  it('trains two QLoRA steps on the checkpoint folder and prints finite losses', async () => {
    const lines: string[] = [];
    const losses = await fineTune(CHECKPOINT, { log: (l) => lines.push(l) });
    console.log(lines.join('\n'));
    expect(losses).toHaveLength(2);
    for (const loss of losses) {
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(loss - Math.log(3))).toBeLessThan(1);
    }
    expect(lines).toEqual(losses.map((l, i) => `step ${i + 1}: loss ${l.toFixed(4)}`));
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('README', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const lines = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');

  it("shows fine-tune.ts in 'Using it from code', in order, leaving out only whole lines", () => {
    const readme = readFileSync(join(here, '../../../README.md'), 'utf8');
    const section = readme.split('## Using it from code')[1] ?? '';
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block, "README.md has no ts block under '## Using it from code'").toBeDefined();
    const source = lines(readFileSync(join(here, 'fine-tune.ts'), 'utf8'));
    let at = 0;
    for (const line of lines(block!)) {
      const found = source.indexOf(line, at);
      expect(found, `README line not in fine-tune.ts (after line ${at}): ${line}`).not.toBe(-1);
      at = found + 1;
    }
  });
});

describe('byte tokenizer', () => {
  const tokenizer = byteTokenizer();

  it('round-trips text with special tokens and fits a 512-token vocabulary', () => {
    const text = '<bos><start_of_turn>user\nHéllo, [[A]]<end_of_turn>\n';
    const ids = tokenizer.encode(text);
    expect(Array.from(ids.slice(0, 2))).toEqual([2, 3]);
    expect(Math.max(...ids)).toBeLessThan(tokenizer.vocabSize);
    expect(tokenizer.vocabSize).toBeLessThanOrEqual(512);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.decode(ids, { skipSpecialTokens: true })).toBe('user\nHéllo, [[A]]\n');
  });

  it('maps single bytes and special tokens to ids, longer strings to nothing', () => {
    expect(tokenizer.tokenToId('A')).toBe(tokenizer.encode('A')[0]);
    expect(tokenizer.tokenToId('<end_of_turn>')).toBe(4);
    expect(tokenizer.tokenToId('AB')).toBeUndefined();
    expect(Array.from(tokenizer.encode('x', { addSpecialTokens: true }))).toEqual([2, 5 + 120]);
  });
});

import { pluginEntriesOf } from '@gft/core';
import { hfTokenizer } from '@gft/core/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { GEMMA2_VOCAB_SIZE, gemmaTokenizer } from './gemma-tokenizer.js';
import * as entry from './index.js';

// One tokenizer for the whole file: its JSON is 17.5 MB.
const tokenizer = gemmaTokenizer();
beforeAll(async () => {
  await tokenizer.setup?.();
});

describe('gemmaTokenizer', () => {
  it('has the Gemma-2 vocabulary and special tokens', () => {
    expect(tokenizer.kind).toBe('tokenizer');
    expect(tokenizer.name).toBe('gemma2');
    expect(tokenizer.vocabSize).toBe(GEMMA2_VOCAB_SIZE);
    expect(tokenizer.specialTokens).toEqual({
      pad: 0,
      eos: 1,
      bos: 2,
      startOfTurn: 106,
      endOfTurn: 107,
    });
    for (const [token, id] of [
      ['<pad>', 0],
      ['<eos>', 1],
      ['<bos>', 2],
      ['<start_of_turn>', 106],
      ['<end_of_turn>', 107],
    ] as const) {
      expect(tokenizer.tokenToId(token)).toBe(id);
    }
  });

  it('encodes the chat template markers as single tokens', () => {
    const ids = tokenizer.encode('<bos><start_of_turn>user\nHello<end_of_turn>\n');
    expect(Array.from(ids)).toEqual([2, 106, 1645, 108, 4521, 107, 108]);
    expect(ids).toBeInstanceOf(Int32Array);
  });

  it('adds <bos> only when asked', () => {
    expect(tokenizer.encode('Hello', { addSpecialTokens: true })[0]).toBe(2);
    expect(tokenizer.encode('Hello')[0]).not.toBe(2);
  });

  it('round-trips text through decode', () => {
    const text = 'The verdict is: [[A]] — naïve café, 42 ✓';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('before setup, a worker rebuilds it from this package and the file', () => {
    const spec = gemmaTokenizer().workerSpec?.();
    expect(spec?.module).toBe('@gft/tokenizer-gemma');
    expect(spec?.exportName).toBe('gemmaTokenizer');
    const factory = (entry as Record<string, unknown>)[spec!.exportName];
    expect(typeof factory).toBe('function');
  });

  it('once loaded, a worker rebuilds it from a snapshot, and the rebuilt one agrees', async () => {
    const spec = tokenizer.workerSpec?.();
    expect(spec?.module).toBe('@gft/core/tokenizers');
    expect(spec?.exportName).toBe('hfTokenizer');
    expect(spec?.options).not.toHaveProperty('file');
    const rebuilt = hfTokenizer(spec!.options as Parameters<typeof hfTokenizer>[0]);
    await rebuilt.setup?.();
    expect(rebuilt.name).toBe('gemma2');
    expect(rebuilt.vocabSize).toBe(GEMMA2_VOCAB_SIZE);
    expect(rebuilt.specialTokens).toEqual(tokenizer.specialTokens);
    for (const text of [
      '### Assistant A:\nSure, here is a poem.',
      'The verdict is: [[A]] — naïve café, 42 ✓ 中文 🧪\t\n  x',
    ]) {
      expect(Array.from(rebuilt.encode(text))).toEqual(Array.from(tokenizer.encode(text)));
      expect(rebuilt.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  it('is announced in package.json', () => {
    const entries = pluginEntriesOf(new URL('..', import.meta.url).pathname);
    expect(entries.map((e) => [e.kind, e.name])).toEqual([['tokenizer', 'gemma2']]);
  });

  it('is loadable by name from the built package (run `build` first)', async () => {
    const [announced] = pluginEntriesOf(new URL('..', import.meta.url).pathname);
    const factory = await announced.load();
    expect((await factory({})).name).toBe('gemma2');
  });
});

/**
 * hfTokenizer's snapshot for worker threads: rebuilt from it, a BPE tokenizer encodes exactly
 * as the one loaded from the file (including the library's tie-breaks and a repeated merge);
 * what cannot be copied exactly keeps the file-based worker spec.
 */
import { describe, expect, it } from 'vitest';
import { GftError } from '../errors/gft-error.js';
import type { HfBpeSnapshot } from './hf-bpe-snapshot.js';
import { hfTokenizer } from './hf-tokenizer.js';

function bpeJson(merges: string[], extraTokens: string[] = []): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  const tokens = ['<unk>', '<bos>', ...'abcdefgh xyz', 'ab', 'bc', 'cd', 'abc', 'abcd', 'aa'];
  for (const token of [...tokens, ...extraTokens]) vocab[token] = Object.keys(vocab).length;
  return {
    added_tokens: [
      { id: 1, content: '<bos>', special: true, normalized: false, lstrip: false, rstrip: false },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'Isolated' },
    post_processor: null,
    decoder: null,
    model: { type: 'BPE', unk_token: '<unk>', vocab, merges },
  };
}

async function loadedAndRebuilt(json: object) {
  const loaded = hfTokenizer({ json, name: 'tiny' });
  await loaded.setup!();
  const spec = loaded.workerSpec!();
  const rebuilt = hfTokenizer(spec.options as { snapshot: HfBpeSnapshot });
  await rebuilt.setup!();
  return { loaded, rebuilt, spec };
}

describe('hfTokenizer snapshots', () => {
  it('a rebuilt BPE tokenizer encodes and decodes as the loaded one', async () => {
    // 'b c' and 'c d' rank below 'a b': order decides 'abcd' -> a bc d vs ab cd; 'a a' twice
    // keeps the later rank, as the library's Map does.
    const json = bpeJson(['a a', 'b c', 'c d', 'a b', 'ab c', 'abc d', 'a a']);
    const { loaded, rebuilt, spec } = await loadedAndRebuilt(json);
    expect(spec.module).toBe('@gft/core/tokenizers');
    expect(rebuilt.name).toBe('tiny');
    expect(rebuilt.vocabSize).toBe(loaded.vocabSize);
    for (const text of ['abcd', 'aaaa', 'abcabcd', 'zzq abc', '<bos>ab cd', 'hgfedcba', '']) {
      const ids = loaded.encode(text);
      expect(Array.from(rebuilt.encode(text)), text).toEqual(Array.from(ids));
      expect(rebuilt.decode(ids)).toBe(loaded.decode(ids));
    }
    expect(rebuilt.tokenToId('abcd')).toBe(loaded.tokenToId('abcd'));
  });

  it('a merge of a string outside the vocabulary keeps the file-based spec', async () => {
    const json = bpeJson(['a b', 'q r']);
    const loaded = hfTokenizer({ json, workerSpec: { module: 'x', exportName: 'y' } });
    await loaded.setup!();
    expect(loaded.workerSpec!()).toEqual({ module: 'x', exportName: 'y' });
  });

  it('a snapshot from elsewhere is BAD_INPUT naming the tokenizer', async () => {
    const err = await hfTokenizer({ snapshot: { format: 'other' } as never, name: 'tiny' })
      .setup!().catch((e: unknown) => e);
    expect(GftError.isInstance(err) && err.code).toBe('BAD_INPUT');
    expect((err as Error).message).toMatch(/tokenizer 'tiny': snapshot is not a gft-hf-bpe\/1/);
  });
});

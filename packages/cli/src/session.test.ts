import { GftError } from '@gft/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { checkVocab } from './session.js';

describe('checkVocab', () => {
  it('names the row, the id, the vocabulary and the presets that fit', () => {
    const row = { id: 'r7', ids: Int32Array.from([2, 600]), label: Float32Array.from([1, 0, 0]) };
    const config = { ...DEFAULT_CONFIG, model: 'ckpt-512' };
    try {
      checkVocab([row], 512, config);
      expect.unreachable();
    } catch (e) {
      expect(GftError.isInstance(e) && e.code).toBe('BAD_CONFIG');
      expect((e as Error).message).toMatch(
        /row r7 has token id 600, outside the model's vocabulary of 512 \(ckpt-512, tokenizer tokenizer\.json\).*\(tiny, small, gemma2-\*\)/,
      );
    }
    expect(() => checkVocab([row], 601, config)).not.toThrow();
  });
});

/**
 * A byte-level tokenizer plugin: Gemma's special tokens, then the 256 UTF-8 byte values.
 * The example needs one because its checkpoint (the golden fixture `tiny-gemma2`) has a
 * 512-token vocabulary and no `tokenizer.json`; every text fits in these 261 ids. A real
 * Gemma checkpoint ships its `tokenizer.json`, which `resolvePluginSet` uses when no tokenizer
 * plugin is given. Not a subword tokenizer: one byte is one token, so prompts are long.
 */
import type { Tokenizer } from '@gft/core';

/** Ids 0..2 are the fixture's pad / eos / bos (its config.json). */
const SPECIALS = ['<pad>', '<eos>', '<bos>', '<start_of_turn>', '<end_of_turn>'];
const FIRST_BYTE = SPECIALS.length;
const SPECIAL_RE = new RegExp(`(${SPECIALS.map((s) => s.replace(/[|<>]/g, '\\$&')).join('|')})`);

export function byteTokenizer(): Tokenizer {
  const utf8 = new TextEncoder();
  return {
    kind: 'tokenizer',
    name: 'bytes',
    vocabSize: FIRST_BYTE + 256,
    specialTokens: { pad: 0, eos: 1, bos: 2, startOfTurn: 3, endOfTurn: 4 },
    encode(text, options) {
      const ids: number[] = options?.addSpecialTokens ? [2] : [];
      // split() with a capturing group keeps the special tokens at the odd indices.
      text.split(SPECIAL_RE).forEach((part, i) => {
        if (i % 2 === 1) ids.push(SPECIALS.indexOf(part));
        else for (const byte of utf8.encode(part)) ids.push(FIRST_BYTE + byte);
      });
      return Int32Array.from(ids);
    },
    decode(ids, options) {
      let out = '';
      let bytes: number[] = [];
      const flush = () => {
        out += new TextDecoder().decode(Uint8Array.from(bytes));
        bytes = [];
      };
      for (const id of Array.from(ids)) {
        if (id >= FIRST_BYTE) {
          bytes.push(id - FIRST_BYTE);
          continue;
        }
        flush();
        if (!options?.skipSpecialTokens) out += SPECIALS[id] ?? '';
      }
      flush();
      return out;
    },
    tokenToId(token) {
      const special = SPECIALS.indexOf(token);
      if (special >= 0) return special;
      const bytes = utf8.encode(token);
      return bytes.length === 1 ? FIRST_BYTE + bytes[0] : undefined;
    },
  };
}

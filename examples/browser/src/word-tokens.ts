/**
 * A word-level tokenizer for the synthetic arena rows, small enough to build in the page:
 * the synthetic generator writes only words from its fixed list (plus its marker word and
 * punctuation), so each gets one id below the 512-token vocabulary the example gives the `tiny` preset. Not a
 * general tokenizer: any other word maps to UNK.
 */
import { MARKER_WORD, WORDS } from '@gft/arena';

export const PAD = 0;
export const BOS = 2;
const UNK = 3;
/** Markers that frame the two responses. */
const RESPONSE_A = 4;
const RESPONSE_B = 5;
const FIRST_WORD = 8;

const ids = new Map<string, number>();
for (const word of [...new Set([...WORDS, MARKER_WORD, '.', ',', '?'])]) {
  ids.set(word, FIRST_WORD + ids.size);
}

function words(text: string, limit: number): number[] {
  const out: number[] = [];
  for (const w of text.toLowerCase().match(/[a-z]+|[.,?]/g) ?? []) {
    if (out.length >= limit) break;
    out.push(ids.get(w) ?? UNK);
  }
  return out;
}

/** `<bos> A: first words of response A  B: first words of response B`. */
export function encodeRow(responseA: string, responseB: string, wordsPerSide: number): Int32Array {
  return Int32Array.from([
    BOS,
    RESPONSE_A,
    ...words(responseA, wordsPerSide),
    RESPONSE_B,
    ...words(responseB, wordsPerSide),
  ]);
}

export const VOCAB_USED = FIRST_WORD + ids.size;

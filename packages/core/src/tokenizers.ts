/**
 * `@gft/core/tokenizers`: the Hugging Face tokenizer alone. Tokenizer worker threads import
 * this instead of the package root, which loads tfjs and its wasm backend (about 0.6 s of a
 * worker's start, more than rebuilding the tokenizer from a snapshot).
 */
export type { HfBpeSnapshot } from './tokenizers/hf-bpe-snapshot.js';
export { type HfTokenizerOptions, hfTokenizer } from './tokenizers/hf-tokenizer.js';

/** @gft/tokenizer-gemma: the Gemma-2 tokenizer, bundled, as a gft tokenizer plugin. */
export {
  bundledGemmaTokenizerFile,
  GEMMA2_TOKENIZER_NAME,
  GEMMA2_VOCAB_SIZE,
  type GemmaTokenizerOptions,
  gemmaTokenizer,
} from './gemma-tokenizer.js';

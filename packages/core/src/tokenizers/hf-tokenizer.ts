/**
 * The built-in tokenizer: any Hugging Face `tokenizer.json`, through the pure-JS
 * `@huggingface/tokenizers`. Other tokenizer plugins (e.g. the bundled Gemma-2 one) are this
 * plus a way to find the JSON.
 */
import { readFile } from 'node:fs/promises';
import { GftError } from '../errors/gft-error.js';
import type { SpecialTokens, Tokenizer, TokenizerWorkerSpec } from '../tokenizer.js';

interface HfTokenizerImpl {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  token_to_id(token: string): number | undefined;
  get_vocab(withAdded?: boolean): Map<string, number>;
}

export interface HfTokenizerOptions {
  /** Path of a `tokenizer.json`. */
  file?: string;
  /** Or the parsed JSON itself, or a loader for it. */
  json?: object | (() => Promise<object>);
  /** `tokenizer_config.json` content, when there is one. */
  config?: object;
  /** Plugin name (default `hf`). */
  name?: string;
  /** How a worker rebuilds this tokenizer (default: from `file`, when given). */
  workerSpec?: TokenizerWorkerSpec;
}

const SPECIAL_NAMES: Record<keyof SpecialTokens, string[]> = {
  pad: ['<pad>', '[PAD]'],
  eos: ['<eos>', '</s>', '<|endoftext|>'],
  bos: ['<bos>', '<s>'],
  startOfTurn: ['<start_of_turn>'],
  endOfTurn: ['<end_of_turn>'],
};

export function hfTokenizer(options: HfTokenizerOptions): Tokenizer {
  if (!options.file && !options.json) {
    throw new GftError('BAD_CONFIG', 'hfTokenizer needs `file` or `json`', { where: 'tokenizer' });
  }
  let impl: HfTokenizerImpl | undefined;
  let vocabSize = 0;
  const special: SpecialTokens = { pad: 0, eos: 1, bos: 2 };
  const where = options.file ?? `tokenizer '${options.name ?? 'hf'}'`;

  const ready = (): HfTokenizerImpl => {
    if (!impl) {
      throw new GftError(
        'INTERNAL',
        `${where}: tokenizer used before setup() finished; await tokenizer.setup() first`,
      );
    }
    return impl;
  };

  const tokenizer: Tokenizer = {
    kind: 'tokenizer',
    name: options.name ?? 'hf',
    get vocabSize() {
      return vocabSize;
    },
    specialTokens: special,
    async setup() {
      if (impl) return;
      let json: object;
      try {
        if (typeof options.json === 'function') json = await options.json();
        else if (options.json) json = options.json;
        else json = JSON.parse(await readFile(options.file!, 'utf8')) as object;
      } catch (cause) {
        throw new GftError(
          'BAD_INPUT',
          `${where}: cannot read tokenizer JSON: ${(cause as Error).message}`,
          {
            cause,
            where,
          },
        );
      }
      const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');
      impl = new HfTokenizer(json, options.config ?? {}) as unknown as HfTokenizerImpl;
      vocabSize = impl.get_vocab(true).size;
      for (const [key, names] of Object.entries(SPECIAL_NAMES) as [
        keyof SpecialTokens,
        string[],
      ][]) {
        for (const n of names) {
          const id = impl.token_to_id(n);
          if (id !== undefined) {
            special[key] = id;
            break;
          }
        }
      }
    },
    encode(text, encodeOptions) {
      const { ids } = ready().encode(text, {
        add_special_tokens: encodeOptions?.addSpecialTokens ?? false,
      });
      return Int32Array.from(ids);
    },
    decode(ids, decodeOptions) {
      return ready().decode(Array.from(ids), {
        skip_special_tokens: decodeOptions?.skipSpecialTokens ?? false,
      });
    },
    tokenToId: (token) => ready().token_to_id(token),
    workerSpec() {
      if (options.workerSpec) return options.workerSpec;
      if (!options.file) {
        throw new GftError('INTERNAL', `${where}: no worker spec; pass workerSpec to hfTokenizer`);
      }
      return { module: '@gft/core', exportName: 'hfTokenizer', options: { file: options.file } };
    },
  };
  return tokenizer;
}

/**
 * The built-in tokenizer: any Hugging Face `tokenizer.json`, through the pure-JS
 * `@huggingface/tokenizers`. Other tokenizer plugins (e.g. the bundled Gemma-2 one) are this
 * plus a way to find the JSON.
 */
import { readFile } from 'node:fs/promises';
import { GftError } from '../errors/gft-error.js';
import type { SpecialTokens, Tokenizer, TokenizerWorkerSpec } from '../tokenizer.js';
import {
  type HfBpeSnapshot,
  isHfBpeSnapshot,
  restoreHfBpe,
  snapshotHfBpe,
  tokenizerJsonShell,
} from './hf-bpe-snapshot.js';

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
  /**
   * Or a snapshot of one already loaded on another thread: what `workerSpec()` hands to
   * worker threads, so that none re-reads and re-parses the tokenizer.json.
   */
  snapshot?: HfBpeSnapshot;
  /** `tokenizer_config.json` content, when there is one. */
  config?: object;
  /** Plugin name (default `hf`). */
  name?: string;
  /**
   * How a worker rebuilds this tokenizer when it cannot take a snapshot of the loaded one
   * (default: from `file`, when given).
   */
  workerSpec?: TokenizerWorkerSpec;
}

/** Encoded and decoded once at setup, so that a tokenizer.json broken in use fails there. */
const PROBE_TEXT = 'Hello, world! 123 <start_of_turn>user\n';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a tokenizer.json';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read: ${messageOf(err)}`;
}

const SPECIAL_NAMES: Record<keyof SpecialTokens, string[]> = {
  pad: ['<pad>', '[PAD]'],
  eos: ['<eos>', '</s>', '<|endoftext|>'],
  bos: ['<bos>', '<s>'],
  startOfTurn: ['<start_of_turn>'],
  endOfTurn: ['<end_of_turn>'],
};

export function hfTokenizer(options: HfTokenizerOptions): Tokenizer {
  if (!options.file && !options.json && !options.snapshot) {
    throw new GftError('BAD_CONFIG', 'hfTokenizer needs `file`, `json` or `snapshot`', {
      where: 'tokenizer',
    });
  }
  let impl: HfTokenizerImpl | undefined;
  /** The loaded JSON without its vocabulary and merges: what a snapshot carries besides. */
  let jsonShell: object | undefined;
  /** undefined: not taken yet; null: this tokenizer cannot be snapshotted. */
  let snapshot: HfBpeSnapshot | null | undefined = options.snapshot;
  let vocabSize = 0;
  const special: SpecialTokens = { pad: 0, eos: 1, bos: 2 };
  const where = options.file ?? `tokenizer '${options.name ?? 'hf'}'`;

  /**
   * Runs `work` on the tokenizer's data: what it throws is that data's fault (a file the
   * library rejects, or accepts and then fails on), so it becomes BAD_INPUT naming the file.
   */
  const asBadInput = <T>(what: string, work: () => T): T => {
    try {
      return work();
    } catch (cause) {
      if (GftError.isInstance(cause)) throw cause;
      throw new GftError('BAD_INPUT', `${where}: ${what}: ${messageOf(cause)}`, { cause, where });
    }
  };

  const loadJson = async (): Promise<object> => {
    let json: unknown;
    if (options.file) {
      let text: string;
      try {
        text = await readFile(options.file, 'utf8');
      } catch (cause) {
        throw new GftError('BAD_INPUT', `${where}: ${describeReadError(cause)}`, { cause, where });
      }
      json = asBadInput('is not valid JSON', () => JSON.parse(text));
    } else {
      try {
        json = typeof options.json === 'function' ? await options.json() : options.json;
      } catch (cause) {
        if (GftError.isInstance(cause)) throw cause;
        throw new GftError(
          'BAD_INPUT',
          `${where}: cannot load the tokenizer JSON: ${messageOf(cause)}`,
          { cause, where },
        );
      }
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json;
      throw new GftError(
        'BAD_INPUT',
        `${where}: is not a tokenizer.json: expected a JSON object in the Hugging Face tokenizers format, got ${got}`,
        { where },
      );
    }
    return json;
  };

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
      const { Tokenizer: HfTokenizer } = await import('@huggingface/tokenizers');
      const construct = (json: object, config: object): HfTokenizerImpl =>
        new HfTokenizer(json, config) as unknown as HfTokenizerImpl;
      let load: () => HfTokenizerImpl;
      if (options.snapshot) {
        const given = options.snapshot;
        if (!isHfBpeSnapshot(given)) {
          throw new GftError(
            'BAD_INPUT',
            `${where}: snapshot is not a gft-hf-bpe/1 tokenizer snapshot (taken by another gft version?)`,
            { where },
          );
        }
        load = () => restoreHfBpe(given, construct);
      } else {
        const json = await loadJson();
        jsonShell = tokenizerJsonShell(json);
        load = () => construct(json, options.config ?? {});
      }
      impl = asBadInput('is not a tokenizer.json that @huggingface/tokenizers can load', () => {
        const built = load();
        // Some broken files construct and fail only in use (a post_processor of the wrong
        // shape): encode and decode once, so they fail here rather than on a run's first row.
        // A vocabulary without some probe character gives no id for it: not a reason to
        // refuse the file.
        const ids = built.encode(PROBE_TEXT, { add_special_tokens: true }).ids;
        const known = ids.filter((id) => Number.isInteger(id));
        if (known.length > 0) built.decode(known);
        vocabSize = options.snapshot
          ? options.snapshot.tokenEnds.length
          : built.get_vocab(true).size;
        for (const [key, names] of Object.entries(SPECIAL_NAMES) as [
          keyof SpecialTokens,
          string[],
        ][]) {
          const id = names.map((n) => built.token_to_id(n)).find((i) => i !== undefined);
          if (id !== undefined) special[key] = id;
        }
        return built;
      });
    },
    encode(text, encodeOptions) {
      const tokenizerImpl = ready();
      const { ids } = asBadInput('cannot encode text', () =>
        tokenizerImpl.encode(text, {
          add_special_tokens: encodeOptions?.addSpecialTokens ?? false,
        }),
      );
      return Int32Array.from(ids);
    },
    decode(ids, decodeOptions) {
      const tokenizerImpl = ready();
      // The library refuses an empty list; no tokens are no text.
      if (ids.length === 0) return '';
      return asBadInput('cannot decode token ids', () =>
        tokenizerImpl.decode(Array.from(ids), {
          skip_special_tokens: decodeOptions?.skipSpecialTokens ?? false,
        }),
      );
    },
    tokenToId: (token) => {
      const tokenizerImpl = ready();
      return asBadInput('cannot look up a token', () => tokenizerImpl.token_to_id(token));
    },
    workerSpec() {
      if (impl && snapshot === undefined) {
        snapshot = jsonShell
          ? (snapshotHfBpe(impl, jsonShell, options.config ?? {}) ?? null)
          : null;
      }
      if (snapshot) {
        return {
          module: '@gft/core/tokenizers',
          exportName: 'hfTokenizer',
          options: { snapshot, name: options.name } satisfies HfTokenizerOptions,
        };
      }
      if (options.workerSpec) return options.workerSpec;
      if (!options.file) {
        throw new GftError('INTERNAL', `${where}: no worker spec; pass workerSpec to hfTokenizer`);
      }
      return { module: '@gft/core', exportName: 'hfTokenizer', options: { file: options.file } };
    },
  };
  return tokenizer;
}

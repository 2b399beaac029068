/**
 * hfTokenizer on tokenizer.json files that are missing, not JSON, JSON of the wrong shape,
 * or rejected by @huggingface/tokenizers: always BAD_INPUT naming the file, at setup(); and
 * under fuzzing a tokenizer or a GftError, never another exception.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GftError } from '../errors/gft-error.js';
import { expectValueOrGftError } from '../testing/reader-invariant.js';
import { hfTokenizer } from './hf-tokenizer.js';

const dir = mkdtempSync(join(tmpdir(), 'gft-hf-tokenizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** A tokenizer.json small enough to load thousands of times: character BPE, two merges. */
function tinyTokenizerJson(): Record<string, unknown> {
  const specials = ['<pad>', '<eos>', '<bos>', '<unk>', '<start_of_turn>', '<end_of_turn>'];
  const vocab: Record<string, number> = {};
  for (const token of [...specials, ...'abcdefghijklmnopqrstuvwxyz ,.!?\n', 'he', 'll', 'hell']) {
    vocab[token] = Object.keys(vocab).length;
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: ['h e', 'l l', 'he ll'],
    },
  };
}

async function setupError(file: string): Promise<GftError> {
  const err = await hfTokenizer({ file }).setup!().catch((e: unknown) => e);
  if (!GftError.isInstance(err)) throw new Error(`expected a GftError, got ${err}`);
  expect(err.code).toBe('BAD_INPUT');
  expect(err.where).toBe(file);
  expect(err.message).toContain(file);
  return err;
}

describe('hfTokenizer: a tokenizer.json it cannot use is BAD_INPUT naming the file', () => {
  it('reads the tiny tokenizer', async () => {
    const tokenizer = hfTokenizer({
      file: write('tiny.json', JSON.stringify(tinyTokenizerJson())),
    });
    await tokenizer.setup!();
    const ids = tokenizer.encode('hello');
    expect(Array.from(ids)).toEqual([40, 20]); // 'hell', 'o'
    expect(tokenizer.decode(ids)).toBe('hell o');
    expect(tokenizer.decode([])).toBe('');
    expect(tokenizer.specialTokens).toMatchObject({ pad: 0, eos: 1, bos: 2, startOfTurn: 4 });
  });

  it('a missing file', async () => {
    const err = await setupError(join(dir, 'missing.json'));
    expect(err.message).toMatch(/no such file/);
  });

  it('a directory', async () => {
    const path = join(dir, 'folder.json');
    mkdirSync(path);
    expect((await setupError(path)).message).toMatch(/is a directory/);
  });

  it('not JSON', async () => {
    const err = await setupError(write('text.json', 'version: 1\n'));
    expect(err.message).toMatch(/is not valid JSON/);
  });

  for (const [name, json] of [
    ['an empty object', {}],
    ['an array', []],
    ['null', null],
    ['a model of an unknown type', { ...tinyTokenizerJson(), model: { type: 'Nope' } }],
    ['added_tokens that are not a list', { ...tinyTokenizerJson(), added_tokens: 3 }],
    [
      'a post_processor that fails only in use',
      { ...tinyTokenizerJson(), post_processor: { type: 'TemplateProcessing', single: 5 } },
    ],
  ] as const) {
    it(`JSON of the wrong shape: ${name}`, async () => {
      const err = await setupError(
        write(`${name.replaceAll(' ', '-')}.json`, JSON.stringify(json)),
      );
      expect(err.message).toMatch(/is not a tokenizer\.json/);
    });
  }

  it('inline JSON of the wrong shape names the tokenizer', async () => {
    const err = await hfTokenizer({ json: { model: 5 }, name: 'inline' }).setup!().catch(
      (e: GftError) => e,
    );
    expect(err).toMatchObject({ code: 'BAD_INPUT', where: "tokenizer 'inline'" });
  });
});

describe('hfTokenizer under fuzzing: a tokenizer or a GftError', () => {
  const tiny = tinyTokenizerJson();
  const tinyText = JSON.stringify(tiny, null, 1);
  const file = join(dir, 'fuzz.json');
  // The library warns on the console about some broken parts it then ignores.
  beforeAll(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  /** Loads `content` as a tokenizer.json and uses it, checking the reader invariant. */
  async function check(content: string | Uint8Array): Promise<void> {
    writeFileSync(file, content);
    await expectValueOrGftError(
      async () => {
        const tokenizer = hfTokenizer({ file });
        await tokenizer.setup!();
        tokenizer.decode(tokenizer.encode('hello world, <start_of_turn>!'));
        return tokenizer;
      },
      { what: 'hfTokenizer', timeLimitMs: 5000 },
    );
  }

  it('byte mutations of a tokenizer.json', async () => {
    const bytes = new TextEncoder().encode(tinyText);
    const mutation = fc.tuple(
      fc.nat({ max: bytes.length - 1 }),
      fc.oneof(
        fc.constant<'flip'>('flip'),
        fc.constant<'cut'>('cut'),
        fc.constant<'insert'>('insert'),
      ),
      fc.uint8Array({ minLength: 1, maxLength: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        let out = bytes;
        for (const [at, kind, extra] of mutations) {
          const i = Math.min(at, out.length);
          if (kind === 'flip') {
            out = Uint8Array.from(out);
            if (i < out.length) out[i] ^= extra[0] || 1;
          } else if (kind === 'cut') out = out.subarray(0, i);
          else out = Uint8Array.from([...out.subarray(0, i), ...extra, ...out.subarray(i)]);
        }
        await check(out);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('structural mutations: any JSON value in place of a part', async () => {
    const parts = [
      'model',
      'model.type',
      'model.vocab',
      'model.merges',
      'model.unk_token',
      'added_tokens',
      'normalizer',
      'pre_tokenizer',
      'post_processor',
      'decoder',
    ];
    const typed = (types: string[]) =>
      fc.record({ type: fc.constantFrom(...types) }, { requiredKeys: ['type'] });
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      typed(['BPE', 'WordPiece', 'Unigram', 'WordLevel', 'Sequence', 'Replace', 'ByteLevel']),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...parts), value, async (part, replacement) => {
        const json = structuredClone(tiny);
        const keys = part.split('.');
        let node = json as Record<string, unknown>;
        for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[keys[keys.length - 1]] = replacement;
        await check(JSON.stringify(json));
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

/** The tokenizer pool with the real Gemma-2 tokenizer (built once for the file) and a plugin's own. */
import { readFileSync } from 'node:fs';
import { GftError, type Tokenizer } from '@gft/core';
import { needs } from '@gft/core/testing';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { charTokenizer, FAIL_MARK } from '../test/fixtures/char-tokenizer.mjs';
import { formatJudgePrompt } from './judge-prompt.js';
import { readArenaAll } from './read-arena.js';
import { syntheticArena } from './synthetic.js';
import { ARENA_SAMPLE, arenaData } from './testing/shared-data.js';
import { createTokenizerPool, type TokenizerPool } from './tokenizer-pool.js';

const gemma = gemmaTokenizer();
let pool: TokenizerPool;
beforeAll(async () => {
  await gemma.setup?.();
  pool = await createTokenizerPool(gemma, { numWorkers: 2, chunkSize: 7 });
});
afterAll(async () => {
  await pool?.close();
});

/** Texts where a BPE rebuilt wrongly would differ: merges across scripts, bytes, added tokens. */
const TRICKY = [
  '',
  ' ',
  '\n\n\n',
  'Hello, world!   trailing spaces   ',
  'naïve café — 42 ✓ 中文字符 日本語のテキスト 한국어 العربية',
  'emoji 🧪🚀👩‍💻 and a rare byte \u0007 and \u{10FFFF}',
  '<start_of_turn>user\nWrite code<end_of_turn>\n<start_of_turn>model\n```ts\nconst x = 1;\n```',
  'tab\tseparated\tvalues\r\nwindows line',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
];

describe('the Gemma-2 tokenizer in a pool of 2 workers', () => {
  it('workers are built from the shared snapshot, not from the tokenizer.json', () => {
    expect(pool.startup?.fromSnapshot).toBe(true);
    expect(pool.startup?.workerSetupMs).toHaveLength(2);
    const spec = gemma.workerSpec!();
    expect(spec.module).toBe('@gft/core/tokenizers');
    const options = spec.options as Record<string, unknown>;
    expect(options).not.toHaveProperty('file');
    const snapshot = options.snapshot as { tokenEnds: Int32Array; mergeTable: Int32Array };
    // Shared, so handing it to a worker copies nothing.
    expect(snapshot.mergeTable.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(snapshot.tokenEnds.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(snapshot.tokenEnds.length).toBe(gemma.vocabSize);
  });

  it('encodes like the inline tokenizer, in input order', async () => {
    const texts = [...TRICKY, ...syntheticArena(30, { seed: 3 }).map((r) => formatJudgePrompt(r))];
    const pooled = await pool.encodeMany(texts);
    expect(pooled).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      expect(Array.from(pooled[i]), `text ${i}`).toEqual(Array.from(gemma.encode(text)));
    }
  });

  it('decodes in input order', async () => {
    const ids = TRICKY.map((t) => gemma.encode(t));
    expect(await pool.decodeMany(ids)).toEqual(ids.map((i) => gemma.decode(i)));
  });

  describe.skipIf(!arenaData.ok)(arenaData.title('on the real arena sample'), () => {
    it('every judge prompt of the first 300 rows encodes as inline', async () => {
      const { records } = await readArenaAll(ARENA_SAMPLE, { onBadRow: 'error' });
      const texts = records.slice(0, 300).map((r) => formatJudgePrompt(r));
      const pooled = await pool.encodeMany(texts);
      for (const [i, text] of texts.entries()) {
        expect(Array.from(pooled[i]), `row ${i}`).toEqual(Array.from(gemma.encode(text)));
      }
    });
  });
});

describe('a plugin tokenizer without a snapshot', () => {
  const chars = charTokenizer() as Tokenizer;

  it('is rebuilt in each worker through its own module, results in input order', async () => {
    const charPool = await createTokenizerPool(chars, { numWorkers: 2, chunkSize: 3 });
    try {
      expect(charPool.startup?.fromSnapshot).toBe(false);
      const texts = Array.from({ length: 50 }, (_, i) => `text number ${i}`);
      const ids = await charPool.encodeMany(texts);
      expect(ids.map((a) => chars.decode(a))).toEqual(texts);
      expect(await charPool.decodeMany(ids)).toEqual(texts);
    } finally {
      await charPool.close();
    }
  });

  it('a worker error names the item and quotes the text that failed', async () => {
    const charPool = await createTokenizerPool(chars, { numWorkers: 2, chunkSize: 4 });
    try {
      const texts = Array.from({ length: 10 }, (_, i) => (i === 6 ? `row six ${FAIL_MARK}` : 'ok'));
      const failure = await charPool.encodeMany(texts).catch((e: unknown) => e);
      expect(GftError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toMatch(
        /cannot encode item 6 "row six .*": this tokenizer refuses the marker/,
      );
      // The pool survives a bad text.
      expect((await charPool.encodeMany(['ab']))[0]).toEqual(Int32Array.from([97, 98]));
    } finally {
      await charPool.close();
    }
    await expect(charPool.encodeMany(['x'])).rejects.toThrow(/pool is closed/);
  });

  it('a spec naming a missing export fails at start, naming it', async () => {
    const broken: Tokenizer = {
      ...chars,
      workerSpec: () => ({ module: chars.workerSpec!().module, exportName: 'noSuchFactory' }),
    };
    await expect(createTokenizerPool(broken, { numWorkers: 2 })).rejects.toThrow(
      /failed to start: .*char-tokenizer\.mjs has no export noSuchFactory/,
    );
  });

  it('0 or 1 workers run inline', async () => {
    for (const numWorkers of [0, 1]) {
      const inline = await createTokenizerPool(chars, { numWorkers });
      expect(inline.workers).toBe(0);
      expect(inline.startup).toBeUndefined();
      expect(await inline.encodeMany(['hi', 'yo'])).toEqual([
        Int32Array.from([104, 105]),
        Int32Array.from([121, 111]),
      ]);
    }
  });

  const procStatus = '/proc/self/status';
  const proc = needs('proc-fs');
  it.skipIf(!proc.ok)(proc.title('close() ends every worker thread'), async () => {
    const threads = (): number =>
      Number(/Threads:\s+(\d+)/.exec(readFileSync(procStatus, 'utf8'))![1]);
    const charPool = await createTokenizerPool(chars, { numWorkers: 3 });
    await charPool.encodeMany(['ok']);
    const open = threads();
    await charPool.close();
    // A thread leaves the process's count only once the OS has reaped it, a moment after
    // close() resolves: wait for it rather than sample once.
    await vi.waitFor(() => expect(open - threads()).toBeGreaterThanOrEqual(3), {
      timeout: 10_000,
      interval: 50,
    });
    await charPool.close();
  });
});

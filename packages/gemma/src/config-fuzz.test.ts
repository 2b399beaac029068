/**
 * Property tests of config.json reading: the fixture configs with fields deleted, replaced
 * by arbitrary JSON (or non-JSON numbers: NaN, infinities, -0) or added, and the same as
 * damaged files on disk. Every case keeps the reader invariant (a value or a GftError with
 * a code and a `where`), and every accepted config satisfies the model's invariants.
 * Fixed seeds, so a failure reproduces.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectValueOrGftError } from '@gft/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGemmaConfig } from './checkpoint-load.js';
import { configFromHf, type GemmaConfig, validateConfig } from './config.js';
import { fixture } from './fixture-support.js';

const SEED = 42;
const FILE = 'fuzz/config.json';

const BASES = ['tiny-gemma2', 'tiny-gemma', 'tiny-gemma2-qlora/base-bnb-nf4'].map(
  (dir) => JSON.parse(readFileSync(fixture(dir, 'config.json'), 'utf8')) as Record<string, unknown>,
);

/** Every field configFromHf reads, plus a few it must ignore. */
const FIELDS = [
  'model_type',
  'tie_word_embeddings',
  'hidden_activation',
  'hidden_act',
  'attention_bias',
  'rope_scaling',
  'max_position_embeddings',
  'vocab_size',
  'hidden_size',
  'intermediate_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'head_dim',
  'rms_norm_eps',
  'rope_theta',
  'num_labels',
  'pad_token_id',
  'query_pre_attn_scalar',
  'sliding_window',
  'attn_logit_softcapping',
  'final_logit_softcapping',
  'layer_types',
  'torch_dtype',
  'quantization_config',
  'constructor',
  '__proto__',
];

const numberArb = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1, 2, 3, 4, 8, 15, 16, 64, 512, 1e-6, 2 ** 53, 1e308),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.integer({ min: -10, max: 1000 }),
  fc.double(),
);

const valueArb = fc.oneof(
  numberArb,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    'gemma',
    'gemma2',
    'gelu',
    'gelu_pytorch_tanh',
    ['sliding_attention', 'full_attention', 'sliding_attention', 'full_attention'],
    ['full_attention', 'full_attention'],
  ),
);

type Edit = (json: Record<string, unknown>) => void;

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.constantFrom(...FIELDS).map(
    (field): Edit =>
      (json) =>
        delete json[field],
  ),
  fc.record({ field: fc.constantFrom(...FIELDS), value: valueArb }).map(
    ({ field, value }): Edit =>
      (json) =>
        Object.defineProperty(json, field, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        }),
  ),
  fc.record({ field: fc.string({ maxLength: 8 }), value: valueArb }).map(
    ({ field, value }): Edit =>
      (json) =>
        Object.assign(json, { [field]: value }),
  ),
);

const configArb = fc
  .record({
    base: fc.nat(BASES.length - 1),
    edits: fc.array(editArb, { minLength: 1, maxLength: 4 }),
  })
  .map(({ base, edits }) => {
    const json = structuredClone(BASES[base]);
    for (const edit of edits) edit(json);
    return json;
  });

/** What the model relies on, checked independently of configFromHf's own code paths. */
function expectUsable(config: GemmaConfig): void {
  expect(() => validateConfig(config)).not.toThrow();
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
  }
  expect(config.rmsNormEps).toBeGreaterThan(0);
  expect(config.ropeTheta).toBeGreaterThan(0);
  expect(config.numHeads % config.numKvHeads).toBe(0);
  if (config.family === 'gemma2') {
    expect(config.queryPreAttnScalar).toBeGreaterThan(0);
    expect(Number.isInteger(config.slidingWindow) && config.slidingWindow! > 0).toBe(true);
    expect(config.attnSoftcap).toBeGreaterThanOrEqual(0);
    expect(config.finalSoftcap).toBeGreaterThanOrEqual(0);
  }
}

describe('config.json under fuzzing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gft-config-fuzz-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('configFromHf: edited fixture configs give a usable config or a GftError with where', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(configArb, async (json) => {
        const outcome = await expectValueOrGftError(() => configFromHf(json, FILE), {
          what: 'configFromHf',
          timeLimitMs: 500,
        });
        if (outcome.value) {
          accepted++;
          expectUsable(outcome.value);
        } else {
          rejected++;
          expect(outcome.error?.code).toBe('BAD_CONFIG');
          expect(outcome.error?.where?.startsWith(FILE)).toBe(true);
          expect(outcome.error?.message.startsWith(`${FILE}:`)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
    console.log(`configFromHf: ${accepted} accepted, ${rejected} rejected`);
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(500);
  });

  it('configFromHf: arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (json) => {
        await expectValueOrGftError(() => configFromHf(json as Record<string, unknown>, FILE), {
          what: 'configFromHf',
          timeLimitMs: 500,
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('readGemmaConfig: damaged config.json files', async () => {
    const file = join(dir, 'config.json');
    await fc.assert(
      fc.asyncProperty(configArb, fc.option(fc.nat(), { nil: undefined }), async (json, cut) => {
        const text = JSON.stringify(json);
        writeFileSync(file, cut === undefined ? text : text.slice(0, cut % (text.length + 1)));
        const outcome = await expectValueOrGftError(() => readGemmaConfig(dir), {
          what: 'readGemmaConfig',
          timeLimitMs: 500,
        });
        if (outcome.value) expectUsable(outcome.value);
        else expect(outcome.error?.where?.startsWith(file)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

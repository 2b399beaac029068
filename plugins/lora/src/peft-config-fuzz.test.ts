/**
 * Property tests of adapter_config.json reading: the fixture config and what gft itself
 * writes, with fields deleted, replaced by arbitrary JSON (or non-JSON numbers) or added,
 * and the same as damaged files on disk. Every case keeps the reader invariant (a value or
 * a GftError with a code and a `where`), and every accepted config resolves into LoRA
 * options without further errors (which would not name the file). Fixed seeds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectValueOrGftError } from '@gft/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLoraOptions } from './options.js';
import { fromPeftConfig, toPeftConfig } from './peft-config.js';
import { readPeftConfig } from './peft-io.js';
import { FIXTURES } from './test-support.js';

const SEED = 42;
const FILE = 'fuzz/adapter_config.json';

const BASES: Record<string, unknown>[] = [
  JSON.parse(readFileSync(join(FIXTURES, 'tiny-gemma2-lora', 'adapter_config.json'), 'utf8')),
  toPeftConfig(resolveLoraOptions({ r: 2, targetModules: ['q_proj', 'v_proj'] }), 'base'),
  toPeftConfig(resolveLoraOptions({ layersToTransform: [0, 2], useRslora: true }), undefined, {
    use_dora: true,
  }),
];

const FIELDS = [
  ...new Set(BASES.flatMap((b) => Object.keys(b))),
  'lora_bias',
  'exclude_modules',
  'trainable_token_indices',
  'constructor',
  '__proto__',
];

const valueArb = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 0.99, 1, 2, 4, 8, 2 ** 53, 1e308),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.integer({ min: -4, max: 64 }),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    null,
    true,
    false,
    'all-linear',
    'none',
    'LORA',
    {},
    [],
    ['q_proj'],
    ['q_proj', 'up_proj'],
    ['score'],
    [0, 1],
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
    edits: fc.array(editArb, { minLength: 1, maxLength: 3 }),
  })
  .map(({ base, edits }) => {
    const json = structuredClone(BASES[base]);
    for (const edit of edits) edit(json);
    return json;
  });

describe('adapter_config.json under fuzzing', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gft-peft-fuzz-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fromPeftConfig: edited configs resolve cleanly or fail naming the file', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(configArb, async (json) => {
        const outcome = await expectValueOrGftError(
          // Resolving is part of the read: an error there would not name the file.
          () => resolveLoraOptions(fromPeftConfig(json, FILE)),
          { what: 'fromPeftConfig', timeLimitMs: 500 },
        );
        if (outcome.value) {
          accepted++;
          const c = outcome.value;
          expect(Number.isFinite(c.scale) && c.scale > 0).toBe(true);
          expect(c.dropout >= 0 && c.dropout < 1).toBe(true);
        } else {
          rejected++;
          expect(outcome.error?.code).toBe('BAD_CONFIG');
          expect(outcome.error?.where?.startsWith(FILE)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 1200 },
    );
    console.log(`fromPeftConfig: ${accepted} accepted, ${rejected} rejected`);
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(300);
  });

  it('readPeftConfig + fromPeftConfig: damaged files on disk', async () => {
    const file = join(dir, 'adapter_config.json');
    await fc.assert(
      fc.asyncProperty(configArb, fc.option(fc.nat(), { nil: undefined }), async (json, cut) => {
        const text = JSON.stringify(json);
        writeFileSync(file, cut === undefined ? text : text.slice(0, cut % (text.length + 1)));
        const outcome = await expectValueOrGftError(
          () => resolveLoraOptions(fromPeftConfig(readPeftConfig(dir), file)),
          { what: 'readPeftConfig', timeLimitMs: 500 },
        );
        if (outcome.error) expect(outcome.error.where?.startsWith(file)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

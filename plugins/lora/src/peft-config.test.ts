/**
 * adapter_config.json fields are validated when read: a wrong type or an impossible value
 * is BAD_CONFIG naming the file and field, what it must be and what it holds; before, most
 * passed through to fail later without the file, or silently changed the adapter.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { describe, expect, it } from 'vitest';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { resolveLoraOptions } from './options.js';
import { fromPeftConfig, toPeftConfig } from './peft-config.js';
import { readPeftConfig } from './peft-io.js';
import { FIXTURES } from './test-support.js';

const FILE = 'a/adapter_config.json';
const fixtureConfig = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, 'tiny-gemma2-lora', 'adapter_config.json'), 'utf8'));

function configError(json: unknown): GftError {
  try {
    fromPeftConfig(json as Record<string, unknown>, FILE);
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

describe('adapter_config.json field validation', () => {
  // [field, bad value, what the message must say]
  const cases: [string, unknown, RegExp][] = [
    ['r', 0, /'r' must be a positive integer, got 0/],
    ['r', 2.5, /'r' must be a positive integer, got 2.5/],
    ['r', '4', /'r' must be a positive integer, got "4"/],
    ['r', undefined, /'r' must be a positive integer, got nothing \(field absent\)/],
    ['lora_alpha', -8, /'lora_alpha' must be a finite number > 0, got -8/],
    ['lora_alpha', 0, /'lora_alpha' must be a finite number > 0, got 0/],
    ['lora_alpha', null, /'lora_alpha' must be a finite number > 0, got null/],
    ['lora_dropout', 1, /'lora_dropout' must be a number in \[0, 1\), got 1/],
    ['lora_dropout', -0.1, /'lora_dropout' must be a number in \[0, 1\), got -0.1/],
    ['lora_dropout', '0.1', /'lora_dropout' must be a number in \[0, 1\), got "0.1"/],
    ['target_modules', [], /'target_modules' must be a string or a list of strings/],
    ['target_modules', [1, 2], /'target_modules' must be a string or a list of strings/],
    ['target_modules', 5, /'target_modules' must be a string or a list of strings/],
    [
      'target_modules',
      '.*',
      /'target_modules' = "\.\*" matches model, model\.\{embed_tokens,.*cannot wrap/,
    ],
    [
      'target_modules',
      'q_proj',
      /'target_modules' = "q_proj" matches no module \(a string is a regular/,
    ],
    ['target_modules', ['q_proj', 'qkv'], /\["qkv"\] is not supported/],
    ['layers_to_transform', -1, /'layers_to_transform' must be a layer index or a non-empty list/],
    ['layers_to_transform', [0, 1.5], /'layers_to_transform' must be a layer index/],
    ['layers_to_transform', [], /'layers_to_transform' must be a layer index/],
    ['use_rslora', 'yes', /'use_rslora' must be true or false, got "yes"/],
    ['use_dora', 1, /'use_dora' must be true or false, got 1/],
    ['fan_in_fan_out', 'no', /'fan_in_fan_out' must be true or false, got "no"/],
    ['modules_to_save', 'score', /'modules_to_save' must be a list of module names/],
    ['modules_to_save', [['score']], /'modules_to_save' must be a list of module names/],
    ['rank_pattern', 'x', /'rank_pattern' must be an object of per-module overrides/],
    ['alpha_pattern', { q_proj: 16 }, /'alpha_pattern' = \{"q_proj":16\} is not supported/],
    ['layer_replication', [[0, 2]], /'layer_replication' = \[\[0,2\]\] is not supported/],
    ['lora_bias', true, /'lora_bias' = true is not supported/],
    ['exclude_modules', ['v_proj'], /'exclude_modules' = \["v_proj"\] is not supported/],
    ['peft_type', 'IA3', /'peft_type' = "IA3" is not supported \(supported: LORA\)/],
    ['bias', 'all', /'bias' = "all" is not supported/],
  ];

  for (const [field, value, message] of cases) {
    it(`${field} = ${JSON.stringify(value)}`, () => {
      const json = fixtureConfig();
      if (value === undefined) delete json[field];
      else json[field] = value;
      const e = configError(json);
      expect(e.code).toBe('BAD_CONFIG');
      expect(e.where).toBe(`${FILE}#${field}`);
      expect(e.message).toMatch(message);
      expect(e.message.startsWith(`${FILE}: '${field}'`)).toBe(true);
    });
  }

  it('a config that is not an object names the file', () => {
    for (const json of [null, [], 'LORA', 4]) {
      const e = configError(json);
      expect(e.where).toBe(FILE);
      expect(e.message).toMatch(/must be a JSON object/);
    }
  });

  it('accepts the fixture, what toPeftConfig writes, and the single-layer / null spellings', () => {
    const read = fromPeftConfig(fixtureConfig(), FILE);
    expect(resolveLoraOptions(read).scale).toBe(2);
    const written = toPeftConfig(resolveLoraOptions({ r: 2, layersToTransform: [1, 0] }), 'b');
    expect(fromPeftConfig(written, FILE)).toMatchObject({ r: 2, layersToTransform: [0, 1] });
    const nulls = {
      ...fixtureConfig(),
      layers_to_transform: 3,
      lora_dropout: null,
      modules_to_save: null,
      use_rslora: null,
      rank_pattern: null,
      lora_bias: false,
      exclude_modules: [],
    };
    expect(fromPeftConfig(nulls, FILE)).toMatchObject({
      layersToTransform: [3],
      dropout: 0,
      modulesToSave: [],
      useRslora: false,
    });
  });

  it('readPeftConfig: unreadable, invalid and non-object files are BAD_CHECKPOINT naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-peft-config-'));
    try {
      const file = join(dir, 'adapter_config.json');
      expect(() => readPeftConfig(dir)).toThrow(
        /adapter_config.json: cannot read the adapter config/,
      );
      writeFileSync(file, '{"r": 4,');
      expect(() => readPeftConfig(dir)).toThrow(/cannot read the adapter config \(/);
      writeFileSync(file, '[1, 2]');
      let error: unknown;
      try {
        readPeftConfig(dir);
      } catch (e) {
        error = e;
      }
      expect(GftError.isInstance(error) && error.code).toBe('BAD_CHECKPOINT');
      expect((error as GftError).where).toBe(file);
      expect((error as GftError).message).toMatch(/must be a JSON object, got \[1,2\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loraOptionsFromPeft', () => {
  it('names the directory when adapter_config.json is missing or not JSON (was a raw ENOENT / SyntaxError)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-peft-opts-'));
    try {
      const missing = (() => {
        try {
          loraOptionsFromPeft(dir);
        } catch (e) {
          return e;
        }
      })();
      expect(GftError.isInstance(missing)).toBe(true);
      expect((missing as GftError).where).toContain(dir);
      writeFileSync(join(dir, 'adapter_config.json'), '{ not json');
      const garbage = (() => {
        try {
          loraOptionsFromPeft(dir);
        } catch (e) {
          return e;
        }
      })();
      expect(GftError.isInstance(garbage)).toBe(true);
      expect((garbage as GftError).where).toContain('adapter_config.json');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

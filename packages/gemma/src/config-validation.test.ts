/**
 * config.json values that cannot be right are rejected when read, naming the file and
 * field, what it must be and what it holds; before, several loaded and predicted NaN.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, GftError } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGemma, readGemmaConfig } from './checkpoint-load.js';
import { configFromHf, configToHf, validateConfig } from './config.js';
import { fixture } from './fixture-support.js';
import { preset } from './presets.js';

const FILE = 'm/config.json';
const gemma2 = (): Record<string, unknown> =>
  JSON.parse(readFileSync(fixture('tiny-gemma2', 'config.json'), 'utf8'));
const gemma1 = (): Record<string, unknown> =>
  JSON.parse(readFileSync(fixture('tiny-gemma', 'config.json'), 'utf8'));

function configError(json: unknown): GftError {
  try {
    configFromHf(json as Record<string, unknown>, FILE);
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(json)}`);
}

beforeAll(async () => {
  await cpuBackend().setup();
});

describe('config.json field validation', () => {
  // [field, bad value, what the message must say it must be]
  const cases: [string, unknown, RegExp][] = [
    ['rms_norm_eps', -1, /a finite number > 0, got -1/],
    ['rms_norm_eps', 0, /a finite number > 0, got 0/],
    ['rms_norm_eps', '1e-6', /a finite number > 0, got "1e-6"/],
    ['rope_theta', -10000, /a finite number > 0, got -10000/],
    ['rope_theta', null, /a finite number > 0, got null/],
    ['hidden_size', 64.5, /a positive integer, got 64.5/],
    ['hidden_size', 'big', /a positive integer, got "big"/],
    ['hidden_size', undefined, /a positive integer, got nothing \(field absent\)/],
    ['intermediate_size', 0, /a positive integer, got 0/],
    ['num_hidden_layers', -4, /a positive integer, got -4/],
    ['num_attention_heads', [4], /a positive integer, got \[4\]/],
    ['num_key_value_heads', 3, /a divisor of num_attention_heads \(4\), got 3/],
    ['head_dim', 15, /even \(RoPE rotates pairs of dimensions\), got 15/],
    ['head_dim', 2 ** 60, /a positive integer, got 1152921504606847000/],
    ['vocab_size', 0, /a positive integer, got 0/],
    ['max_position_embeddings', -1, /a positive integer, got -1/],
    ['num_labels', 0, /a positive integer, got 0/],
    ['pad_token_id', 512, /a token id in \[0, 512\) or null, got 512/],
    ['pad_token_id', -1, /a token id in \[0, 512\) or null, got -1/],
    ['query_pre_attn_scalar', -16, /a finite number > 0, got -16/],
    ['sliding_window', 0, /a positive integer, got 0/],
    ['sliding_window', 8.5, /a positive integer, got 8.5/],
    ['attn_logit_softcapping', 0, /a finite number > 0, got 0/],
    ['final_logit_softcapping', -30, /a finite number > 0, got -30/],
    ['final_logit_softcapping', '30', /a finite number > 0, got "30"/],
    ['layer_types', 'all', /a list of 4 entries \(one per layer\)/],
    ['layer_types', ['full_attention'], /a list of 4 entries/],
    [
      'layer_types',
      ['sliding_attention', 'full_attention', 'local', 'full_attention'],
      /entry 2 is not, got \["sliding_attention","full_attention","local","full_attention"\]/,
    ],
    ['hidden_activation', 'gelu', /one of gelu_pytorch_tanh, gelu_new, gelu_fast/],
    ['attention_bias', true, /false or absent \(Gemma projections have no bias\), got true/],
    ['rope_scaling', { type: 'linear', factor: 2 }, /null or absent \(gft computes plain RoPE\)/],
    ['tie_word_embeddings', 'yes', /true or absent/],
  ];

  for (const [field, value, mustBe] of cases) {
    it(`${field} = ${JSON.stringify(value)}`, () => {
      const json = gemma2();
      if (value === undefined) delete json[field];
      else json[field] = value;
      const e = configError(json);
      expect(e.code).toBe('BAD_CONFIG');
      expect(e.where).toBe(`${FILE}#${field}`);
      expect(e.message).toContain(`${FILE}: field '${field}' must be`);
      expect(e.message).toMatch(mustBe);
    });
  }

  it('derives head_dim only when hidden_size splits evenly across the heads', () => {
    const json = gemma1();
    delete json.head_dim;
    json.hidden_size = 66;
    expect(configError(json).message).toMatch(
      /field 'head_dim' must be set when hidden_size \(66\) is not a multiple of num_attention_heads \(4\)/,
    );
    json.hidden_size = 64;
    expect(configFromHf(json, FILE).headDim).toBe(16);
  });

  it('a config.json that is not an object is an error naming the file', () => {
    for (const json of [null, [], 5, 'gemma2']) {
      const e = configError(json);
      expect(e.code).toBe('BAD_CONFIG');
      expect(e.where).toBe(FILE);
      expect(e.message).toMatch(/must be a JSON object/);
    }
  });

  it('accepts null where Hugging Face writes null for "not set"', () => {
    const json = {
      ...gemma2(),
      attn_logit_softcapping: null,
      final_logit_softcapping: null,
      pad_token_id: null,
      layer_types: null,
      rope_scaling: null,
      hidden_activation: null,
    };
    const config = configFromHf(json, FILE);
    expect(config.attnSoftcap).toBe(0);
    expect(config.finalSoftcap).toBe(0);
    expect(config.padTokenId).toBe(0);
    expect(config.layerTypes).toBeUndefined();
  });

  it('every fixture config still reads, and configToHf output reads back', () => {
    for (const dir of [
      'tiny-gemma',
      'tiny-gemma2',
      'tiny-gemma2/model-bf16',
      'tiny-gemma2/sharded',
      'tiny-gemma2-qlora/base-bnb-nf4',
      'variants/gemma2-qpas24',
      'variants/gemma2-strongcap',
    ]) {
      const config = readGemmaConfig(fixture(dir));
      expect(configFromHf(configToHf(config), dir)).toEqual({
        ...config,
        layerTypes: config.family === 'gemma2' ? expect.any(Array) : undefined,
      });
    }
  });

  it('validateConfig guards programmatic configs too', () => {
    const tiny = preset('tiny');
    expect(() => validateConfig(tiny)).not.toThrow();
    for (const [field, value] of [
      ['rmsNormEps', -1],
      ['rmsNormEps', Number.NaN],
      ['ropeTheta', 0],
      ['numLabels', 0],
      ['queryPreAttnScalar', Number.POSITIVE_INFINITY],
      ['slidingWindow', -8],
      ['attnSoftcap', -1],
      ['padTokenId', 0.5],
    ] as const) {
      const e = (() => {
        try {
          validateConfig({ ...tiny, [field]: value }, 'p');
        } catch (error) {
          return error as GftError;
        }
      })();
      expect(e?.code, field).toBe('BAD_CONFIG');
      expect(e?.where).toBe(`p#${field}`);
    }
  });
});

describe('loading a model directory with an impossible config.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gft-config-'));
    cpSync(fixture('tiny-gemma2', 'model.safetensors'), join(dir, 'model.safetensors'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with BAD_CONFIG naming the field instead of predicting NaN', () => {
    const file = join(dir, 'config.json');
    for (const [field, value] of [
      ['rms_norm_eps', -1],
      ['rope_theta', 0],
      ['final_logit_softcapping', -30],
    ] as const) {
      writeFileSync(file, JSON.stringify({ ...gemma2(), [field]: value }));
      let error: unknown;
      try {
        loadGemma(dir, { adapter: fullFineTune() }).dispose();
      } catch (e) {
        error = e;
      }
      expect(GftError.isInstance(error) && error.where).toBe(`${file}#${field}`);
    }
  });

  it('reports a config.json that cannot be read or parsed as BAD_CHECKPOINT', () => {
    const file = join(dir, 'config.json');
    writeFileSync(file, '{"model_type": "gemma2",');
    expect(() => readGemmaConfig(dir)).toThrow(/config.json: not valid JSON/);
    writeFileSync(file, 'null');
    expect(() => readGemmaConfig(dir)).toThrow(/config.json: must be a JSON object/);
  });
});

/**
 * The model configuration gft computes with, and its reading from a Hugging Face
 * `config.json` (model_type `gemma` or `gemma2`), every field it uses checked for type and
 * range (hf-fields.ts). Not the presets (presets.ts).
 */
import { GftError, listChoices, parseConfig } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';
import {
  ATTENTION_KINDS,
  type AttentionKind,
  GEMMA_FAMILIES,
  type GemmaConfig,
  type GemmaFamily,
  gemmaConfigSchema,
} from './config-schema.js';
import { HfFields } from './hf-fields.js';

export {
  type AttentionKind,
  type GemmaConfig,
  type GemmaFamily,
  gemmaConfigSchema,
} from './config-schema.js';

const FAMILIES: readonly GemmaFamily[] = GEMMA_FAMILIES;

/** Attention kind of layer `i`. */
export function layerAttention(config: GemmaConfig, i: number): AttentionKind {
  if (config.family !== 'gemma2') return 'full_attention';
  return config.layerTypes?.[i] ?? (i % 2 === 0 ? 'sliding_attention' : 'full_attention');
}

/** Multiplier of QK^T. */
export function attentionScale(config: GemmaConfig): number {
  const s =
    config.family === 'gemma2' ? (config.queryPreAttnScalar ?? config.headDim) : config.headDim;
  return s ** -0.5;
}

/**
 * Spellings of the tanh-approximated GELU Gemma uses (same formula in transformers). Exact
 * `gelu` would differ, so it is rejected rather than silently computed as tanh.
 */
const TANH_GELU = ['gelu_pytorch_tanh', 'gelu_new', 'gelu_fast'];

/** Reads a Hugging Face Gemma / Gemma-2 `config.json` object. `file` is named in errors. */
export function configFromHf(json: Record<string, unknown>, file = 'config.json'): GemmaConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: must be a JSON object (a Hugging Face config), got ${jsonPreview(json)}`,
      { where: file },
    );
  }
  const f = new HfFields(json, file);
  const family = f.get('model_type') as GemmaFamily;
  if (!FAMILIES.includes(family)) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: model_type ${typeof family === 'string' ? `'${family}'` : jsonPreview(family)} is not supported (supported: ${listChoices(FAMILIES)})`,
      { where: `${file}#model_type` },
    );
  }
  if (f.get('tie_word_embeddings') === false) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: tie_word_embeddings false is not supported (Gemma ties them)`,
      {
        where: `${file}#tie_word_embeddings`,
      },
    );
  }
  const hiddenSize = f.positiveInt('hidden_size');
  const numHeads = f.positiveInt('num_attention_heads');
  const vocabSize = f.positiveInt('vocab_size');
  const numKvHeads = f.positiveInt('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0)
    f.fail('num_key_value_heads', `a divisor of num_attention_heads (${numHeads})`);
  if (f.get('head_dim') === undefined && hiddenSize % numHeads !== 0) {
    f.fail(
      'head_dim',
      `set when hidden_size (${hiddenSize}) is not a multiple of num_attention_heads (${numHeads})`,
    );
  }
  const headDim = f.positiveInt('head_dim', hiddenSize / numHeads);
  if (headDim % 2 !== 0) f.fail('head_dim', 'even (RoPE rotates pairs of dimensions)', headDim);
  const padTokenId = f.unset('pad_token_id') ? 0 : (f.get('pad_token_id') as number);
  if (!Number.isSafeInteger(padTokenId) || padTokenId < 0 || padTokenId >= vocabSize)
    f.fail('pad_token_id', `a token id in [0, ${vocabSize}) or null`);
  f.onlyUnsetOr('tie_word_embeddings', true, 'Gemma ties the LM head to the embedding');
  // transformers ignores the legacy `hidden_act` for Gemma and reads hidden_activation only.
  f.optionalChoice('hidden_activation', TANH_GELU);
  f.onlyUnsetOr('attention_bias', false, 'Gemma projections have no bias');
  f.onlyUnsetOr('rope_scaling', null, 'gft computes plain RoPE');
  // Not used (RoPE tables are built per batch), but a bad value means a damaged file.
  if (!f.unset('max_position_embeddings')) f.positiveInt('max_position_embeddings');
  const config: GemmaConfig = {
    family,
    vocabSize,
    hiddenSize,
    intermediateSize: f.positiveInt('intermediate_size'),
    numLayers: f.positiveInt('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    rmsNormEps: f.positiveNumber('rms_norm_eps', 1e-6),
    ropeTheta: f.positiveNumber('rope_theta', 10000),
    numLabels: f.positiveInt('num_labels', 3),
    padTokenId,
  };
  if (family === 'gemma2') {
    config.queryPreAttnScalar = f.positiveNumber('query_pre_attn_scalar', config.headDim);
    config.slidingWindow = f.positiveInt('sliding_window', 4096);
    // null (or absent) means no cap; a cap of 0 or below would flip or flatten the logits.
    config.attnSoftcap = f.optionalPositiveNumber('attn_logit_softcapping') ?? 0;
    config.finalSoftcap = f.optionalPositiveNumber('final_logit_softcapping') ?? 0;
    if (!f.unset('layer_types')) config.layerTypes = layerTypesOf(f, config.numLayers);
  }
  validateConfig(config, file);
  return config;
}

function layerTypesOf(f: HfFields, numLayers: number): AttentionKind[] {
  const v = f.get('layer_types');
  const mustBe = `a list of ${numLayers} entries (one per layer), each ${ATTENTION_KINDS.join(' or ')}`;
  if (!Array.isArray(v) || v.length !== numLayers) return f.fail('layer_types', mustBe);
  const bad = v.findIndex((k) => !(ATTENTION_KINDS as readonly unknown[]).includes(k));
  if (bad >= 0) f.fail('layer_types', `${mustBe}; entry ${bad} is not`);
  return [...v] as AttentionKind[];
}

/** Checks the invariants the model relies on (gemmaConfigSchema); errors name the field. */
export function validateConfig(config: GemmaConfig, where = 'config'): void {
  parseConfig(gemmaConfigSchema, config, {
    source: where,
    field: (path) => path,
    topLevel: true,
    preview: jsonPreview,
  });
}

/** The Hugging Face `config.json` object for a config (what a saved checkpoint carries). */
export function configToHf(config: GemmaConfig): Record<string, unknown> {
  const base: Record<string, unknown> = {
    architectures: [
      config.family === 'gemma2'
        ? 'Gemma2ForSequenceClassification'
        : 'GemmaForSequenceClassification',
    ],
    model_type: config.family,
    vocab_size: config.vocabSize,
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: config.headDim,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    hidden_activation: 'gelu_pytorch_tanh',
    tie_word_embeddings: true,
    num_labels: config.numLabels,
    pad_token_id: config.padTokenId,
    torch_dtype: 'float32',
  };
  if (config.family === 'gemma2') {
    Object.assign(base, {
      query_pre_attn_scalar: config.queryPreAttnScalar,
      sliding_window: config.slidingWindow,
      attn_logit_softcapping: config.attnSoftcap || null,
      final_logit_softcapping: config.finalSoftcap || null,
      layer_types: Array.from({ length: config.numLayers }, (_, i) => layerAttention(config, i)),
    });
  }
  return base;
}

/**
 * The model configuration gft computes with, and its reading from a Hugging Face
 * `config.json` (model_type `gemma` or `gemma2`). Not the presets (presets.ts).
 */
import { GftError, listChoices } from '@gft/core';

export type GemmaFamily = 'gemma' | 'gemma2';
export type AttentionKind = 'sliding_attention' | 'full_attention';

export interface GemmaConfig {
  family: GemmaFamily;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** Gemma-2: scores are scaled by this^-0.5 (Gemma v1 uses headDim). */
  queryPreAttnScalar?: number;
  /** Gemma-2: window of the sliding layers. */
  slidingWindow?: number;
  /** Gemma-2: attention-logit soft cap (0 or absent: none). */
  attnSoftcap?: number;
  /** Gemma-2: final-logit soft cap (0 or absent: none). */
  finalSoftcap?: number;
  /** Gemma-2: per-layer attention kind; default: sliding on even layer indices. */
  layerTypes?: AttentionKind[];
  /** Classes of the `score` head (3 for the arena task). */
  numLabels: number;
  padTokenId: number;
}

const FAMILIES: GemmaFamily[] = ['gemma', 'gemma2'];

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

function num(
  json: Record<string, unknown>,
  field: string,
  file: string,
  fallback?: number,
): number {
  const v = json[field];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  throw new GftError(
    'BAD_CONFIG',
    `${file}: field '${field}' must be a number, got ${JSON.stringify(v)}`,
    {
      where: `${file}#${field}`,
    },
  );
}

/** Reads a Hugging Face Gemma / Gemma-2 `config.json` object. `file` is named in errors. */
export function configFromHf(json: Record<string, unknown>, file = 'config.json'): GemmaConfig {
  const family = json.model_type as GemmaFamily;
  if (!FAMILIES.includes(family)) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: model_type '${String(json.model_type)}' is not supported (supported: ${listChoices(FAMILIES)})`,
      { where: `${file}#model_type` },
    );
  }
  if (json.tie_word_embeddings === false) {
    throw new GftError(
      'BAD_CONFIG',
      `${file}: tie_word_embeddings false is not supported (Gemma ties them)`,
      {
        where: `${file}#tie_word_embeddings`,
      },
    );
  }
  const hiddenSize = num(json, 'hidden_size', file);
  const numHeads = num(json, 'num_attention_heads', file);
  const config: GemmaConfig = {
    family,
    vocabSize: num(json, 'vocab_size', file),
    hiddenSize,
    intermediateSize: num(json, 'intermediate_size', file),
    numLayers: num(json, 'num_hidden_layers', file),
    numHeads,
    numKvHeads: num(json, 'num_key_value_heads', file, numHeads),
    headDim: num(json, 'head_dim', file, hiddenSize / numHeads),
    rmsNormEps: num(json, 'rms_norm_eps', file, 1e-6),
    ropeTheta: num(json, 'rope_theta', file, 10000),
    numLabels: num(json, 'num_labels', file, 3),
    padTokenId: num(json, 'pad_token_id', file, 0),
  };
  if (family === 'gemma2') {
    config.queryPreAttnScalar = num(json, 'query_pre_attn_scalar', file, config.headDim);
    config.slidingWindow = num(json, 'sliding_window', file, 4096);
    config.attnSoftcap =
      json.attn_logit_softcapping == null ? 0 : num(json, 'attn_logit_softcapping', file);
    config.finalSoftcap =
      json.final_logit_softcapping == null ? 0 : num(json, 'final_logit_softcapping', file);
    if (Array.isArray(json.layer_types)) config.layerTypes = json.layer_types as AttentionKind[];
  }
  validateConfig(config, file);
  return config;
}

/** Checks the invariants the model relies on; errors name the field. */
export function validateConfig(config: GemmaConfig, where = 'config'): void {
  const bad = (field: string, why: string) => {
    throw new GftError('BAD_CONFIG', `${where}: ${field} ${why}`, { where: `${where}#${field}` });
  };
  for (const f of [
    'vocabSize',
    'hiddenSize',
    'intermediateSize',
    'numLayers',
    'numHeads',
    'numKvHeads',
    'headDim',
  ] as const) {
    if (!Number.isInteger(config[f]) || config[f] <= 0)
      bad(f, `must be a positive integer, got ${config[f]}`);
  }
  if (config.numHeads % config.numKvHeads !== 0)
    bad('numKvHeads', `(${config.numKvHeads}) must divide numHeads (${config.numHeads})`);
  if (config.headDim % 2 !== 0) bad('headDim', `must be even for RoPE, got ${config.headDim}`);
  if (config.layerTypes && config.layerTypes.length !== config.numLayers) {
    bad('layerTypes', `has ${config.layerTypes.length} entries for ${config.numLayers} layers`);
  }
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

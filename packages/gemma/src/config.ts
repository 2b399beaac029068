/**
 * The model configuration gft computes with, and its reading from a Hugging Face
 * `config.json` (model_type `gemma` or `gemma2`), every field it uses checked for type and
 * range (hf-config-schema.ts). Not the presets (presets.ts).
 */
import { parseConfig } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';
import { type AttentionKind, type GemmaConfig, gemmaConfigSchema } from './config-schema.js';
import { hfGemmaConfigSchema } from './hf-config-schema.js';

export {
  type AttentionKind,
  type GemmaConfig,
  type GemmaFamily,
  gemmaConfigSchema,
} from './config-schema.js';

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

/** Reads a Hugging Face Gemma / Gemma-2 `config.json` object. `file` is named in errors. */
export function configFromHf(json: Record<string, unknown>, file = 'config.json'): GemmaConfig {
  const config = parseConfig(hfGemmaConfigSchema, json, {
    source: file,
    topLevel: true,
    preview: jsonPreview,
  });
  validateConfig(config, file);
  return config;
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

/**
 * The schema of a Hugging Face Gemma / Gemma-2 `config.json` as gft reads it, and its
 * mapping to GemmaConfig with the defaults transformers applies. Every field gft uses is
 * checked for type and range: a value that cannot be right (a negative epsilon, a fractional
 * head count, a string size) would otherwise train or predict NaN without any error.
 * Fields gft does not read pass through unchecked (`looseObject`).
 */
import * as v from 'valibot';
import {
  ATTENTION_KINDS,
  type AttentionKind,
  GEMMA_FAMILIES,
  type GemmaConfig,
  positive,
  positiveInteger,
} from './config-schema.js';

/** Absent or null: how Hugging Face writes "not set". */
const unsetOr = <S extends v.GenericSchema>(schema: S) => v.nullish(schema);

/**
 * Spellings of the tanh-approximated GELU Gemma uses (the same formula in transformers).
 * Exact `gelu` would differ, so it is rejected rather than silently computed as tanh.
 */
const TANH_GELU = ['gelu_pytorch_tanh', 'gelu_new', 'gelu_fast'] as const;

const hfGemmaFields = v.looseObject(
  {
    model_type: v.picklist(
      GEMMA_FAMILIES,
      `a supported model type, one of ${GEMMA_FAMILIES.join(', ')}`,
    ),
    hidden_size: positiveInteger,
    intermediate_size: positiveInteger,
    num_hidden_layers: positiveInteger,
    num_attention_heads: positiveInteger,
    // Default: num_attention_heads (multi-head attention).
    num_key_value_heads: v.optional(positiveInteger),
    // Default: hidden_size / num_attention_heads.
    head_dim: v.optional(positiveInteger),
    vocab_size: positiveInteger,
    rms_norm_eps: v.optional(positive, 1e-6),
    rope_theta: v.optional(positive, 10000),
    num_labels: v.optional(positiveInteger, 3),
    // Its range depends on vocab_size: checked below.
    pad_token_id: unsetOr(v.number('a token id or null')),
    tie_word_embeddings: unsetOr(
      v.literal(true, 'true or absent (Gemma ties the LM head to the embedding)'),
    ),
    // transformers ignores the legacy `hidden_act` for Gemma and reads hidden_activation only.
    hidden_activation: unsetOr(v.picklist(TANH_GELU, `one of ${TANH_GELU.join(', ')} (or absent)`)),
    attention_bias: unsetOr(v.literal(false, 'false or absent (Gemma projections have no bias)')),
    rope_scaling: unsetOr(v.null('null or absent (gft computes plain RoPE)')),
    // Not used (RoPE tables are built per batch), but a bad value means a damaged file.
    max_position_embeddings: unsetOr(positiveInteger),
    // Gemma-2 only; read for model_type gemma2.
    query_pre_attn_scalar: v.optional(positive),
    sliding_window: v.optional(positiveInteger, 4096),
    // null (or absent) means no cap; a cap of 0 or below would flip or flatten the logits.
    attn_logit_softcapping: unsetOr(positive),
    final_logit_softcapping: unsetOr(positive),
    // Its length depends on num_hidden_layers: checked below, with the entries.
    layer_types: v.optional(v.unknown()),
  },
  'a JSON object (a Hugging Face config)',
);

type HfGemmaFields = v.InferOutput<typeof hfGemmaFields>;

const headDimOf = (c: HfGemmaFields): number => c.head_dim ?? c.hidden_size / c.num_attention_heads;

/** What is wrong with a set `layer_types`, as "must be" text; undefined when nothing is. */
function layerTypesProblem(c: HfGemmaFields): string | undefined {
  const kinds: readonly unknown[] = ATTENTION_KINDS;
  const mustBe = `a list of ${c.num_hidden_layers} entries (one per layer), each ${ATTENTION_KINDS.join(' or ')}`;
  const types = c.layer_types;
  if (!Array.isArray(types) || types.length !== c.num_hidden_layers) return mustBe;
  const bad = types.findIndex((kind) => !kinds.includes(kind));
  return bad >= 0 ? `${mustBe}; entry ${bad} is not` : undefined;
}

/** A Hugging Face Gemma config.json, checked, to the GemmaConfig gft computes with. */
export const hfGemmaConfigSchema = v.pipe(
  hfGemmaFields,
  v.forward(
    v.check(
      (c) => c.num_attention_heads % (c.num_key_value_heads ?? c.num_attention_heads) === 0,
      (issue) =>
        `a divisor of num_attention_heads (${(issue.input as HfGemmaFields).num_attention_heads})`,
    ),
    ['num_key_value_heads'],
  ),
  v.forward(
    v.check(
      (c) => c.head_dim !== undefined || c.hidden_size % c.num_attention_heads === 0,
      (issue) => {
        const c = issue.input as HfGemmaFields;
        return `set when hidden_size (${c.hidden_size}) is not a multiple of num_attention_heads (${c.num_attention_heads})`;
      },
    ),
    ['head_dim'],
  ),
  v.forward(
    v.check(
      (c) => headDimOf(c) % 2 === 0,
      (issue) => {
        const c = issue.input as HfGemmaFields;
        const derived =
          c.head_dim === undefined ? `; hidden_size / num_attention_heads = ${headDimOf(c)}` : '';
        return `even (RoPE rotates pairs of dimensions)${derived}`;
      },
    ),
    ['head_dim'],
  ),
  v.forward(
    v.check(
      (c) =>
        c.pad_token_id == null ||
        (Number.isSafeInteger(c.pad_token_id) &&
          c.pad_token_id >= 0 &&
          c.pad_token_id < c.vocab_size),
      (issue) => `a token id in [0, ${(issue.input as HfGemmaFields).vocab_size}) or null`,
    ),
    ['pad_token_id'],
  ),
  v.forward(
    v.check(
      (c) => c.layer_types == null || layerTypesProblem(c) === undefined,
      (issue) => layerTypesProblem(issue.input as HfGemmaFields) ?? '',
    ),
    ['layer_types'],
  ),
  v.transform((c): GemmaConfig => {
    const headDim = headDimOf(c);
    const config: GemmaConfig = {
      family: c.model_type,
      vocabSize: c.vocab_size,
      hiddenSize: c.hidden_size,
      intermediateSize: c.intermediate_size,
      numLayers: c.num_hidden_layers,
      numHeads: c.num_attention_heads,
      numKvHeads: c.num_key_value_heads ?? c.num_attention_heads,
      headDim,
      rmsNormEps: c.rms_norm_eps,
      ropeTheta: c.rope_theta,
      numLabels: c.num_labels,
      padTokenId: c.pad_token_id ?? 0,
    };
    if (c.model_type === 'gemma2') {
      config.queryPreAttnScalar = c.query_pre_attn_scalar ?? headDim;
      config.slidingWindow = c.sliding_window;
      config.attnSoftcap = c.attn_logit_softcapping ?? 0;
      config.finalSoftcap = c.final_logit_softcapping ?? 0;
      if (c.layer_types != null) config.layerTypes = [...(c.layer_types as AttentionKind[])];
    }
    return config;
  }),
);

/**
 * The schema of the model configuration gft computes with (GemmaConfig, inferred from it):
 * what each field must hold and the invariants between fields the model relies on. Reading
 * a Hugging Face config.json into one is config.ts'.
 */
import * as v from 'valibot';

const POSITIVE_INTEGER = 'a positive integer';
const POSITIVE = 'a finite number > 0';

export const positiveInteger = v.pipe(
  v.number(POSITIVE_INTEGER),
  v.safeInteger(POSITIVE_INTEGER),
  v.minValue(1, POSITIVE_INTEGER),
);
export const positive = v.pipe(v.number(POSITIVE), v.finite(POSITIVE), v.gtValue(0, POSITIVE));
const SOFTCAP = 'a finite number > 0, or 0 for no cap';
const softcap = v.pipe(v.number(SOFTCAP), v.finite(SOFTCAP), v.minValue(0, SOFTCAP));
const TOKEN_ID = 'a token id (integer >= 0)';

export const ATTENTION_KINDS = ['sliding_attention', 'full_attention'] as const;
export const GEMMA_FAMILIES = ['gemma', 'gemma2'] as const;

export const gemmaConfigSchema = v.pipe(
  v.object(
    {
      family: v.picklist(GEMMA_FAMILIES, `one of ${GEMMA_FAMILIES.join(', ')}`),
      vocabSize: positiveInteger,
      hiddenSize: positiveInteger,
      intermediateSize: positiveInteger,
      numLayers: positiveInteger,
      numHeads: positiveInteger,
      numKvHeads: positiveInteger,
      headDim: v.pipe(
        positiveInteger,
        v.check((d) => d % 2 === 0, 'even (RoPE rotates pairs of dimensions)'),
      ),
      rmsNormEps: positive,
      ropeTheta: positive,
      // Gemma-2: scores are scaled by this^-0.5 (Gemma v1 uses headDim).
      queryPreAttnScalar: v.optional(positive),
      // Gemma-2: window of the sliding layers.
      slidingWindow: v.optional(positiveInteger),
      // Gemma-2: attention-logit soft cap (0 or absent: none).
      attnSoftcap: v.optional(softcap),
      // Gemma-2: final-logit soft cap (0 or absent: none).
      finalSoftcap: v.optional(softcap),
      // Gemma-2: per-layer attention kind; default: sliding on even layer indices.
      layerTypes: v.optional(
        v.array(
          v.picklist(ATTENTION_KINDS, `one of ${ATTENTION_KINDS.join(', ')}`),
          'a list of attention kinds',
        ),
      ),
      // Classes of the `score` head (3 for the arena task).
      numLabels: positiveInteger,
      padTokenId: v.pipe(v.number(TOKEN_ID), v.safeInteger(TOKEN_ID), v.minValue(0, TOKEN_ID)),
    },
    'a model config object',
  ),
  v.forward(
    v.check(
      (c) => c.numHeads % c.numKvHeads === 0,
      (issue) => `a divisor of numHeads (${(issue.input as { numHeads: number }).numHeads})`,
    ),
    ['numKvHeads'],
  ),
  v.forward(
    v.check(
      (c) => c.layerTypes === undefined || c.layerTypes.length === c.numLayers,
      (issue) =>
        `a list of ${(issue.input as { numLayers: number }).numLayers} entries (one per layer)`,
    ),
    ['layerTypes'],
  ),
);

export type GemmaConfig = v.InferOutput<typeof gemmaConfigSchema>;
export type GemmaFamily = GemmaConfig['family'];
export type AttentionKind = NonNullable<GemmaConfig['layerTypes']>[number];

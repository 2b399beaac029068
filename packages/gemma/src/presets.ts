/**
 * Named model shapes: the published Gemma / Gemma-2 sizes (for parameter counts and memory
 * predictions; their weights load from checkpoints) and CPU-sized ones gft can train here.
 */
import { GftError, listChoices } from '@gft/core';
import type { GemmaConfig } from './config.js';

const GEMMA2_COMMON = {
  family: 'gemma2',
  vocabSize: 256000,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  slidingWindow: 4096,
  attnSoftcap: 50,
  finalSoftcap: 30,
  numLabels: 3,
  padTokenId: 0,
} as const;

export const PRESETS = {
  'gemma-7b': {
    family: 'gemma',
    vocabSize: 256000,
    hiddenSize: 3072,
    intermediateSize: 24576,
    numLayers: 28,
    numHeads: 16,
    numKvHeads: 16,
    headDim: 256,
    rmsNormEps: 1e-6,
    ropeTheta: 10000,
    numLabels: 3,
    padTokenId: 0,
  },
  'gemma2-2b': {
    ...GEMMA2_COMMON,
    hiddenSize: 2304,
    intermediateSize: 9216,
    numLayers: 26,
    numHeads: 8,
    numKvHeads: 4,
    headDim: 256,
    queryPreAttnScalar: 256,
  },
  'gemma2-9b': {
    ...GEMMA2_COMMON,
    hiddenSize: 3584,
    intermediateSize: 14336,
    numLayers: 42,
    numHeads: 16,
    numKvHeads: 8,
    headDim: 256,
    queryPreAttnScalar: 256,
  },
  'gemma2-27b': {
    ...GEMMA2_COMMON,
    hiddenSize: 4608,
    intermediateSize: 36864,
    numLayers: 46,
    numHeads: 32,
    numKvHeads: 16,
    headDim: 128,
    queryPreAttnScalar: 144,
  },
  /**
   * The golden-fixture model's shape (../shared/fixtures/tiny-gemma2/config.json) with the
   * real vocabulary, so the bundled Gemma-2 tokenizer's ids fit and `--preset tiny` runs
   * wherever `small` does; the fixture tests read their 512-token config.json instead.
   */
  tiny: {
    ...GEMMA2_COMMON,
    hiddenSize: 64,
    intermediateSize: 128,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 16,
    queryPreAttnScalar: 16,
    slidingWindow: 8,
  },
  /** Gemma-2 layout at CPU size, with the real vocabulary: the default benchmark model. */
  small: {
    ...GEMMA2_COMMON,
    hiddenSize: 256,
    intermediateSize: 1024,
    numLayers: 4,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 64,
    queryPreAttnScalar: 64,
  },
} satisfies Record<string, GemmaConfig>;

export type PresetName = keyof typeof PRESETS;

/** A copy of a preset's config. */
export function preset(name: string): GemmaConfig {
  const p = (PRESETS as Record<string, GemmaConfig>)[name];
  if (!p) {
    throw new GftError(
      'BAD_CONFIG',
      `unknown Gemma preset '${name}' (presets: ${listChoices(Object.keys(PRESETS))})`,
      {
        where: 'preset',
      },
    );
  }
  return { ...p };
}

/**
 * What a Gemma training step holds for backward, predicted from the shapes: bytes kept across
 * the whole forward, the largest working set of one layer's backward, and how much of the
 * trainable parameters' size is live as gradients at that peak.
 *
 * The coefficients count float32 values per token row, by the dimension they scale with
 * (D hidden, F intermediate, Q = heads x headDim, K = kvHeads x headDim, r rank). They are
 * what gft's step really keeps on the tfjs tape (tfjs keeps both inputs of every add and
 * multiply, so they are not the textbook minimum), fitted from the native engine's exact
 * allocation high-water mark over configurations that vary one dimension at a time
 * (`packages/gemma/bench/activation-fit.ts` re-measures them; `activation-memory.test.ts`
 * holds the prediction to the measurement). Fitted on Gemma-2; Gemma v1 (no post-norms)
 * keeps a little less, so the prediction errs high there.
 *
 * Plain step: every layer's saved tensors live at once. Checkpointed step (train-step.ts):
 * two [N, D] rows per layer are kept, and one half of one layer is recomputed at a time
 * (the MLP half in chunks of at most `mlpChunkRows` rows).
 */
import type { GemmaConfig } from './config.js';

/** How a technique's projections spend activation memory. */
export type ActivationProfile =
  /** Every weight trained (full fine-tuning): gradients as large as the model. */
  | 'dense'
  /** Frozen base + low-rank path (LoRA, QLoRA, a bf16 base): base outputs and LoRA inputs. */
  | 'low-rank'
  /** As `low-rank`, with dropout on the LoRA input (its masks and dropped copies). */
  | 'low-rank-dropout';

interface PerToken {
  D?: number;
  F?: number;
  Q?: number;
  K?: number;
  r?: number;
}

interface Coefficients {
  /** Saved by a layer's attention half, per token row. */
  attention: PerToken;
  /** Saved by a layer's MLP half, per token row. */
  mlp: PerToken;
  /** Outside the layers (embedding, head), per token row: plain / checkpointed step. */
  model: { plain: PerToken; checkpointed: PerToken };
  /**
   * Share of the trainable parameters' bytes live as gradients (and the optimizer's
   * temporaries) at the step's peak: plain / checkpointed.
   */
  gradients: { plain: number; checkpointed: number };
}

/** Fitted on cpu-native (bench/activation-fit.ts), see the file comment. */
const COEFFICIENTS: Record<ActivationProfile, Coefficients> = {
  'low-rank': {
    attention: { D: 14.5, Q: 11.25, K: 13, r: 4 },
    mlp: { D: 16, F: 15, r: 14 },
    model: { plain: {}, checkpointed: {} },
    gradients: { plain: 1, checkpointed: 0.5 },
  },
  'low-rank-dropout': {
    attention: { D: 28, Q: 16.25, K: 13, r: 28 },
    mlp: { D: 26, F: 20, r: 14 },
    model: { plain: {}, checkpointed: {} },
    gradients: { plain: 1, checkpointed: 0.5 },
  },
  dense: {
    attention: { D: 8.75, Q: 5.25, K: 5 },
    mlp: { D: 10, F: 6 },
    model: { plain: { D: 7.5 }, checkpointed: { D: 2 } },
    gradients: { plain: 1.2, checkpointed: 0.75 },
  },
};

export interface ActivationOptions {
  profile: ActivationProfile;
  /** Token rows of the micro-batch (padded: rows x padded length; packed: the real tokens). */
  tokens: number;
  /** Per-layer activation checkpointing. */
  checkpoint: boolean;
  /** LoRA rank (low-rank profiles). */
  rank?: number;
  /** The checkpointed step's MLP chunk (train-step.ts default 4096). */
  mlpChunkRows?: number;
  /** Bytes of the trainable parameters (float32), for the gradients live at the peak. */
  trainableBytes: number;
  /** Bytes of the largest trainable tensor (AdamW's temporaries are as large); default 0. */
  largestTrainableBytes?: number;
}

export interface ActivationMemory {
  /** Held from the forward until backward reaches them. */
  keptBytes: number;
  /** The largest working set on top of what is kept (one layer half's backward). */
  workingBytes: number;
  /** Gradients (and the optimizer's temporaries) live at the step's peak. */
  gradientBytes: number;
  /** The optimizer step's own peak: every gradient plus AdamW's temporaries of one tensor. */
  optimizerPeakBytes: number;
  /**
   * What the step adds to the weights and optimizer state at its peak: the larger of the
   * backward's and the optimizer's. Backward, plain: everything kept plus the gradients.
   * Checkpointed: the working set, plus either what is kept (near the top of the backward,
   * few gradients yet) or the gradients (near the bottom, little kept any more).
   */
  peakBytes: number;
}

/**
 * AdamW's update holds about this many temporaries the size of the tensor it updates (tfjs
 * ops allocate each intermediate; the finite check after the update adds a little): fitted on
 * `small` full fine-tuning, where the 256k x 256 embedding's update is the step's peak.
 */
const ADAMW_TEMPORARIES = 4;

function floats(c: PerToken, config: GemmaConfig, rank: number): number {
  const q = config.numHeads * config.headDim;
  const k = config.numKvHeads * config.headDim;
  return (
    (c.D ?? 0) * config.hiddenSize +
    (c.F ?? 0) * config.intermediateSize +
    (c.Q ?? 0) * q +
    (c.K ?? 0) * k +
    (c.r ?? 0) * rank
  );
}

/** Activation memory of one training micro-batch of `options.tokens` rows. */
export function activationMemory(
  config: GemmaConfig,
  options: ActivationOptions,
): ActivationMemory {
  const c = COEFFICIENTS[options.profile];
  const rank = options.rank ?? 0;
  const n = options.tokens;
  const attention = floats(c.attention, config, rank);
  const mlp = floats(c.mlp, config, rank);
  const optimizerPeakBytes =
    options.trainableBytes + ADAMW_TEMPORARIES * (options.largestTrainableBytes ?? 0);
  if (!options.checkpoint) {
    const keptBytes =
      4 * n * (config.numLayers * (attention + mlp) + floats(c.model.plain, config, rank));
    const gradientBytes = c.gradients.plain * options.trainableBytes;
    return {
      keptBytes,
      workingBytes: 0,
      gradientBytes,
      optimizerPeakBytes,
      peakBytes: Math.max(keptBytes + gradientBytes, optimizerPeakBytes),
    };
  }
  const chunk = Math.min(n, options.mlpChunkRows ?? 4096);
  // Each layer's input and its attention half's output, plus the last layer's output.
  const keptBytes = 4 * n * (2 * config.numLayers + 1) * config.hiddenSize;
  const workingBytes =
    4 * (Math.max(n * attention, chunk * mlp) + n * floats(c.model.checkpointed, config, rank));
  const gradientBytes = c.gradients.checkpointed * options.trainableBytes;
  return {
    keptBytes,
    workingBytes,
    gradientBytes,
    optimizerPeakBytes,
    peakBytes: Math.max(workingBytes + Math.max(keptBytes, gradientBytes), optimizerPeakBytes),
  };
}

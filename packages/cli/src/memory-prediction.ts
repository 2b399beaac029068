/**
 * A training step's predicted peak memory for a Gemma model under a technique, without
 * building it: weights by stored kind, trainable parameters, AdamW's moments (core's
 * `predictMemory`), what the step keeps for backward, its largest working set and the
 * gradients live at that peak (@gft/gemma's `activationMemory`), and the process around them
 * (Node, tfjs, the tokenizer and the rows: measured by a bench cell, estimated elsewhere).
 * `gft memory` prints it; every `gft bench` cell records it beside what it measured.
 */
import { type Adapter, type ModelInventory, predictMemory, type StepMemory } from '@gft/core';
import {
  type ActivationProfile,
  activationMemory,
  type GemmaConfig,
  type HeadSpec,
  modelInventory,
} from '@gft/gemma';

/**
 * The process around the model when nothing was measured: resident memory minus what the
 * engine's allocator holds, between steps of `gft train` on the default data (Node, tfjs, the
 * native addon, the parsed 256k-token tokenizer, the tokenized rows): about 340 MiB here.
 * A bench cell measures its own.
 */
export const RUNTIME_BYTES_ESTIMATE = 350 * 2 ** 20;

/**
 * The native engine's block cache keeps at most a sixteenth of the bytes in use when it
 * allocates (native/host/host_device.cc, cacheBudget): what it holds peaks that much above the
 * live bytes, and resident memory follows what it holds.
 */
export const ALLOCATOR_CACHE_SHARE = 1 / 16;

/**
 * How `adapter` spends activation memory: dense when it trains a whole linear (full
 * fine-tuning), else low-rank (with dropout's masks when its options ask for dropout).
 */
function activationProfileOf(
  adapter: Adapter,
  inventory: ModelInventory,
  options: Record<string, unknown>,
): { profile: ActivationProfile; rank: number } {
  const site = inventory.linears[0];
  const e = adapter.estimateLinear(site);
  const weights = site.inFeatures * site.outFeatures;
  if (e.trainableParams >= weights) return { profile: 'dense', rank: 0 };
  const rank = Math.round(e.trainableParams / (site.inFeatures + site.outFeatures));
  const dropout = typeof options.dropout === 'number' ? options.dropout : 0;
  return { profile: dropout > 0 ? 'low-rank-dropout' : 'low-rank', rank };
}

/** Elements of the largest tensor `adapter` trains (a site's LoRA pair counts as one). */
function largestTrainable(inventory: ModelInventory, adapter: Adapter): number {
  let largest = 0;
  for (const site of inventory.linears) {
    largest = Math.max(largest, adapter.estimateLinear(site).trainableParams);
  }
  for (const p of inventory.params) {
    if (adapter.trainsParam(p.name, p.role)) largest = Math.max(largest, p.numel);
  }
  return largest;
}

/**
 * The step-memory prediction of `config` under `adapter`: what depends only on the technique
 * (weights, trainables, moments, its activation profile) is worked out once; the returned
 * function adds a micro-batch of `tokens` rows (`gft memory --fit` calls it many times).
 */
export function stepMemoryModel(
  config: GemmaConfig,
  adapter: Adapter,
  adapterOptions: Record<string, unknown> = {},
  head: HeadSpec['kind'] = 'classification',
): (step: { tokens: number; checkpoint: boolean; runtimeBytes?: number }) => StepMemory {
  const inventory = modelInventory(config, { head });
  const weights = predictMemory(inventory, adapter);
  const { profile, rank } = activationProfileOf(adapter, inventory, adapterOptions);
  const largestTrainableBytes = 4 * largestTrainable(inventory, adapter);
  return (step) => {
    const activations = activationMemory(config, {
      profile,
      rank,
      tokens: step.tokens,
      checkpoint: step.checkpoint,
      trainableBytes: weights.trainableBytes,
      largestTrainableBytes,
    });
    const runtimeBytes = step.runtimeBytes ?? RUNTIME_BYTES_ESTIMATE;
    const live = weights.totalBytes + activations.peakBytes;
    const allocatorBytes = live * ALLOCATOR_CACHE_SHARE;
    return {
      ...weights,
      tokens: step.tokens,
      checkpoint: step.checkpoint,
      keptBytes: activations.keptBytes,
      workingBytes: activations.workingBytes,
      gradientBytes: activations.gradientBytes,
      optimizerPeakBytes: activations.optimizerPeakBytes,
      allocatorBytes,
      runtimeBytes,
      peakBytes: live + allocatorBytes + runtimeBytes,
    };
  };
}

/**
 * The largest token budget whose step fits in `limitBytes` (0 when not even the weights fit),
 * searched up to `maxTokens`.
 */
export function largestFittingTokens(
  fits: (tokens: number) => boolean,
  maxTokens = 1 << 20,
): number {
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = maxTokens;
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Memory accounting for techniques: what a model costs under an adapter, predicted from
 * its inventory (linear sites + other parameters) without building it, or measured on a
 * built one. Frozen bytes, trainable bytes (float32) and optimizer state (AdamW: two
 * float32 moments per trainable parameter), and the shape of a training step's predicted
 * peak (`StepMemory`: those plus what the step keeps for backward, its working set, live
 * gradients and the process around the model).
 *
 * Not here: which sites a model has and what its step keeps (the model package predicts
 * them), peak measurement (runner/memory-probe.ts).
 */
import type { Adapter, Linear, LinearSite, ParamRole } from './adapter.js';

/** A non-linear parameter of a model (embedding, norm, head). */
export interface ParamEntry {
  name: string;
  role: ParamRole;
  numel: number;
  /** Bytes per element when frozen (default 4: float32). */
  bytesPerElement?: number;
}

/** Everything a model holds, as sizes. */
export interface ModelInventory {
  linears: readonly LinearSite[];
  params: readonly ParamEntry[];
}

export type OptimizerKind = 'adamw' | 'sgd';

/** Optimizer state bytes per trainable float32 parameter. */
export const OPTIMIZER_BYTES_PER_PARAM: Readonly<Record<OptimizerKind, number>> = {
  adamw: 8,
  sgd: 0,
};

export interface MemoryBreakdown {
  frozenBytes: number;
  trainableParams: number;
  /** trainableParams * 4 */
  trainableBytes: number;
  optimizerBytes: number;
  /** frozen + trainable + optimizer (weights and optimizer state; no activations). */
  totalBytes: number;
}

function finish(
  frozenBytes: number,
  trainableParams: number,
  optimizer: OptimizerKind,
): MemoryBreakdown {
  const trainableBytes = trainableParams * 4;
  const optimizerBytes = trainableParams * OPTIMIZER_BYTES_PER_PARAM[optimizer];
  return {
    frozenBytes,
    trainableParams,
    trainableBytes,
    optimizerBytes,
    totalBytes: frozenBytes + trainableBytes + optimizerBytes,
  };
}

/** Predicts the cost of `inventory` under `adapter` (uses `adapter.estimateLinear`). */
export function predictMemory(
  inventory: ModelInventory,
  adapter: Pick<Adapter, 'estimateLinear' | 'trainsParam'>,
  optimizer: OptimizerKind = 'adamw',
): MemoryBreakdown {
  let frozen = 0;
  let trainable = 0;
  for (const site of inventory.linears) {
    const e = adapter.estimateLinear(site);
    frozen += e.frozenBytes;
    trainable += e.trainableParams;
  }
  for (const p of inventory.params) {
    if (adapter.trainsParam(p.name, p.role)) trainable += p.numel;
    else frozen += p.numel * (p.bytesPerElement ?? 4);
  }
  return finish(frozen, trainable, optimizer);
}

/** Measures a built model: its linears and its non-linear params (trained or not). */
export function measureMemory(
  linears: Iterable<Linear>,
  params: Iterable<{ numel: number; trainable: boolean; bytesPerElement?: number }>,
  optimizer: OptimizerKind = 'adamw',
): MemoryBreakdown {
  let frozen = 0;
  let trainable = 0;
  for (const l of linears) {
    frozen += l.frozenBytes;
    for (const v of Object.values(l.trainable)) trainable += v.size;
  }
  for (const p of params) {
    if (p.trainable) trainable += p.numel;
    else frozen += p.numel * (p.bytesPerElement ?? 4);
  }
  return finish(frozen, trainable, optimizer);
}

/** A training step's predicted peak: the model's bytes plus what one micro-batch adds. */
export interface StepMemory extends MemoryBreakdown {
  /** Token rows of the micro-batch the peak is for (padding included). */
  tokens: number;
  /** Per-layer activation checkpointing. */
  checkpoint: boolean;
  /** Kept from the forward for backward. */
  keptBytes: number;
  /** The largest working set of the backward on top of what is kept. */
  workingBytes: number;
  /** Gradients (and the optimizer's temporaries) live at the backward's peak. */
  gradientBytes: number;
  /** The optimizer step's own peak: every gradient plus its temporaries of the largest tensor. */
  optimizerPeakBytes: number;
  /** What the allocator may hold on top of the live bytes (its cache of freed blocks). */
  allocatorBytes: number;
  /** The process around the model: runtime, tokenizer, rows (measured or estimated). */
  runtimeBytes: number;
  /** Everything at the step's peak: what the process's resident memory should reach. */
  peakBytes: number;
}

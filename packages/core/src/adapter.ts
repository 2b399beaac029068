/**
 * The adapter contract: a fine-tuning technique. The model never builds a dense layer
 * itself; for every linear projection it asks the adapter for a `Linear`, and for every
 * other parameter (embeddings, norms, the score head) whether it trains.
 *
 * Shape legend: N = tokens in the micro-batch, in = inFeatures, out = outFeatures.
 */
import type { PluginBase } from './plugin.js';
import type { tf } from './tf.js';

export const LINEAR_MODULES = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
] as const;
export type LinearModule = (typeof LINEAR_MODULES)[number];

/** Where a linear projection sits in the model. */
export interface LinearSite {
  /** Hugging Face module path without `.weight`, e.g. `model.layers.3.self_attn.q_proj`. */
  name: string;
  layer: number;
  module: LinearModule;
  inFeatures: number;
  outFeatures: number;
}

/** A raw tensor stored beside a weight (e.g. bitsandbytes' `.absmax`), read on demand. */
export interface CompanionTensor {
  dtype: string;
  shape: number[];
  read(): ArrayBufferView;
}

/**
 * A base weight as the checkpoint holds it, read lazily so an adapter can quantise one
 * tensor at a time without the whole model ever being dense in memory.
 */
export interface WeightSource {
  /** Checkpoint key, e.g. `model.layers.3.self_attn.q_proj.weight`. */
  name: string;
  /** [out, in] */
  shape: [number, number];
  /**
   * Dense float32 values, row-major [out, in]; the caller owns the array. Absent when the
   * checkpoint holds the weight only in a quantised layout (see `companions`).
   */
  readF32?(): Float32Array;
  /** Tensors stored under `${name}.${suffix}` (bitsandbytes 4-bit layout), by suffix. */
  companions?: Readonly<Record<string, CompanionTensor>>;
  /**
   * The tensor under `name` exactly as stored, when that is not a dense float weight
   * (bitsandbytes 4-bit: packed U8 [ceil(out*in / 2), 1]); `shape` above stays [out, in].
   */
  stored?: CompanionTensor;
}

/** Per-call options of `Linear.apply`. */
export interface LinearApplyOptions {
  /** True in a training step: enables dropout-like behaviour (default false: eval). */
  training?: boolean;
  /**
   * Training only: seed of this call's random masks. The same seed must give the same masks,
   * so a checkpointed step's recomputation of a layer matches its first forward; the layer
   * mixes in its own identity so sites sharing a seed still differ. Absent: the layer draws
   * a fresh seed per call.
   */
  seed?: number;
}

/** One linear projection as the technique computes it. */
export interface Linear {
  /** x: [N, in] -> [N, out] */
  apply(x: tf.Tensor2D, options?: LinearApplyOptions): tf.Tensor2D;
  /**
   * Trainable variables by key relative to the site, e.g. `weight` (full-ft) or
   * `lora_A.weight` and `lora_B.weight` (LoRA). Empty when nothing here trains.
   */
  readonly trainable: Readonly<Record<string, tf.Variable>>;
  /** Bytes held by frozen state (dense, quantised or otherwise). */
  readonly frozenBytes: number;
  dispose(): void;
}

/** Bytes and parameters one linear site costs under a technique, without building it. */
export interface LinearEstimate {
  frozenBytes: number;
  trainableParams: number;
}

/** Non-linear parameters the model owns; the adapter decides whether each trains. */
export type ParamRole = 'embedding' | 'norm' | 'head';

/** What an adapter is handed to save: its linears, and the non-linear params that train. */
export interface AdapterState {
  /** Site name -> its Linear. */
  linears: ReadonlyMap<string, Linear>;
  /** Checkpoint key -> trainable variable, for non-linear parameters (e.g. `score.weight`). */
  params: ReadonlyMap<string, tf.Variable>;
  /** Base model id or path, written into saved adapter configs. */
  baseModel?: string;
}

export interface Adapter extends PluginBase<'adapter'> {
  /** Builds the technique's computation for one projection from its (lazy) base weight. */
  linear(site: LinearSite, weight: WeightSource): Linear;
  /** Whether a non-linear parameter trains (embeddings, norms, heads). */
  trainsParam(name: string, role: ParamRole): boolean;
  /** Cost of one site, for memory predictions of presets too big to build here. */
  estimateLinear(site: LinearSite): LinearEstimate;
  /** Writes the trained state in the technique's own format (PEFT for LoRA). */
  save?(dir: string, state: AdapterState): Promise<void>;
  /** Loads trained state written by `save` (or by the reference tool) into built linears. */
  load?(dir: string, state: AdapterState): Promise<void>;
  /** Fused kernels the technique calls; resolution checks the backend can run them. */
  readonly requiresKernels?: readonly string[];
}

/**
 * gft's fused kernels: their names and typed inputs/attrs, declared once here (like tfjs's
 * kernel_names.ts). Generic implementations live in `generic/`; a backend adds a faster one
 * by registering for the same name (see `registry.ts`). Not the implementations themselves.
 *
 * Shape legend: N = tokens (rows), D = hidden size, F = MLP width, T = packed tokens,
 * H = query heads, KV = key/value heads, hd = head dim, in/out = linear features.
 */
import type { tf } from '../tf.js';

/** Attention over sequences packed back to back (cu_seqlens), causal, optional window/softcap, GQA. */
export const VARLEN_ATTENTION = 'GftVarlenAttention';
/** Gemma RMSNorm: x * rsqrt(mean(x^2) + eps) * (1 + w). */
export const RMS_NORM = 'GftRmsNorm';
/** Gated tanh-GELU: gelu_tanh(gate) * up. */
export const GELU_GATE = 'GftGeluGate';
/**
 * x · dequant(W)^T for an NF4 (bitsandbytes layout) weight, without materialising a dense
 * copy of W that outlives the call. Core declares it; its generic implementation is
 * registered by the QLoRA plugin (`registerFusedKernel({ backendName: '*' ... })`).
 */
export const NF4_MATMUL = 'GftNf4MatMul';
/**
 * x · W^T for a frozen weight stored as bfloat16 (half the bytes), computed in float32.
 * Core declares it; its generic implementation is registered by the LoRA plugin.
 */
export const BF16_MATMUL = 'GftBf16MatMul';

export const FUSED_KERNEL_NAMES = [
  VARLEN_ATTENTION,
  RMS_NORM,
  GELU_GATE,
  NF4_MATMUL,
  BF16_MATMUL,
] as const;
export type FusedKernelName = (typeof FUSED_KERNEL_NAMES)[number];

export interface VarlenAttentionInputs {
  /** [T, H*hd], RoPE already applied; head-major inside a row (head h at h*hd). */
  q: tf.Tensor2D;
  /** [T, KV*hd], RoPE already applied. */
  k: tf.Tensor2D;
  /** [T, KV*hd] */
  v: tf.Tensor2D;
}
export interface VarlenAttentionAttrs {
  /** [B + 1] prefix sums of the sequence lengths along T; starts at 0, ends at T. */
  cuSeqlens: ArrayLike<number>;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  /** Multiplies QK^T before softcapping (Gemma-2: query_pre_attn_scalar^-0.5). */
  scale: number;
  /** scores -> cap * tanh(scores / cap) before masking; 0 or absent: none. */
  softcap?: number;
  /** Key j is visible to query i iff 0 <= i - j < window; 0 or absent: causal only. */
  window?: number;
}

export interface RmsNormInputs {
  /** [N, D] */
  x: tf.Tensor2D;
  /** [D], applied as (1 + w). */
  weight: tf.Tensor1D;
}
export interface RmsNormAttrs {
  eps: number;
}

export interface GeluGateInputs {
  /** [N, F] */
  gate: tf.Tensor2D;
  /** [N, F] */
  up: tf.Tensor2D;
}
export type GeluGateAttrs = Record<string, never>;

export interface Nf4MatMulInputs {
  /** [N, in] float32 */
  x: tf.Tensor2D;
  /** [ceil(out*in / 2)] int32 holding the packed bytes (two 4-bit codes each, high nibble first). */
  packed: tf.Tensor1D;
  /** [ceil(out*in / blockSize)] float32 per-block scales (double quantisation already undone). */
  absmax: tf.Tensor1D;
}
export interface Nf4MatMulAttrs {
  inFeatures: number;
  outFeatures: number;
  /** bitsandbytes block size (64). */
  blockSize: number;
}

export interface Bf16MatMulInputs {
  /** [N, in] float32 */
  x: tf.Tensor2D;
  /**
   * [ceil(out*in / 2)] int32, two bf16 values of W [out, in] (row-major) each: element 2k in
   * the low 16 bits (a safetensors BF16 tensor's bytes read as little-endian int32).
   */
  packed: tf.Tensor1D;
}
export interface Bf16MatMulAttrs {
  inFeatures: number;
  outFeatures: number;
}

/** Inputs of each fused kernel, by name. */
export interface FusedKernelInputs {
  [VARLEN_ATTENTION]: VarlenAttentionInputs;
  [RMS_NORM]: RmsNormInputs;
  [GELU_GATE]: GeluGateInputs;
  [NF4_MATMUL]: Nf4MatMulInputs;
  [BF16_MATMUL]: Bf16MatMulInputs;
}
/** Attributes (non-tensor arguments) of each fused kernel, by name. */
export interface FusedKernelAttrs {
  [VARLEN_ATTENTION]: VarlenAttentionAttrs;
  [RMS_NORM]: RmsNormAttrs;
  [GELU_GATE]: GeluGateAttrs;
  [NF4_MATMUL]: Nf4MatMulAttrs;
  [BF16_MATMUL]: Bf16MatMulAttrs;
}

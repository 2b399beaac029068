/**
 * Typed entry points for gft's fused kernels: what models and techniques call. Each one
 * dispatches through the registry, so a backend's faster implementation is picked up
 * without the caller knowing. Shapes as in kernel-names.ts.
 */
import type { tf } from '../tf.js';
import {
  BF16_MATMUL,
  type Bf16MatMulAttrs,
  type Bf16MatMulInputs,
  GELU_GATE,
  type GeluGateInputs,
  NF4_MATMUL,
  type Nf4MatMulAttrs,
  type Nf4MatMulInputs,
  RMS_NORM,
  type RmsNormAttrs,
  type RmsNormInputs,
  VARLEN_ATTENTION,
  type VarlenAttentionAttrs,
  type VarlenAttentionInputs,
} from './kernel-names.js';
import { runFusedKernel } from './registry.js';

/** [T, H*hd] attention output, per sequence of `attrs.cuSeqlens`. */
export function varlenAttention(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
): tf.Tensor2D {
  return runFusedKernel(VARLEN_ATTENTION, inputs, attrs) as tf.Tensor2D;
}

/** [N, D] Gemma RMSNorm. */
export function rmsNorm(inputs: RmsNormInputs, attrs: RmsNormAttrs): tf.Tensor2D {
  return runFusedKernel(RMS_NORM, inputs, attrs) as tf.Tensor2D;
}

/** [N, F] gelu_tanh(gate) * up. */
export function geluGate(inputs: GeluGateInputs): tf.Tensor2D {
  return runFusedKernel(GELU_GATE, inputs, {}) as tf.Tensor2D;
}

/** [N, out] x · W^T for a bf16-stored W; needs a registered implementation (the LoRA plugin's). */
export function bf16MatMul(inputs: Bf16MatMulInputs, attrs: Bf16MatMulAttrs): tf.Tensor2D {
  return runFusedKernel(BF16_MATMUL, inputs, attrs) as tf.Tensor2D;
}

/** [N, out] x · dequant(W)^T; needs a registered implementation (the QLoRA plugin's). */
export function nf4MatMul(inputs: Nf4MatMulInputs, attrs: Nf4MatMulAttrs): tf.Tensor2D {
  return runFusedKernel(NF4_MATMUL, inputs, attrs) as tf.Tensor2D;
}

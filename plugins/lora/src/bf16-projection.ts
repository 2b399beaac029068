/**
 * A frozen base stored as bfloat16 and computed in float32: how Hugging Face users load
 * gemma2-9b for LoRA (`torch_dtype=torch.bfloat16`), at half the bytes of a float32 base.
 * Weights are rounded to bf16 as they load, one tensor at a time (a BF16 checkpoint's
 * values come through unchanged: widening then rounding is exact). Its forward is core's
 * BF16_MATMUL fused kernel, so a backend's faster implementation is used when registered.
 *
 * Not here: LoRA on top (lora-linear.ts), the kernel (bf16-matmul.ts).
 */
import { bf16MatMul, type LinearSite, tf, type WeightSource } from '@gft/core';
import { registerBf16MatMulGeneric } from './bf16-matmul.js';
import { packBf16, widenBf16 } from './bf16-words.js';
import { type FrozenProjection, readDense } from './frozen-projection.js';

/** Bytes of a site's bf16 storage. */
export function bf16SiteBytes(site: LinearSite): number {
  return Math.ceil((site.inFeatures * site.outFeatures) / 2) * 4;
}

export function bf16Projection(site: LinearSite, weight: WeightSource): FrozenProjection {
  registerBf16MatMulGeneric();
  const n = site.outFeatures * site.inFeatures;
  const packed = tf.keep(tf.tensor1d(packBf16(readDense(site, weight)), 'int32'));
  const attrs = { inFeatures: site.inFeatures, outFeatures: site.outFeatures };
  return {
    shape: [site.outFeatures, site.inFeatures],
    bytes: bf16SiteBytes(site),
    apply: (x) => tf.tidy(() => bf16MatMul({ x, packed }, attrs)),
    dense: () => widenBf16(packed.dataSync() as Int32Array, n),
    dispose: () => packed.dispose(),
  };
}

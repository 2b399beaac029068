/**
 * The QLoRA frozen base: a projection whose weight is NF4 with double quantisation,
 * quantised on load from a dense (F32/BF16/F16) weight one tensor at a time, or taken
 * as stored from a bitsandbytes 4-bit checkpoint. Its forward is core's NF4_MATMUL
 * fused kernel, so a backend's faster implementation is used when registered.
 *
 * Not here: LoRA on top (from @gft/plugin-lora), the kernel (nf4-matmul.ts).
 */
import { type LinearSite, nf4MatMul, tf, type WeightSource } from '@gft/core';
import { type FrozenProjection, readDense } from '@gft/plugin-lora';
import { isBnb4bit, nf4FromBnb } from './bnb-layout.js';
import { registerNf4MatMulGeneric } from './nf4-matmul.js';
import { dequantizedAbsmax, nf4ToTensors } from './nf4-tensors.js';
import { dequantizeNf4Weight, type Nf4Weight, quantizeNf4Weight } from './nf4-weight.js';

/** Bytes of a site's NF4 + double-quant storage (bitsandbytes layout), without building it. */
export function nf4SiteBytes(site: LinearSite): number {
  const n = site.inFeatures * site.outFeatures;
  const nb = Math.ceil(n / 64);
  return Math.ceil(n / 2) + nb + 4 * Math.ceil(nb / 256) + 4;
}

/** The NF4 weight of a site: read as stored, or quantised from the dense checkpoint weight. */
export function nf4WeightOf(site: LinearSite, weight: WeightSource): Nf4Weight {
  if (isBnb4bit(weight)) return nf4FromBnb(weight);
  return quantizeNf4Weight(readDense(site, weight), [site.outFeatures, site.inFeatures]);
}

export function nf4Projection(site: LinearSite, weight: WeightSource): FrozenProjection {
  registerNf4MatMulGeneric();
  // The JavaScript copy of the codes is garbage once uploaded: nothing below may keep it.
  const t = nf4ToTensors(nf4WeightOf(site, weight));
  const attrs = {
    inFeatures: site.inFeatures,
    outFeatures: site.outFeatures,
    blockSize: t.blockSize,
  };
  return {
    shape: [site.outFeatures, site.inFeatures],
    bytes: t.bytes,
    apply: (x) =>
      tf.tidy(() => nf4MatMul({ x, packed: t.packedWords, absmax: dequantizedAbsmax(t) }, attrs)),
    dense: () => dequantizeNf4Weight(t.toWeight()),
    dispose: () => t.dispose(),
  };
}

/**
 * The frozen base of an adapted linear layer: what computes x · W^T without training W.
 * LoRA holds W dense; QLoRA supplies an NF4 one through the same interface, so the LoRA
 * layer and its variants never know how the base is stored.
 *
 * Shape legend: N = tokens, in/out = features.
 * Not here: the trainable update (lora-linear.ts).
 */
import { GftError, type LinearSite, tf, type WeightSource } from '@gft/core';

export interface FrozenProjection {
  /** [out, in] */
  readonly shape: [number, number];
  /** x [N, in] -> x · W^T [N, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D;
  /** Bytes this base holds. */
  readonly bytes: number;
  /** Dense W row-major [out, in] (dequantised if need be): for merging and export only. */
  dense(): Float32Array;
  dispose(): void;
}

/** Builds a site's frozen base from its (lazy) checkpoint weight. */
export type FrozenBaseFactory = (site: LinearSite, weight: WeightSource) => FrozenProjection;

/** Reads a dense float32 weight or explains why it cannot. */
export function readDense(site: LinearSite, weight: WeightSource): Float32Array {
  if (!weight.readF32) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${weight.name}: no dense weight to read (stored quantised: ${Object.keys(weight.companions ?? {}).join(', ') || 'unknown layout'}); use an adapter that reads this layout, e.g. qlora`,
      { where: weight.name },
    );
  }
  const values = weight.readF32();
  if (values.length !== site.outFeatures * site.inFeatures) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${weight.name}: ${values.length} values, expected ${site.outFeatures} x ${site.inFeatures}`,
      { where: weight.name },
    );
  }
  return values;
}

/** A dense float32 frozen weight held as one tfjs tensor. */
export function denseProjection(site: LinearSite, weight: WeightSource): FrozenProjection {
  const w = tf.keep(tf.tensor2d(readDense(site, weight), [site.outFeatures, site.inFeatures]));
  return {
    shape: [site.outFeatures, site.inFeatures],
    apply: (x) => tf.matMul(x, w, false, true),
    bytes: site.outFeatures * site.inFeatures * 4,
    dense: () => Float32Array.from(w.dataSync()),
    dispose: () => w.dispose(),
  };
}

/**
 * One LoRA-adapted projection as a core `Linear`: a frozen base, trainable A [r, in]
 * (PEFT's kaiming-uniform init, seeded per site) and B [out, r] (zeros), combined by a
 * variant strategy. Also the plain frozen linear used for sites LoRA does not target.
 *
 * Shape legend: N = tokens, in/out = features, r = rank.
 * Not here: choosing sites (lora.ts), files (peft-io.ts).
 */
import { hashString, type Linear, type LinearApplyOptions, type LinearSite, tf } from '@gft/core';
import type { FrozenProjection } from './frozen-projection.js';
import type { LoraLayerContext, LoraVariant } from './lora-variant.js';
import type { LoraConfig } from './options.js';
import { kaimingUniformA } from './seeded-random.js';

/** A Linear that also exposes its LoRA parts (for saving, loading and merging). */
export interface LoraLinear extends Linear {
  readonly site: LinearSite;
  readonly context: LoraLayerContext;
  readonly variant: LoraVariant;
  /** Dense W + update as [out, in] row-major (variant-defined). */
  merged(): Float32Array;
}

/** Whether a Linear is a LoRA layer (duck-typed: works across duplicate installs). */
export function isLoraLinear(linear: Linear): linear is LoraLinear {
  return 'context' in linear && 'variant' in linear && 'merged' in linear;
}

export function loraLinear(
  site: LinearSite,
  base: FrozenProjection,
  config: LoraConfig,
  variant: LoraVariant,
): LoraLinear {
  const { r } = config;
  const a = kaimingUniformA(r, site.inFeatures, config.seed, site.name);
  const loraA = tf.tidy(() => tf.variable(tf.tensor2d(a, [r, site.inFeatures]), true));
  const loraB = tf.tidy(() => tf.variable(tf.zeros([site.outFeatures, r]), true));
  let calls = 0;
  const seedBase = hashString(site.name) ^ config.seed;
  const dropout = (x: tf.Tensor2D, options?: LinearApplyOptions): tf.Tensor2D => {
    if (!options?.training || config.dropout === 0) return x;
    // A caller's seed gives the same mask again (checkpointed recomputation); the site's
    // hash keeps projections that share one seed (q, k, v of a layer) apart.
    const seed =
      options.seed === undefined
        ? (seedBase + ++calls) | 0
        : hashString(`${site.name}#${config.seed}#${options.seed}`) | 0;
    return tf.dropout(x, config.dropout, undefined, seed) as tf.Tensor2D;
  };
  const partial = { site, base, loraA, loraB, scale: config.scale, dropout };
  const extra = variant.init?.(partial) ?? {};
  const context: LoraLayerContext = { ...partial, extra };
  const trainable: Record<string, tf.Variable> = {
    'lora_A.weight': loraA,
    'lora_B.weight': loraB,
    ...extra,
  };
  return {
    site,
    context,
    variant,
    trainable,
    frozenBytes: base.bytes,
    apply: (x, options) => variant.forward(context, x, options),
    merged: () => variant.merge(context),
    dispose() {
      base.dispose();
      for (const v of Object.values(trainable)) v.dispose();
    },
  };
}

/** A site LoRA leaves alone: the frozen base only. */
export function frozenLinear(base: FrozenProjection): Linear {
  return {
    trainable: {},
    frozenBytes: base.bytes,
    apply: (x) => base.apply(x),
    dispose: () => base.dispose(),
  };
}

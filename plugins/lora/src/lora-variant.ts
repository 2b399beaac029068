/**
 * LoRA variants as strategy objects (PEFT's LoraVariant idea): the layer owns A, B, the
 * scale and the frozen base; a variant decides how they combine in forward, which extra
 * trainable tensors exist, how merging works and which config fields it writes. Plain
 * LoRA is one such strategy, so the forward path never branches on flags.
 *
 * Shape legend: N = tokens, in/out = features, r = rank.
 * Not here: building layers (lora-linear.ts), file formats (peft-io.ts).
 */
import { type LinearApplyOptions, type LinearSite, tf } from '@gft/core';
import type { FrozenProjection } from './frozen-projection.js';

/** What a variant sees of one adapted layer. */
export interface LoraLayerContext {
  readonly site: LinearSite;
  readonly base: FrozenProjection;
  /** [r, in] */
  readonly loraA: tf.Variable;
  /** [out, r] */
  readonly loraB: tf.Variable;
  readonly scale: number;
  /** x [N, in] -> dropout(x) in training steps, x otherwise. */
  dropout(x: tf.Tensor2D, options?: LinearApplyOptions): tf.Tensor2D;
  /** The variant's own trainable tensors, as `init` made them. */
  readonly extra: Readonly<Record<string, tf.Variable>>;
}

export interface LoraVariant {
  readonly name: string;
  /** Extra trainable tensors, keyed relative to the site (e.g. `lora_magnitude_vector`). */
  init?(ctx: Omit<LoraLayerContext, 'extra'>): Record<string, tf.Variable>;
  /** x [N, in] -> y [N, out] */
  forward(ctx: LoraLayerContext, x: tf.Tensor2D, options?: LinearApplyOptions): tf.Tensor2D;
  /** Merged dense weight [out, in] row-major, for export. */
  merge(ctx: LoraLayerContext): Float32Array;
  /** Fields this variant sets in PEFT's adapter_config.json (e.g. `use_dora: true`). */
  readonly peftConfig?: Readonly<Record<string, unknown>>;
}

/** B·A as row-major [out, in], float32 accumulation order fixed by loops. */
export function deltaWeight(
  ctx: Pick<LoraLayerContext, 'loraA' | 'loraB' | 'scale'>,
): Float32Array {
  const [r, inF] = ctx.loraA.shape;
  const out = ctx.loraB.shape[0];
  const a = ctx.loraA.dataSync();
  const b = ctx.loraB.dataSync();
  const d = new Float32Array(out * inF);
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < r; k++) {
      const bk = b[o * r + k] * ctx.scale;
      if (bk === 0) continue;
      for (let i = 0; i < inF; i++) d[o * inF + i] += bk * a[k * inF + i];
    }
  }
  return d;
}

/** Plain LoRA: y = W x + scale · B (A dropout(x)). */
export const standardLora: LoraVariant = {
  name: 'lora',
  forward(ctx, x, options) {
    return tf.tidy(() => {
      const h = tf.matMul(ctx.dropout(x, options), ctx.loraA, false, true);
      const update = tf.matMul(h, ctx.loraB, false, true);
      return tf.add(ctx.base.apply(x), tf.mul(update, ctx.scale)) as tf.Tensor2D;
    });
  },
  merge(ctx) {
    const w = ctx.base.dense();
    const d = deltaWeight(ctx);
    for (let i = 0; i < w.length; i++) w[i] += d[i];
    return w;
  },
};

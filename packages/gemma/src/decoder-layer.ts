/**
 * One Gemma / Gemma-2 decoder layer on flattened token rows: attention (GQA, RoPE, varlen
 * fused kernel with the layer's window and softcap) and the gated GELU MLP, with the
 * family's norm placement. Not the embedding or the heads (model.ts, heads.ts).
 *
 * Shape legend: N = token rows, D = hidden, H = heads, KV = kv heads, hd = head dim.
 */
import {
  geluGate,
  type Linear,
  type LinearApplyOptions,
  type LinearModule,
  rmsNorm,
  tf,
  varlenAttention,
} from '@gft/core';
import type { BatchContext } from './batch-context.js';
import { attentionScale, type GemmaConfig, layerAttention } from './config.js';
import { applyRope } from './rope.js';

export interface LayerWeights {
  /** By HF norm name (`input_layernorm`, ...): [D] each. */
  norms: Record<string, tf.Tensor1D>;
  linears: Record<LinearModule, Linear>;
}

function norm(config: GemmaConfig, x: tf.Tensor2D, w: tf.Tensor1D): tf.Tensor2D {
  return rmsNorm({ x, weight: w }, { eps: config.rmsNormEps });
}

/** n: [N, D] normed input -> [N, D] attention output after o_proj. */
function attention(
  config: GemmaConfig,
  layer: number,
  w: LayerWeights,
  n: tf.Tensor2D,
  ctx: BatchContext,
  apply: LinearApplyOptions,
): tf.Tensor2D {
  const hd = config.headDim;
  const q = applyRope(w.linears.q_proj.apply(n, apply), ctx.cos, ctx.sin, ctx.rot);
  const k = applyRope(w.linears.k_proj.apply(n, apply), ctx.cos, ctx.sin, ctx.rot);
  const v = w.linears.v_proj.apply(n, apply);
  const sliding = layerAttention(config, layer) === 'sliding_attention';
  const out = varlenAttention(
    { q, k, v },
    {
      cuSeqlens: ctx.cuSeqlens,
      numHeads: config.numHeads,
      numKvHeads: config.numKvHeads,
      headDim: hd,
      scale: attentionScale(config),
      softcap: config.family === 'gemma2' ? (config.attnSoftcap ?? 0) : 0,
      window: sliding ? (config.slidingWindow ?? 0) : 0,
    },
  );
  return w.linears.o_proj.apply(out, apply);
}

/** n: [N, D] -> [N, D] */
function mlp(w: LayerWeights, n: tf.Tensor2D, apply: LinearApplyOptions): tf.Tensor2D {
  const gated = geluGate({
    gate: w.linears.gate_proj.apply(n, apply),
    up: w.linears.up_proj.apply(n, apply),
  });
  return w.linears.down_proj.apply(gated, apply);
}

/** Norms the attention half reads (the MLP half reads the others of `layerNormNames`). */
export function attentionNormNames(config: GemmaConfig): string[] {
  return config.family === 'gemma2'
    ? ['input_layernorm', 'post_attention_layernorm']
    : ['input_layernorm'];
}

/**
 * First half of a layer, x -> h = x + attention (post-normed on Gemma-2): [N, D] -> [N, D].
 * Mixes tokens within each sequence. `apply` goes to every projection (training, masks' seed).
 */
export function attentionHalf(
  config: GemmaConfig,
  layer: number,
  w: LayerWeights,
  x: tf.Tensor2D,
  ctx: BatchContext,
  apply: LinearApplyOptions = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const nm = w.norms;
    const a = attention(config, layer, w, norm(config, x, nm.input_layernorm), ctx, apply);
    const post = config.family === 'gemma2' ? norm(config, a, nm.post_attention_layernorm) : a;
    return tf.add(x, post) as tf.Tensor2D;
  });
}

/**
 * Second half, h -> h + MLP (pre- and, on Gemma-2, post-normed): [N, D] -> [N, D]. Row-wise,
 * so it can run on any subset of token rows (the checkpointed step backprops it in chunks).
 */
export function mlpHalf(
  config: GemmaConfig,
  w: LayerWeights,
  h: tf.Tensor2D,
  apply: LinearApplyOptions = {},
): tf.Tensor2D {
  return tf.tidy(() => {
    const nm = w.norms;
    if (config.family === 'gemma2') {
      const m = mlp(w, norm(config, h, nm.pre_feedforward_layernorm), apply);
      return tf.add(h, norm(config, m, nm.post_feedforward_layernorm)) as tf.Tensor2D;
    }
    return tf.add(h, mlp(w, norm(config, h, nm.post_attention_layernorm), apply)) as tf.Tensor2D;
  });
}

/** x: [N, D] -> [N, D]; each half's projections get their own `apply` (eval when absent). */
export function decoderLayer(
  config: GemmaConfig,
  layer: number,
  w: LayerWeights,
  x: tf.Tensor2D,
  ctx: BatchContext,
  apply: { attention?: LinearApplyOptions; mlp?: LinearApplyOptions } = {},
): tf.Tensor2D {
  return tf.tidy(() =>
    mlpHalf(config, w, attentionHalf(config, layer, w, x, ctx, apply.attention), apply.mlp),
  );
}

/**
 * One forward + backward of a micro-batch: the loss and the gradient of every trainable
 * variable. Two strategies:
 * - plain: one `tf.variableGrads` over the whole forward (fused kernels keep only their inputs);
 * - checkpointed: keep only each layer's input, then walk backward layer by layer, each with
 *   its own top-level `tf.grads` that recomputes the layer (nesting `tf.grads` inside a
 *   customGrad breaks the engine's tape, so the driver lives here, not in a kernel).
 * Both give the same gradients. Not the optimizer step.
 */
import { type MicroBatch, tf } from '@gft/core';
import type { BatchContext } from './batch-context.js';
import type { GemmaModel } from './model.js';

export interface TrainStepOptions {
  /** Per-layer activation checkpointing (default false). */
  checkpoint?: boolean;
  /** Multiplies the loss before differentiation (e.g. rows / batchRows); default 1. */
  lossScale?: number;
}

export interface TrainStepResult {
  /** Unscaled loss. */
  loss: number;
  /** [B, 3] head logits, row-major. */
  logits: Float32Array;
  /** Gradient per trainable variable key (see `GemmaModel.trainableVariables`); caller disposes. */
  grads: Map<string, tf.Tensor>;
}

function accumulate(into: Map<string, tf.Tensor>, key: string, g: tf.Tensor): void {
  const prev = into.get(key);
  if (!prev) {
    into.set(key, g);
    return;
  }
  into.set(key, tf.add(prev, g));
  prev.dispose();
  g.dispose();
}

function plainStep(model: GemmaModel, ctx: BatchContext, scale: number): TrainStepResult {
  const vars = model.trainableVariables();
  const keyOf = new Map([...vars].map(([k, v]) => [v.name, k]));
  let loss = 0;
  let logits = new Float32Array();
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forwardContext(ctx);
    loss = out.loss.dataSync()[0];
    logits = Float32Array.from(out.logits.dataSync());
    return tf.mul(out.loss, scale) as tf.Scalar;
  }, [...vars.values()]);
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of Object.entries(grads)) out.set(keyOf.get(name)!, g);
  return { loss, logits, grads: out };
}

function checkpointedStep(model: GemmaModel, ctx: BatchContext, scale: number): TrainStepResult {
  const layers = model.config.numLayers;
  const grads = new Map<string, tf.Tensor>();
  const inputs: tf.Tensor2D[] = [tf.tidy(() => model.embed(ctx))];
  for (let i = 0; i < layers; i++) inputs.push(tf.tidy(() => model.layer(i, inputs[i], ctx)));

  const outer = model.outerVariables();
  // The head's parameters: final norm, score or (verdict head) the tied embedding.
  const headVars = [...outer].filter(
    ([k]) => k !== 'model.embed_tokens.weight' || model.head.kind === 'verdict',
  );
  let loss = 0;
  let logits = new Float32Array();
  const head = tf.valueAndGrads((x: tf.Tensor) => {
    const out = model.headLoss(x as tf.Tensor2D, ctx);
    loss = out.loss.dataSync()[0];
    logits = Float32Array.from(out.logits.dataSync());
    return tf.mul(out.loss, scale) as tf.Scalar;
  });
  const headOut = head([inputs[layers], ...headVars.map(([, v]) => v)]);
  headOut.value.dispose();
  let dx = headOut.grads[0] as tf.Tensor2D;
  for (const [j, [k]] of headVars.entries()) accumulate(grads, k, headOut.grads[j + 1]);
  inputs.pop()?.dispose();

  for (let i = layers - 1; i >= 0; i--) {
    const lv = [...model.layerVariables(i)];
    const x = inputs.pop()!;
    const g = tf.grads((xi: tf.Tensor) => model.layer(i, xi as tf.Tensor2D, ctx))(
      [x, ...lv.map(([, v]) => v)],
      dx,
    );
    dx.dispose();
    x.dispose();
    dx = g[0] as tf.Tensor2D;
    for (const [j, [k]] of lv.entries()) accumulate(grads, k, g[j + 1]);
  }
  const embedVar = outer.get('model.embed_tokens.weight');
  if (embedVar) {
    const [ge] = tf.grads(() => model.embed(ctx))([embedVar], dx);
    accumulate(grads, 'model.embed_tokens.weight', ge);
  }
  dx.dispose();
  return { loss, logits, grads };
}

/** Forward + backward of one micro-batch. */
export function trainStep(
  model: GemmaModel,
  mb: MicroBatch,
  options: TrainStepOptions = {},
): TrainStepResult {
  const ctx = model.context(mb);
  try {
    const scale = options.lossScale ?? 1;
    return options.checkpoint ? checkpointedStep(model, ctx, scale) : plainStep(model, ctx, scale);
  } finally {
    ctx.dispose();
  }
}

/**
 * The thin adapter from @gft/gemma's model to the runner's `TrainableModel`: forward and
 * backward through gemma's training step (training mode: the adapter's dropout applies;
 * optionally with per-layer activation checkpointing), probabilities through its evaluation
 * forward. Sync and async (`await data()`, e.g. webgpu in Node) forms; the runner prefers the
 * async ones. Its resumable state is the model's count of training forwards (dropout seeds).
 */
import { type MicroBatch, type TrainableModel, tf } from '@gft/core';
import type { GemmaModel } from './model.js';
import { trainStep, trainStepAsync } from './train-step.js';

export function gemmaTrainableModel(
  model: GemmaModel,
  options: { checkpoint?: boolean } = {},
): TrainableModel {
  const vars = model.trainableVariables();
  const probs = (mb: MicroBatch) =>
    tf.tidy(() => {
      const out = model.forward(mb);
      return tf.softmax(out.logits);
    });
  return {
    trainableVariables: () => vars,
    frozenBytes: () => model.memory().frozenBytes,
    lossAndGrads(mb, scale) {
      const r = trainStep(model, mb, { checkpoint: options.checkpoint, lossScale: scale });
      return { loss: r.loss, grads: r.grads };
    },
    async lossAndGradsAsync(mb, scale) {
      const r = await trainStepAsync(model, mb, {
        checkpoint: options.checkpoint,
        lossScale: scale,
      });
      return { loss: r.loss, grads: r.grads };
    },
    predict(mb) {
      const p = probs(mb);
      try {
        return Float32Array.from(p.dataSync());
      } finally {
        p.dispose();
      }
    },
    async predictAsync(mb) {
      const p = probs(mb);
      try {
        return Float32Array.from(await p.data());
      } finally {
        p.dispose();
      }
    },
    getState: () => ({ trainingForwards: model.trainingForwards }),
    setState(state) {
      const n = state.trainingForwards;
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) model.trainingForwards = n;
    },
    dispose: () => model.dispose(),
  };
}

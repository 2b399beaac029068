/**
 * The thin adapter from @gft/gemma's model to the runner's `TrainableModel`: forward and
 * backward through gemma's `trainStep` (optionally with per-layer activation
 * checkpointing), probabilities through its forward.
 */
import { type TrainableModel, tf } from '@gft/core';
import { type GemmaModel, trainStep } from '@gft/gemma';

export function gemmaTrainableModel(
  model: GemmaModel,
  options: { checkpoint?: boolean } = {},
): TrainableModel {
  const vars = model.trainableVariables();
  return {
    trainableVariables: () => vars,
    frozenBytes: () => model.memory().frozenBytes,
    lossAndGrads(mb, scale) {
      const r = trainStep(model, mb, { checkpoint: options.checkpoint, lossScale: scale });
      return { loss: r.loss, grads: r.grads };
    },
    predict(mb) {
      const p = tf.tidy(() => tf.softmax(model.forward(mb).logits));
      const out = Float32Array.from(p.dataSync());
      p.dispose();
      return out;
    },
    dispose: () => model.dispose(),
  };
}

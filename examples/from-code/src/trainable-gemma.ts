/**
 * What the runner trains: a Gemma model seen through core's `TrainableModel` (trainable
 * variables, loss and gradients of one micro-batch, class probabilities). Synchronous
 * readback, so wasm and cpu backends; `@gft/cli`'s own adapter adds the async forms webgpu in
 * Node needs, activation checkpointing and dropout state for resumes.
 */
import { type TrainableModel, tf } from '@gft/core';
import { gemma } from '@gft/plugin-qlora';

export function trainableGemma(model: gemma.GemmaModel): TrainableModel {
  const vars = model.trainableVariables();
  return {
    trainableVariables: () => vars,
    frozenBytes: () => model.memory().frozenBytes,
    lossAndGrads(mb, scale) {
      const { loss, grads } = gemma.trainStep(model, mb, { lossScale: scale });
      return { loss, grads };
    },
    predict(mb) {
      const probs = tf.tidy(() => tf.softmax(model.forward(mb).logits));
      try {
        return Float32Array.from(probs.dataSync());
      } finally {
        probs.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Gemma's RMSNorm, x * rsqrt(mean(x^2) + eps) * (1 + w), on a native device: the
 * `rmsNormForward` / `rmsNormBackward` kernels (host: native/host/norm.cc), one pass each.
 * The gradient keeps only x and w and recomputes the row normaliser.
 *
 * Shape legend: N = rows (every dim but the last), D = features.
 */
import { GftError, type RmsNormAttrs, type RmsNormInputs, type tf } from '@gft/core';
import { callNative, currentNativeBackend, customGrad, expectTensor } from './native-call.js';

const WHERE = 'native fused kernel GftRmsNorm';

export function rmsNormNative(inputs: RmsNormInputs, attrs: RmsNormAttrs): tf.Tensor2D {
  const backend = currentNativeBackend(WHERE);
  const { x, weight } = inputs;
  const d = x.shape[x.shape.length - 1];
  if (x.rank < 1) {
    throw new GftError('BAD_INPUT', `${WHERE}: x is a scalar; expected [N, D]`, { where: 'x' });
  }
  expectTensor(WHERE, 'x', x, x.shape);
  expectTensor(WHERE, 'weight', weight, [d]);
  const params = [x.size / Math.max(1, d), d, attrs.eps];
  const f = customGrad<tf.Tensor2D>((xs: tf.Tensor2D, w: tf.Tensor1D, save: tf.GradSaveFunc) => {
    save([xs, w]);
    return {
      value: callNative(backend, 'rmsNormForward', [xs, w], [xs.shape], params)[0] as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
        callNative(backend, 'rmsNormBackward', [saved[0], saved[1], dy], [xs.shape, [d]], params),
    };
  });
  return f(x, weight);
}

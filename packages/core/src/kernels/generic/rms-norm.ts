/**
 * Generic RMSNorm (Gemma's `(1 + w)` form) made of tfjs ops, with a gradient that keeps only
 * the inputs and recomputes the normaliser in backward. Not a backend-specific kernel.
 *
 * Shape legend: N = rows, D = features.
 */
import { tf } from '../../tf.js';
import type { RmsNormAttrs, RmsNormInputs } from '../kernel-names.js';
import { savedInputsGrad } from './saved-inputs-grad.js';

/** rsqrt(mean(x^2, -1) + eps): [N, 1] */
function invRms(x: tf.Tensor2D, eps: number): tf.Tensor {
  return tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps));
}

export function rmsNormGeneric(inputs: RmsNormInputs, attrs: RmsNormAttrs): tf.Tensor2D {
  return savedInputsGrad<tf.Tensor2D>(
    [inputs.x, inputs.weight],
    ([x, w]) => tf.tidy(() => tf.mul(tf.mul(x, invRms(x as tf.Tensor2D, attrs.eps)), tf.add(w, 1))),
    (dy, [x, w]) => {
      const r = invRms(x as tf.Tensor2D, attrs.eps);
      const xr = tf.mul(x, r);
      const dw = tf.sum(tf.mul(dy, xr), 0);
      const g = tf.mul(dy, tf.add(w, 1));
      // d/dx of x*r(x) applied to g: r*g - x * r^3 * mean(g*x)
      const dx = tf.sub(
        tf.mul(g, r),
        tf.mul(xr, tf.mul(tf.square(r), tf.mean(tf.mul(g, x), -1, true))),
      );
      return [dx, dw];
    },
  );
}

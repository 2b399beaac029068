/**
 * Generic gated tanh-GELU, gelu_tanh(gate) * up, made of tfjs ops with a gradient that
 * keeps only its inputs. Uses 0.5 * (1 + tanh(u)) = sigmoid(2u), an identity (no
 * approximation), because sigmoid is far cheaper than tanh on wasm.
 *
 * Shape legend: N = rows, F = MLP width.
 */
import { tf } from '../../tf.js';
import type { GeluGateAttrs, GeluGateInputs } from '../kernel-names.js';
import { savedInputsGrad } from './saved-inputs-grad.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const CUBIC = 0.044715;

/** sigmoid(2u) with u = sqrt(2/pi) * (x + 0.044715 x^3), i.e. 0.5 * (1 + tanh(u)). */
function halfOnePlusTanh(x: tf.Tensor): tf.Tensor {
  // x * (1 + c x^2) rather than x + c * pow(x, 3): Pow is ~10x slower than Mul on wasm.
  const u = tf.mul(x, tf.add(tf.mul(tf.square(x), CUBIC), 1));
  return tf.sigmoid(tf.mul(u, 2 * SQRT_2_OVER_PI));
}

/** gelu_tanh(x) = x * sigmoid(2u) */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, halfOnePlusTanh(x)));
}

export function geluGateGeneric(inputs: GeluGateInputs, _attrs?: GeluGateAttrs): tf.Tensor2D {
  return savedInputsGrad<tf.Tensor2D>(
    [inputs.gate, inputs.up],
    ([g, u]) => tf.tidy(() => tf.mul(geluTanh(g), u)),
    (dy, [g, u]) => {
      const s = halfOnePlusTanh(g);
      // gelu'(x) = s + x * s * (1 - s) * 2 * sqrt(2/pi) * (1 + 3 * 0.044715 x^2)
      const du2 = tf.mul(tf.add(tf.mul(tf.square(g), 3 * CUBIC), 1), 2 * SQRT_2_OVER_PI);
      const dGelu = tf.add(s, tf.mul(tf.mul(g, tf.mul(s, tf.sub(1, s))), du2));
      return [tf.mul(tf.mul(dy, u), dGelu), tf.mul(dy, tf.mul(g, s))];
    },
  );
}

/**
 * Rotary position embedding tables (non-interleaved, HF `rotate_half` layout) and their
 * application. Angles are computed in float64 on the host: HF's float32 `position * inv_freq`
 * is off by up to ~1.5e-4 at position 8191.
 *
 * Shape legend: N = tokens, hd = head dim, heads = heads in the tensor.
 */
import { tf } from '@gft/core';

/** cos and sin, each [N, hd / 2] (the two halves of HF's `cat(freqs, freqs)` are equal). */
export function ropeTables(
  positions: ArrayLike<number>,
  headDim: number,
  theta: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(positions.length * half);
  const sin = new Float32Array(positions.length * half);
  for (let i = 0; i < half; i++) {
    const invFreq = 1 / theta ** ((2 * i) / headDim);
    for (let n = 0; n < positions.length; n++) {
      const a = positions[n] * invFreq;
      cos[n * half + i] = Math.cos(a);
      sin[n * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

/**
 * x: [N, heads*hd]; cos, sin: [N, 1, hd/2] -> [N, heads*hd] with
 * out = x * cos + rotate_half(x) * sin, rotate_half([a, b]) = [-b, a] per head.
 */
export function applyRope(
  x: tf.Tensor2D,
  cos: tf.Tensor3D,
  sin: tf.Tensor3D,
  headDim: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, width] = x.shape;
    const heads = width / headDim;
    const half = headDim / 2;
    const x3 = tf.reshape(x, [n, heads, headDim]);
    const a = tf.slice(x3, [0, 0, 0], [n, heads, half]);
    const b = tf.slice(x3, [0, 0, half], [n, heads, half]);
    const outA = tf.sub(tf.mul(a, cos), tf.mul(b, sin));
    const outB = tf.add(tf.mul(b, cos), tf.mul(a, sin));
    return tf.reshape(tf.concat([outA, outB], 2), [n, width]);
  });
}

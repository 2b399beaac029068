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

/** [hd, hd] signed permutation R with x R = rotate_half(x) = [-b, a] for x = [a, b]; R^T = -R. */
export function rotateHalfMatrix(headDim: number): tf.Tensor2D {
  const half = headDim / 2;
  const r = new Float32Array(headDim * headDim);
  for (let j = 0; j < half; j++) {
    r[(j + half) * headDim + j] = -1;
    r[j * headDim + j + half] = 1;
  }
  return tf.tensor2d(r, [headDim, headDim]);
}

/** The full-width tables HF uses, `cat(t, t)`: [N, hd / 2] halves -> [N, 1, hd]. */
export function fullRopeTable(half: Float32Array, n: number, headDim: number): tf.Tensor3D {
  const h = headDim / 2;
  const out = new Float32Array(n * headDim);
  for (let t = 0; t < n; t++) {
    const row = half.subarray(t * h, t * h + h);
    out.set(row, t * headDim);
    out.set(row, t * headDim + h);
  }
  return tf.tensor3d(out, [n, 1, headDim]);
}

/**
 * x: [N, heads*hd]; cos, sin: [N, 1, hd] full-width tables (see `fullRopeTable`); rot: [hd, hd]
 * (see `rotateHalfMatrix`) -> [N, heads*hd] with out = x * cos + rotate_half(x) * sin per head.
 * rotate_half is a matmul with a signed permutation: on wasm one [N*heads, hd] x [hd, hd] GEMM
 * is several times cheaper than slicing the halves and concatenating them again. Its gradient
 * (RoPE is linear in x) keeps nothing: dx = dy * cos - rotate_half(dy * sin).
 */
export function applyRope(
  x: tf.Tensor2D,
  cos: tf.Tensor3D,
  sin: tf.Tensor3D,
  rot: tf.Tensor2D,
): tf.Tensor2D {
  const [n, width] = x.shape;
  const hd = rot.shape[0];
  const heads = width / hd;
  const rotate = (t: tf.Tensor) =>
    tf.reshape(tf.matMul(tf.reshape(t, [n * heads, hd]) as tf.Tensor2D, rot), [n, heads, hd]);
  const f = tf.customGrad(((xi: tf.Tensor) => {
    const value = tf.tidy(() => {
      const x3 = tf.reshape(xi, [n, heads, hd]);
      return tf.reshape(tf.add(tf.mul(x3, cos), tf.mul(rotate(x3), sin)), [n, width]);
    });
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => {
        const d3 = tf.reshape(dy, [n, heads, hd]);
        return tf.reshape(tf.sub(tf.mul(d3, cos), rotate(tf.mul(d3, sin))), [n, width]);
      });
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as tf.Tensor2D;
}

/**
 * Global-norm gradient clipping (one norm over all trainable tensors, as torch's
 * clip_grad_norm_). Two forms: `clipByGlobalNorm` reads the norm back with `dataSync`,
 * `clipByGlobalNormAsync` with `await data()` (backends without synchronous readback, such as
 * webgpu in Node). Not the optimizer.
 */
import { tf } from '../tf.js';

/** The global L2 norm as a scalar tensor (the caller disposes it). */
function globalNorm(grads: Map<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() => {
    // Each square is reduced inside its own tidy so only one gradient-sized temporary lives.
    const squares = [...grads.values()].map((g) => tf.tidy(() => tf.sum(tf.square(g))));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar;
  });
}

/** Scales every gradient by maxNorm / (norm + 1e-6) when the norm exceeds maxNorm. */
function clipTo(grads: Map<string, tf.Tensor>, value: number, maxNorm?: number): number {
  if (maxNorm !== undefined && Number.isFinite(value) && value > maxNorm) {
    const factor = maxNorm / (value + 1e-6);
    for (const [name, g] of grads) {
      grads.set(
        name,
        tf.tidy(() => tf.mul(g, factor)),
      );
      g.dispose();
    }
  }
  return value;
}

/**
 * Returns the global L2 norm of `grads` before clipping and, when `maxNorm` is given and
 * exceeded, replaces each gradient in the map by `g * maxNorm / (norm + 1e-6)` (disposing
 * the old ones).
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm?: number): number {
  const norm = globalNorm(grads);
  const value = norm.dataSync()[0];
  norm.dispose();
  return clipTo(grads, value, maxNorm);
}

/** `clipByGlobalNorm` reading the norm with `await data()`: works on every backend. */
export async function clipByGlobalNormAsync(
  grads: Map<string, tf.Tensor>,
  maxNorm?: number,
): Promise<number> {
  const norm = globalNorm(grads);
  try {
    return clipTo(grads, (await norm.data())[0], maxNorm);
  } finally {
    norm.dispose();
  }
}

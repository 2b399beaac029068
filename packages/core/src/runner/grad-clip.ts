/** Global-norm gradient clipping (one norm over all trainable tensors, as torch's clip_grad_norm_). */
import { tf } from '../tf.js';

/**
 * Returns the global L2 norm of `grads` before clipping and, when `maxNorm` is given and
 * exceeded, replaces each gradient in the map by `g * maxNorm / (norm + 1e-6)` (disposing
 * the old ones).
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm?: number): number {
  const norm = tf.tidy(() => {
    // Each square is reduced inside its own tidy so only one gradient-sized temporary lives.
    const squares = [...grads.values()].map((g) => tf.tidy(() => tf.sum(tf.square(g))));
    return tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares));
  });
  const value = norm.dataSync()[0];
  norm.dispose();
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

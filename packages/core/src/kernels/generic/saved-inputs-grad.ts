/**
 * A typed wrapper over `tf.customGrad` for fused kernels: saves exactly the inputs for the
 * backward and nothing else, so activation memory is the inputs only and everything else is
 * recomputed in `backward`. Not a way to nest `tf.grads` (that breaks the engine's tape).
 */
import { tf } from '../../tf.js';

export function savedInputsGrad<T extends tf.Tensor>(
  inputs: tf.Tensor[],
  forward: (xs: tf.Tensor[]) => T,
  backward: (dy: T, saved: tf.Tensor[]) => tf.Tensor[],
): T {
  const body = (...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xs = args.slice(0, -1) as tf.Tensor[];
    save(xs);
    return { value: forward(xs), gradFunc: (dy: T, saved: tf.Tensor[]) => backward(dy, saved) };
  };
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(...inputs) as T;
}

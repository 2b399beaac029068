/**
 * The narrow model interface the runner trains, evaluates and predicts with. It is not the
 * Gemma model itself: a thin adapter turns any model (Gemma, the bag-of-tokens baseline, a
 * user's own) into this shape, so the runner never knows about layers or techniques.
 *
 * Shape legend: B = sequences in the micro-batch.
 */
import type { MicroBatch } from '../micro-batch.js';
import type { tf } from '../tf.js';

export interface LossAndGrads {
  /** Mean loss over the micro-batch's rows, unscaled (float32 read back into a number). */
  loss: number;
  /**
   * Gradient of `scale * meanLoss` for every trainable variable, by the same names as
   * `trainableVariables()`. The runner owns and disposes these tensors.
   */
  grads: Map<string, tf.Tensor>;
}

export interface TrainableModel {
  /** Trainable variables by stable name (checkpoint keys); the same map on every call. */
  trainableVariables(): ReadonlyMap<string, tf.Variable>;
  /** Bytes held by frozen (non-trainable) state: dense, quantised or otherwise. */
  frozenBytes(): number;
  /**
   * Forward and backward for one micro-batch. `scale` multiplies the loss before
   * differentiation (rows of this micro-batch / rows of its loader batch), so that summing
   * the gradients of a batch's micro-batches gives the gradient of the whole batch.
   */
  lossAndGrads(mb: MicroBatch, scale: number): LossAndGrads;
  /** Class probabilities, [B, 3] row-major (A wins, B wins, tie). No gradients kept. */
  predict(mb: MicroBatch): Float32Array;
  /**
   * Optional forms of `lossAndGrads` and `predict` that read back with `await data()`, for
   * backends without synchronous readback (webgpu in Node); the runner prefers them.
   */
  lossAndGradsAsync?(mb: MicroBatch, scale: number): Promise<LossAndGrads>;
  predictAsync?(mb: MicroBatch): Promise<Float32Array>;
  /**
   * Extra state a resume needs besides the variables (e.g. a dropout RNG), as JSON.
   * Models without such state leave both out.
   */
  getState?(): Record<string, unknown>;
  setState?(state: Record<string, unknown>): void;
  dispose(): void;
}

/** Sum of float32 bytes over a set of variables (their dtype size, in fact). */
export function variableBytes(vars: Iterable<tf.Variable>): number {
  let bytes = 0;
  for (const v of vars) bytes += v.size * (v.dtype === 'float32' || v.dtype === 'int32' ? 4 : 1);
  return bytes;
}

export function variableParams(vars: Iterable<tf.Variable>): number {
  let n = 0;
  for (const v of vars) n += v.size;
  return n;
}

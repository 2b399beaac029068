/**
 * Gradient accumulation over one loader batch: each micro-batch's loss is scaled by its
 * rows / the batch's rows before differentiation, so the summed gradients equal the
 * gradient of the mean loss over the whole batch however the collator split it.
 */
import { GftError } from '../errors/gft-error.js';
import { computedTokens, type MicroBatch, realTokens } from '../micro-batch.js';
import { tf } from '../tf.js';
import { batchRows } from './batch-source.js';
import type { LossAndGrads, TrainableModel } from './trainable-model.js';

export interface Accumulated {
  /** Mean loss over the batch's rows. */
  loss: number;
  /** Gradient of that loss, by variable name; the caller disposes. */
  grads: Map<string, tf.Tensor>;
  realTokens: number;
  computedTokens: number;
}

/**
 * Runs forward+backward on every micro-batch of `batch`. A non-finite micro-batch loss
 * throws GftError NON_FINITE_LOSS (message with a `{step}` placeholder the runner fills)
 * after disposing what was accumulated.
 */
export function accumulateGradients(
  model: TrainableModel,
  batch: readonly MicroBatch[],
  afterBackward?: () => void,
): Accumulated {
  const acc = accumulator(batch);
  for (const [i, mb] of batch.entries()) {
    const out = model.lossAndGrads(mb, mb.batchSize / acc.rows);
    afterBackward?.();
    acc.add(i, mb, out);
  }
  return acc.result();
}

/**
 * `accumulateGradients` through `model.lossAndGradsAsync` when the model has it (backends
 * without synchronous readback), else through `lossAndGrads`.
 */
export async function accumulateGradientsAsync(
  model: TrainableModel,
  batch: readonly MicroBatch[],
  afterBackward?: () => void,
): Promise<Accumulated> {
  const acc = accumulator(batch);
  for (const [i, mb] of batch.entries()) {
    const scale = mb.batchSize / acc.rows;
    const out = model.lossAndGradsAsync
      ? await model.lossAndGradsAsync(mb, scale)
      : model.lossAndGrads(mb, scale);
    afterBackward?.();
    acc.add(i, mb, out);
  }
  return acc.result();
}

/** Sums micro-batch results of one loader batch (both forms above share it). */
function accumulator(batch: readonly MicroBatch[]) {
  const rows = batchRows(batch);
  const grads = new Map<string, tf.Tensor>();
  let loss = 0;
  let real = 0;
  let computed = 0;
  const add = (i: number, mb: MicroBatch, out: LossAndGrads) => {
    const scale = mb.batchSize / rows;
    for (const [name, g] of out.grads) {
      const prev = grads.get(name);
      if (prev) {
        grads.set(name, tf.add(prev, g));
        prev.dispose();
        g.dispose();
      } else {
        grads.set(name, g);
      }
    }
    if (!Number.isFinite(out.loss)) {
      for (const g of grads.values()) g.dispose();
      const ids = mb.rowIds
        ? `, rows ${mb.rowIds.slice(0, 4).join(', ')}${mb.rowIds.length > 4 ? ', ...' : ''}`
        : '';
      throw new GftError(
        'NON_FINITE_LOSS',
        `loss is ${out.loss} at {step} (micro-batch ${i + 1} of ${batch.length}${ids})`,
      );
    }
    loss += scale * out.loss;
    real += realTokens(mb);
    computed += computedTokens(mb);
  };
  const result = (): Accumulated => ({ loss, grads, realTokens: real, computedTokens: computed });
  return { rows, add, result };
}

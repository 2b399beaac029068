/**
 * Test helper: a few optimizer steps of the `tiny` Gemma-2 preset on a fixed synthetic
 * packed micro-batch, on whichever backend the caller set up, reading the loss with
 * `await data()` (webgpu in Node has no synchronous readback, so gemma's `trainStep`,
 * which reads the loss with dataSync, cannot be used there). Same math as its plain step.
 */
import { type Adapter, adamW, type MicroBatch, tf } from '@gft/core';
import { GemmaModel, preset, randomWeights } from '@gft/gemma';

/** Three sequences (5, 11, 20 tokens) back to back, ids in [3, 512), soft labels. */
export function syntheticPacked(seed = 7): MicroBatch {
  const seqLens = [5, 11, 20];
  const total = seqLens.reduce((a, b) => a + b, 0);
  let s = seed >>> 0;
  const inputIds = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    inputIds[i] = 3 + (s % 509);
  }
  const positionIds = new Int32Array(total);
  const cuSeqlens = new Int32Array(seqLens.length + 1);
  for (let b = 0, t = 0; b < seqLens.length; b++) {
    for (let p = 0; p < seqLens[b]; p++) positionIds[t++] = p;
    cuSeqlens[b + 1] = cuSeqlens[b] + seqLens[b];
  }
  return {
    layout: 'packed',
    batchSize: seqLens.length,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens,
    maxSeqLen: Math.max(...seqLens),
    labels: Float32Array.from([1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5]),
  };
}

export interface TinyRun {
  losses: number[];
  /** Called after each step with its index (for memory probes). */
  after?: (step: number) => void;
}

/** Trains `tiny` for `steps` AdamW steps (lr 1e-2, no decay) and returns the loss before each. */
export async function trainTiny(
  adapter: Adapter,
  steps: number,
  after?: (step: number) => void,
): Promise<number[]> {
  const config = preset('tiny');
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 5, std: 0.05 }),
    adapter,
  });
  const vars = model.trainableVariables();
  const keyOf = new Map([...vars].map(([k, v]) => [v.name, k]));
  const optimizer = adamW(vars, { weightDecay: 0 });
  const ctx = model.context(syntheticPacked());
  const losses: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const { value, grads } = tf.variableGrads(
        () => model.forwardContext(ctx).loss,
        [...vars.values()],
      );
      losses.push((await value.data())[0]);
      const byKey = new Map<string, tf.Tensor>();
      for (const [name, g] of Object.entries(grads)) byKey.set(keyOf.get(name) ?? name, g);
      optimizer.step(byKey, 1e-2);
      tf.dispose([value, ...Object.values(grads)]);
      after?.(step);
    }
  } finally {
    ctx.dispose();
    optimizer.dispose();
    model.dispose();
  }
  return losses;
}

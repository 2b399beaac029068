/**
 * The runner adapter over a Gemma model: async forms equal the sync ones; training-mode
 * steps apply LoRA dropout and prediction does not; the dropout state survives a
 * getState / setState round trip (what a resume restores); `train` runs through it.
 */
import { arrayBatchSource, cpuBackend, type MicroBatch, tf, train } from '@gft/core';
import { GemmaModel, gemmaTrainableModel, preset, randomWeights } from '@gft/gemma';
import { lora } from '@gft/plugin-lora';
import { beforeAll, describe, expect, it } from 'vitest';

function batch(seed: number): MicroBatch {
  const seqLens = [9, 14];
  let s = seed;
  const inputIds = Int32Array.from({ length: 23 }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 3 + (s % 509);
  });
  return {
    layout: 'packed',
    batchSize: 2,
    inputIds,
    positionIds: Int32Array.from([...Array(9).keys(), ...Array(14).keys()]),
    seqLens,
    cuSeqlens: Int32Array.from([0, 9, 23]),
    maxSeqLen: 14,
    labels: Float32Array.from([0, 1, 0, 0, 0, 1]),
    rowIds: [`a${seed}`, `b${seed}`],
  };
}

function build(dropout: number) {
  const config = preset('tiny');
  const gemma = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 3, std: 0.05 }),
    adapter: lora({ r: 4, dropout }),
  });
  // A non-zero B, so LoRA's dropout shows in the loss.
  for (const [k, v] of gemma.trainableVariables())
    if (k.endsWith('lora_B.weight')) v.assign(tf.fill(v.shape, 0.05) as tf.Tensor);
  return gemmaTrainableModel(gemma);
}

const disposeAll = (m: Map<string, tf.Tensor>) => tf.dispose([...m.values()]);

describe('gemmaTrainableModel', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('async forms equal the sync ones; dropout in training only; state round trip', async () => {
    const mb = batch(1);
    const model = build(0.2);
    const p1 = model.predict(mb);
    const p2 = await model.predictAsync!(mb);
    expect(Array.from(p2)).toEqual(Array.from(p1));

    const state = model.getState!();
    const a = model.lossAndGrads(mb, 1);
    const b = model.lossAndGrads(mb, 1);
    model.setState!(state);
    const c = await model.lossAndGradsAsync!(mb, 1);
    console.log(`training losses ${a.loss}, ${b.loss}; after setState (async) ${c.loss}`);
    expect(b.loss).not.toBe(a.loss);
    expect(c.loss).toBe(a.loss);
    for (const [k, g] of a.grads)
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(g, c.grads.get(k)!))).dataSync()[0])).toBe(0);
    for (const r of [a, b, c]) disposeAll(r.grads);
    // Prediction is unchanged by the training steps' dropout (no weights were updated).
    expect(Array.from(model.predict(mb))).toEqual(Array.from(p1));
    model.dispose();
  });

  it('the runner trains through it without leaking tensors', async () => {
    const model = build(0.1);
    const counts: number[] = [];
    const { losses } = await train({
      model,
      data: arrayBatchSource([[batch(1)], [batch(2), batch(3)], [batch(4)]]),
      steps: 3,
      schedule: { lr: 1e-3 },
      clipGradNorm: 1,
      evaluation: { data: [[batch(5)]] },
      onEvent: (e) => {
        if (e.type === 'step') counts.push(tf.memory().numTensors);
      },
    });
    console.log(`losses ${[...losses.values()].join(', ')}; numTensors after steps ${counts}`);
    expect(losses.size).toBe(3);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });
});

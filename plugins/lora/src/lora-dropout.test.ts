/**
 * LoRA dropout runs in training steps only: with dropout > 0 two training steps from the same
 * weights differ while evaluation forwards are deterministic (and equal to a dropout-0
 * adapter's); the checkpointed step recomputes with the same masks as the plain one; with
 * dropout 0 a training step equals the evaluation forward.
 */
import { cpuBackend, type MicroBatch, seededRandom, tf } from '@gft/core';
import { GemmaModel, preset, randomWeights, trainStep } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';

/** Two sequences (7 and 12 tokens), packed. */
function batch(): MicroBatch {
  const seqLens = [7, 12];
  const rng = seededRandom(1, 'ids');
  const inputIds = Int32Array.from({ length: 19 }, () => 3 + rng.int(500));
  const positionIds = Int32Array.from([...Array(7).keys(), ...Array(12).keys()]);
  return {
    layout: 'packed',
    batchSize: 2,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens: Int32Array.from([0, 7, 19]),
    maxSeqLen: 12,
    labels: Float32Array.from([1, 0, 0, 0.2, 0.3, 0.5]),
  };
}

/** tiny with LoRA whose B is non-zero (at init B = 0 and dropout could not show). */
function build(dropout: number): GemmaModel {
  const config = preset('tiny');
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 2, std: 0.05 }),
    adapter: lora({ r: 4, alpha: 8, dropout, seed: 1 }),
  });
  for (const [k, v] of model.trainableVariables())
    if (k.endsWith('lora_B.weight')) {
      const rng = seededRandom(3, k);
      v.assign(
        tf.tensor(
          Float32Array.from({ length: v.size }, () => rng.next() - 0.5),
          v.shape,
        ),
      );
    }
  return model;
}

function evalLoss(model: GemmaModel, mb: MicroBatch): number {
  const out = model.forward(mb);
  const loss = out.loss.dataSync()[0];
  tf.dispose([out.hidden, out.logits, out.loss]);
  return loss;
}

function maxGradDiff(a: Map<string, tf.Tensor>, b: Map<string, tf.Tensor>): number {
  let worst = 0;
  for (const [k, g] of a)
    worst = Math.max(
      worst,
      tf.tidy(() => tf.max(tf.abs(tf.sub(g, b.get(k)!))).dataSync()[0]),
    );
  return worst;
}

describe('lora dropout', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('dropout 0.1: training steps differ, evaluation is deterministic', () => {
    const mb = batch();
    const model = build(0.1);
    const plain = build(0);
    const e1 = evalLoss(model, mb);
    const e2 = evalLoss(model, mb);
    const e0 = evalLoss(plain, mb);
    const before = tf.memory().numTensors;
    const s1 = trainStep(model, mb);
    const s2 = trainStep(model, mb);
    tf.dispose([...s1.grads.values(), ...s2.grads.values()]);
    console.log(
      `dropout 0.1: eval ${e1} / ${e2} (dropout-0 model ${e0}); training ${s1.loss} / ${s2.loss}`,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(e2).toBe(e1);
    expect(e1).toBe(e0);
    expect(s1.loss).not.toBe(s2.loss);
    expect(s1.loss).not.toBe(e1);
    // Evaluation after training steps is still the same (dropout left no state behind).
    expect(evalLoss(model, mb)).toBe(e1);
    model.dispose();
    plain.dispose();
  });

  it('dropout 0.1: the checkpointed step recomputes with the plain step masks', () => {
    const mb = batch();
    const model = build(0.1);
    const at = model.trainingForwards;
    const a = trainStep(model, mb);
    model.trainingForwards = at;
    const b = trainStep(model, mb, { checkpoint: true });
    const worst = maxGradDiff(a.grads, b.grads);
    console.log(
      `dropout 0.1 plain vs checkpointed: loss ${a.loss} / ${b.loss}, max|grad diff| ${worst}`,
    );
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6);
    expect(worst).toBeLessThan(1e-6);
    tf.dispose([...a.grads.values(), ...b.grads.values()]);
    model.dispose();
  });

  it('dropout 0: a training step is the evaluation forward (golden path unchanged)', () => {
    const mb = batch();
    const model = build(0);
    const e = evalLoss(model, mb);
    const s1 = trainStep(model, mb);
    const s2 = trainStep(model, mb, { training: false });
    console.log(`dropout 0: eval ${e}, training ${s1.loss}, eval-mode step ${s2.loss}`);
    expect(s1.loss).toBe(e);
    expect(maxGradDiff(s1.grads, s2.grads)).toBe(0);
    tf.dispose([...s1.grads.values(), ...s2.grads.values()]);
    model.dispose();
  });
});

/**
 * Building a Gemma model with the LoRA adapter and disposing it gives every tensor back
 * (the trained score head, A and B, the frozen bases), on random `tiny` weights.
 */
import { cpuBackend, tf } from '@gft/core';
import { GemmaModel, preset, randomWeights } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';

describe('lora model build + dispose', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('returns tf.memory() to where it was, build after build', () => {
    const config = preset('tiny');
    const before = tf.memory();
    for (let i = 0; i < 2; i++) {
      const model = GemmaModel.build({
        config,
        weights: randomWeights(config),
        adapter: lora({ r: 4, dropout: 0.1 }),
      });
      expect(model.trainableVariables().has('score.weight')).toBe(true);
      model.dispose();
    }
    const after = tf.memory();
    console.log(
      `lora build+dispose x2: numTensors ${before.numTensors} -> ${after.numTensors}, numBytes ${before.numBytes} -> ${after.numBytes}`,
    );
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});

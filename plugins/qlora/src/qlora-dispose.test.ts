/**
 * Building a Gemma model with the QLoRA adapter and disposing it gives every tensor back
 * (NF4 words and absmax tensors, A and B, the trained score head), on random `tiny` weights.
 */
import { cpuBackend, tf } from '@gft/core';
import { GemmaModel, preset, randomWeights } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { qlora } from './qlora.js';

describe('qlora model build + dispose', () => {
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
        adapter: qlora({ r: 4 }),
      });
      expect(model.memory().frozenBytes).toBeGreaterThan(0);
      model.dispose();
    }
    const after = tf.memory();
    console.log(
      `qlora build+dispose x2: numTensors ${before.numTensors} -> ${after.numTensors}, numBytes ${before.numBytes} -> ${after.numBytes}`,
    );
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});

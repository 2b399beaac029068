/**
 * Building and disposing a model gives every tensor back: `tf.memory()` returns to where it
 * was (full-ft: every non-linear parameter is a variable, so a leaked initial tensor per
 * parameter would keep e.g. the embedding's buffer alive). LoRA and QLoRA have the same test
 * in their plugins.
 */
import { cpuBackend, tf } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import { beforeAll, describe, expect, it } from 'vitest';
import { GemmaModel } from './model.js';
import { preset } from './presets.js';
import { randomWeights } from './random-init.js';

describe('GemmaModel build + dispose', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  const cases = [
    { label: 'full-ft', adapter: fullFineTune() },
    {
      label: 'full-ft, head only (frozen constants and one variable)',
      adapter: fullFineTune({ trainsLinear: () => false, trainsParam: (_n, r) => r === 'head' }),
    },
  ];
  for (const { label, adapter } of cases) {
    it(`returns tf.memory() to where it was (${label})`, () => {
      const config = preset('tiny');
      const before = tf.memory();
      const model = GemmaModel.build({ config, weights: randomWeights(config), adapter });
      expect(model.trainableVariables().size).toBeGreaterThan(0);
      model.dispose();
      const after = tf.memory();
      console.log(
        `${label} build+dispose: numTensors ${before.numTensors} -> ${after.numTensors}, numBytes ${before.numBytes} -> ${after.numBytes}`,
      );
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
    });
  }
});

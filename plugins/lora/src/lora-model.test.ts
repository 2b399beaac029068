/**
 * LoRA on the tiny-gemma2 model against the fixtures: the PEFT-written adapter gives
 * the expected logits, loss and gradients (LoRA A/B and score) and training leaks no
 * tensors (golden-suites.ts, shared with the other backends); a saved adapter reloads
 * bit-identically.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, tf } from '@gft/core';
import { loadGemma, trainStep } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { bf16BaseGoldenSuite, CPU_BACKEND, peftAdapterGoldenSuite } from './golden-suites.js';
import { lora } from './lora.js';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { FIXTURES, packed3 } from './test-support.js';

peftAdapterGoldenSuite(CPU_BACKEND);
bf16BaseGoldenSuite(CPU_BACKEND);

describe('lora on tiny-gemma2', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('a trained adapter saves and reloads bit-identically', async () => {
    const adapter = lora({ r: 4, alpha: 8, seed: 3 });
    const model = loadGemma(join(FIXTURES, 'tiny-gemma2'), { adapter });
    const mb = await packed3();
    // One SGD step so B is non-zero.
    const step = trainStep(model, mb);
    const vars = model.trainableVariables();
    for (const [k, g] of step.grads) {
      const v = vars.get(k)!;
      const next = tf.tidy(() => tf.sub(v, tf.mul(g, 0.1)));
      v.assign(next);
      next.dispose();
      g.dispose();
    }
    const dir = mkdtempSync(join(tmpdir(), 'gft-lora-model-'));
    try {
      await adapter.save!(dir, model.adapterState());
      const again = lora(loraOptionsFromPeft(dir));
      const model2 = loadGemma(join(FIXTURES, 'tiny-gemma2'), { adapter: again });
      await again.load!(dir, model2.adapterState());
      const v2 = model2.trainableVariables();
      expect([...v2.keys()].sort()).toEqual([...vars.keys()].sort());
      for (const [k, v] of vars) {
        const a = Buffer.from(v.dataSync().buffer);
        expect(a.equals(Buffer.from(v2.get(k)!.dataSync().buffer)), k).toBe(true);
      }
      model2.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  });
});

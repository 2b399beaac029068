/**
 * LoRA on the tiny-gemma2 model against the fixtures: the PEFT-written adapter gives
 * the expected logits, loss and gradients (LoRA A/B and score), a saved adapter
 * reloads bit-identically, and training leaks no tensors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '@gft/core';
import { loadGemma, trainStep } from '@gft/gemma';
import { openSafetensors } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { FIXTURES, packed3, relErr } from './test-support.js';

describe('lora on tiny-gemma2', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const loraDir = join(FIXTURES, 'tiny-gemma2-lora');

  it('the PEFT adapter gives the expected logits, loss and gradients', async () => {
    const adapter = lora(loraOptionsFromPeft(loraDir));
    const model = loadGemma(join(FIXTURES, 'tiny-gemma2'), { adapter });
    await adapter.load!(loraDir, model.adapterState());
    const mb = await packed3();
    const exp = openSafetensors(join(loraDir, 'expected.safetensors'));
    const out = model.forward(mb);
    expect(
      relErr('lora cls_logits', out.logits.dataSync(), exp.readF32('cls_logits')),
    ).toBeLessThan(1e-4);
    expect(
      relErr('lora hidden_final', out.hidden.dataSync(), exp.readF32('hidden_final')),
    ).toBeLessThan(1e-4);
    expect(relErr('lora loss', out.loss.dataSync(), exp.readF32('loss'))).toBeLessThan(1e-4);
    tf.dispose([out.hidden, out.logits, out.loss]);
    const grads = openSafetensors(join(loraDir, 'grads.safetensors'));
    const before = tf.memory().numTensors;
    const step = trainStep(model, mb);
    expect(step.grads.size).toBe(grads.names().length);
    let worst = 0;
    for (const [key, g] of step.grads) {
      worst = Math.max(
        worst,
        relErr(`grad ${key}`, g.dataSync(), grads.readF32(`base_model.model.${key}`)),
      );
      g.dispose();
    }
    console.log(`lora worst gradient relative error ${worst.toExponential(3)}`);
    expect(worst).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
    exp.close();
    grads.close();
    model.dispose();
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

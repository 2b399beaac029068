/**
 * Test support (not exported from the package): LoRA's golden fixture suite, parameterised by
 * backend. The PEFT-written adapter (fixtures tiny-gemma2-lora) on tiny-gemma2 gives the
 * expected logits, hidden states, loss and gradients (LoRA A/B and the score copy) without
 * leaking tensors. LoRA's own tests run it on cpu; @gft/plugin-cpu-native's on cpu-native.
 */
import { join } from 'node:path';
import { cpuBackend, tf } from '@gft/core';
import { loadGemma, modelInventory, trainStep } from '@gft/gemma';
import { openSafetensors } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { FIXTURES, packed3, relErr } from './test-support.js';

/** A backend the suite runs on: its tfjs name and how to make it the current backend. */
export interface GoldenBackend {
  name: string;
  setup(): Promise<void>;
}

export const CPU_BACKEND: GoldenBackend = {
  name: 'cpu',
  setup: async () => {
    await cpuBackend().setup();
  },
};

export function peftAdapterGoldenSuite(backend: GoldenBackend): void {
  describe(`lora on tiny-gemma2 on ${backend.name}: the PEFT adapter fixture`, () => {
    beforeAll(() => backend.setup());
    const loraDir = join(FIXTURES, 'tiny-gemma2-lora');

    it('the PEFT adapter gives the expected logits, loss and gradients', async () => {
      expect(tf.getBackend()).toBe(backend.name);
      const adapter = lora(loraOptionsFromPeft(loraDir));
      const model = loadGemma(join(FIXTURES, 'tiny-gemma2'), { adapter });
      await adapter.load!(loraDir, model.adapterState());
      const mb = await packed3();
      const exp = openSafetensors(join(loraDir, 'expected.safetensors'));
      const out = model.forward(mb);
      const label = `${backend.name} lora`;
      expect(
        relErr(`${label} cls_logits`, out.logits.dataSync(), exp.readF32('cls_logits')),
      ).toBeLessThan(1e-4);
      expect(
        relErr(`${label} hidden_final`, out.hidden.dataSync(), exp.readF32('hidden_final')),
      ).toBeLessThan(1e-4);
      expect(relErr(`${label} loss`, out.loss.dataSync(), exp.readF32('loss'))).toBeLessThan(1e-4);
      tf.dispose([out.hidden, out.logits, out.loss]);
      const grads = openSafetensors(join(loraDir, 'grads.safetensors'));
      const before = tf.memory().numTensors;
      const step = trainStep(model, mb);
      expect(step.grads.size).toBe(grads.names().length);
      let worst = 0;
      for (const [key, g] of step.grads) {
        worst = Math.max(
          worst,
          relErr(`${label} grad ${key}`, g.dataSync(), grads.readF32(`base_model.model.${key}`)),
        );
        g.dispose();
      }
      console.log(`${label} worst gradient relative error ${worst.toExponential(3)}`);
      expect(worst).toBeLessThan(1e-3);
      expect(tf.memory().numTensors).toBe(before);
      exp.close();
      grads.close();
      model.dispose();
    });
  });
}

/**
 * LoRA over a bfloat16-stored base against the fixtures' bf16 checkpoint: with B = 0 the model
 * is its base, so logits, hidden states and loss must match model-bf16's expected outputs
 * (computed from the bf16 values in float32); LoRA's gradients must equal those of a float32
 * base holding the same (bf16-exact) values; the linears hold half the bytes.
 */
export function bf16BaseGoldenSuite(backend: GoldenBackend): void {
  describe(`lora over a bf16 base on ${backend.name}: the bf16 fixture`, () => {
    beforeAll(() => backend.setup());
    const bf16Dir = join(FIXTURES, 'tiny-gemma2', 'model-bf16');

    it('matches model-bf16 expected outputs, float32-base gradients, at half the base bytes', async () => {
      expect(tf.getBackend()).toBe(backend.name);
      const mb = await packed3();
      const half = loadGemma(bf16Dir, {
        adapter: lora({ r: 4, alpha: 8, seed: 3, baseDtype: 'bfloat16' }),
      });
      const full = loadGemma(bf16Dir, { adapter: lora({ r: 4, alpha: 8, seed: 3 }) });
      const exp = openSafetensors(join(bf16Dir, 'expected.safetensors'));
      const label = `${backend.name} lora-bf16`;
      const out = half.forward(mb);
      expect(
        relErr(`${label} cls_logits`, out.logits.dataSync(), exp.readF32('cls_logits')),
      ).toBeLessThan(1e-4);
      expect(
        relErr(`${label} hidden_final`, out.hidden.dataSync(), exp.readF32('hidden_final')),
      ).toBeLessThan(1e-4);
      expect(relErr(`${label} loss`, out.loss.dataSync(), exp.readF32('loss'))).toBeLessThan(1e-5);
      tf.dispose([out.hidden, out.logits, out.loss]);
      // A non-zero B, the same in both, so the gradients flow through every base projection.
      for (const model of [half, full]) {
        for (const [key, v] of model.trainableVariables()) {
          if (key.endsWith('lora_B.weight')) v.assign(tf.fill(v.shape, 0.01));
        }
      }
      const before = tf.memory().numTensors;
      const a = trainStep(half, mb);
      const b = trainStep(full, mb);
      expect(relErr(`${label} loss vs float32 base`, [a.loss], [b.loss])).toBeLessThan(1e-6);
      let worst = 0;
      for (const [key, g] of a.grads) {
        worst = Math.max(
          worst,
          relErr(`${label} grad ${key}`, g.dataSync(), b.grads.get(key)!.dataSync()),
        );
      }
      console.log(
        `${label} worst gradient relative error vs a float32 base ${worst.toExponential(3)}`,
      );
      expect(worst).toBeLessThan(1e-5);
      tf.dispose([...a.grads.values(), ...b.grads.values()]);
      expect(tf.memory().numTensors).toBe(before);
      // Every linear's base at 2 bytes per weight instead of 4; nothing else changes.
      let linearWeights = 0;
      for (const site of modelInventory(half.config).linears) {
        linearWeights += site.inFeatures * site.outFeatures;
      }
      expect(full.memory().frozenBytes - half.memory().frozenBytes).toBe(2 * linearWeights);
      exp.close();
      half.dispose();
      full.dispose();
    });
  });
}

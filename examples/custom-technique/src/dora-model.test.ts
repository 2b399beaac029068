/**
 * DoRA on the `tiny` Gemma-2 preset through @gft/gemma's public API: at init the model's
 * outputs equal the base model's, a few AdamW steps lower the loss on a fixed batch without
 * leaking tensors, and a trained adapter saves in PEFT's DoRA layout and reloads bit for bit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adamW, cpuBackend, openSafetensors, tf } from '@gft/core';
import { maxAbsDiff } from '@gft/core/testing';
import { GemmaModel, loadGemma, preset, randomWeights, trainStep } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { dora } from './dora.js';
import { frozenBase, packedBatch, TINY_GEMMA2 } from './test-support.js';

// The fixture's vocabulary: the same batch also runs through the tiny-gemma2 fixture model.
const config = { ...preset('tiny'), vocabSize: 512 };
const batch = packedBatch([12, 7, 5], config.vocabSize);

function build(adapter: Parameters<typeof GemmaModel.build>[0]['adapter']) {
  return GemmaModel.build({ config, weights: randomWeights(config, { seed: 1 }), adapter });
}

/** Logits [B, 3] of one forward, as a plain array. */
function logits(model: GemmaModel): Float32Array {
  const out = model.forward(batch);
  const values = Float32Array.from(out.logits.dataSync());
  tf.dispose([out.hidden, out.logits, out.loss]);
  return values;
}

function expectBaseOutputs(ours: GemmaModel, base: GemmaModel, label: string) {
  const a = ours.forward(batch);
  const b = base.forward(batch);
  const hidden = maxAbsDiff(a.hidden.dataSync(), b.hidden.dataSync());
  const cls = maxAbsDiff(a.logits.dataSync(), b.logits.dataSync());
  console.log(`${label}: dora at init vs base, max diff hidden ${hidden}, logits ${cls}`);
  expect(hidden).toBe(0);
  expect(cls).toBe(0);
  tf.dispose([a.hidden, a.logits, a.loss, b.hidden, b.logits, b.loss]);
}

describe('dora on the tiny preset', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('at init (B = 0) gives the base model outputs (random init)', () => {
    const ours = build(dora({ r: 4, alpha: 8 }));
    const base = build(frozenBase);
    expectBaseOutputs(ours, base, 'random init');
    ours.dispose();
    base.dispose();
  });

  it('at init gives the base model outputs on the tiny-gemma2 checkpoint', () => {
    const ours = loadGemma(TINY_GEMMA2, { adapter: dora({ r: 4, alpha: 8 }) });
    const base = loadGemma(TINY_GEMMA2, { adapter: frozenBase });
    expectBaseOutputs(ours, base, 'tiny-gemma2');
    ours.dispose();
    base.dispose();
  });

  it('trains: AdamW lowers the loss with only DoRA parameters trainable, no tensor leaks', () => {
    const model = build(dora({ r: 4, alpha: 8, modulesToSave: [] }));
    const vars = model.trainableVariables();
    expect([...vars.keys()].every((k) => /lora_(A|B|magnitude)/.test(k))).toBe(true);
    const optimizer = adamW(vars, { weightDecay: 0 });
    const losses: number[] = [];
    let tensors = 0;
    for (let step = 0; step < 10; step++) {
      const { loss, grads } = trainStep(model, batch);
      optimizer.step(grads, 1e-2);
      tf.dispose([...grads.values()]);
      losses.push(loss);
      if (step === 1) tensors = tf.memory().numTensors;
      if (step > 1) expect(tf.memory().numTensors).toBe(tensors);
    }
    console.log(`dora tiny losses: ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.9);
    const q = 'model.layers.0.self_attn.q_proj';
    expect(tf.any(tf.notEqual(vars.get(`${q}.lora_B.weight`)!, 0)).dataSync()[0]).toBe(1);
    optimizer.dispose();
    model.dispose();
  });

  it('saves in PEFT DoRA layout and reloads bit for bit', async () => {
    const adapter = dora({ r: 4, alpha: 8, seed: 3 });
    const model = build(adapter);
    // One SGD step so B, m and the score head all move away from their init.
    const { grads } = trainStep(model, batch);
    const vars = model.trainableVariables();
    for (const [k, g] of grads)
      tf.tidy(() => vars.get(k)!.assign(tf.sub(vars.get(k)!, tf.mul(g, 0.5))));
    tf.dispose([...grads.values()]);
    const dir = mkdtempSync(join(tmpdir(), 'gft-dora-'));
    try {
      await adapter.save!(dir, model.adapterState());
      const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
      expect(cfg).toMatchObject({
        peft_type: 'LORA',
        use_dora: true,
        r: 4,
        lora_alpha: 8,
        modules_to_save: ['score'],
        target_modules: [
          'down_proj',
          'gate_proj',
          'k_proj',
          'o_proj',
          'q_proj',
          'up_proj',
          'v_proj',
        ],
      });
      const reader = openSafetensors(join(dir, 'adapter_model.safetensors'));
      const names = reader.names();
      const q = 'base_model.model.model.layers.0.self_attn.q_proj';
      expect(reader.info(`${q}.lora_A.weight`).shape).toEqual([4, 64]);
      expect(reader.info(`${q}.lora_B.weight`).shape).toEqual([64, 4]);
      expect(reader.info(`${q}.lora_magnitude_vector`).shape).toEqual([64]);
      expect(reader.info('base_model.model.score.weight').shape).toEqual([3, 64]);
      expect(names.length).toBe(config.numLayers * 7 * 3 + 1);
      reader.close();

      const again = dora({ r: 4, alpha: 8 });
      const model2 = build(again);
      await again.load!(dir, model2.adapterState());
      const vars2 = model2.trainableVariables();
      expect([...vars2.keys()].sort()).toEqual([...vars.keys()].sort());
      for (const [k, v] of vars) {
        const same = Buffer.from(v.dataSync().buffer).equals(
          Buffer.from(vars2.get(k)!.dataSync().buffer),
        );
        expect(same, k).toBe(true);
      }
      expect(maxAbsDiff(logits(model2), logits(model))).toBe(0);
      const wrongRank = dora({ r: 2, alpha: 8 });
      const model3 = build(wrongRank);
      await expect(wrongRank.load!(dir, model3.adapterState())).rejects.toThrow(
        /adapter_config.json: 'r' is 4, this dora adapter has 2/,
      );
      model3.dispose();
      model2.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      model.dispose();
    }
  });
});

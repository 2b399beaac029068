/**
 * Presets and parameter counts, checkpoint errors (missing / unexpected / mis-shaped tensors,
 * bad config), full-model save and reload, random init, and the verdict head.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, GftError, tf } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import { openCheckpoint, openSafetensors, writeSafetensors } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGemma, readerWeightStore } from './checkpoint-load.js';
import { saveGemma } from './checkpoint-save.js';
import { configFromHf } from './config.js';
import { fixture, packed3, readTensors, within } from './fixture-support.js';
import { GemmaModel } from './model.js';
import { countParams, linearSites } from './params.js';
import { preset } from './presets.js';
import { randomWeights } from './random-init.js';
import { trainStep } from './train-step.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

describe('presets', () => {
  it('parameter counts match the published sizes', () => {
    const published: Record<string, number> = {
      'gemma-7b': 8.54e9,
      'gemma2-2b': 2.614e9,
      'gemma2-9b': 9.242e9,
      'gemma2-27b': 27.227e9,
    };
    for (const [name, n] of Object.entries(published)) {
      const got = countParams(preset(name));
      console.log(`${name}: ${(got / 1e9).toFixed(3)} B parameters`);
      expect(Math.abs(got - n) / n).toBeLessThan(0.005);
    }
    expect(linearSites(preset('gemma2-9b'))).toHaveLength(42 * 7);
    expect(() => preset('gemma3')).toThrow(/gemma2-9b/);
  });

  it('rejects an unsupported model_type naming the field and the choices', () => {
    expect(() => configFromHf({ model_type: 'llama' }, 'x/config.json')).toThrow(
      /x\/config.json: field 'model_type' must be a supported model type, one of gemma, gemma2, got "llama"/,
    );
  });

  it('random init is seeded and trains', () => {
    const config = { ...preset('tiny'), vocabSize: 64 };
    const a = randomWeights(config, { seed: 3 }).source('model.layers.0.mlp.up_proj.weight')
      .readF32!();
    const b = randomWeights(config, { seed: 3 }).source('model.layers.0.mlp.up_proj.weight')
      .readF32!();
    const c = randomWeights(config, { seed: 4 }).source('model.layers.0.mlp.up_proj.weight')
      .readF32!();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const model = GemmaModel.build({
      config,
      weights: randomWeights(config, { seed: 3 }),
      adapter: fullFineTune(),
    });
    const ids = Int32Array.from({ length: 10 }, (_, i) => (i * 7) % 64);
    const r = trainStep(model, {
      layout: 'packed',
      batchSize: 2,
      inputIds: ids,
      positionIds: Int32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 4, 5]),
      seqLens: [4, 6],
      cuSeqlens: Int32Array.from([0, 4, 10]),
      maxSeqLen: 6,
      labels: Float32Array.from([1, 0, 0, 0, 0, 1]),
    });
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.grads.size).toBe(model.trainableVariables().size);
    tf.dispose([...r.grads.values()]);
    model.dispose();
  });
});

describe('checkpoints', () => {
  it('names every missing, unexpected and mis-shaped tensor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-gemma-'));
    try {
      const src = openSafetensors(fixture('tiny-gemma2', 'model.safetensors'));
      const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
      for (const name of src.names()) {
        if (name === 'model.layers.2.mlp.up_proj.weight') continue;
        tensors[name] = { dtype: 'F32', shape: src.info(name).shape, data: src.readF32(name) };
      }
      src.close();
      tensors['model.layers.9.extra.weight'] = {
        dtype: 'F32',
        shape: [2],
        data: new Float32Array(2),
      };
      tensors['model.norm.weight'] = { dtype: 'F32', shape: [63], data: new Float32Array(63) };
      writeSafetensors(join(dir, 'model.safetensors'), tensors);
      cpSync(fixture('tiny-gemma2', 'config.json'), join(dir, 'config.json'));
      let err: unknown;
      try {
        loadGemma(dir, { adapter: fullFineTune() });
      } catch (e) {
        err = e;
      }
      expect(GftError.isInstance(err) && err.code).toBe('BAD_CHECKPOINT');
      const msg = (err as Error).message;
      console.log(msg);
      expect(msg).toMatch(/missing tensor 'model.layers.2.mlp.up_proj.weight'/);
      expect(msg).toMatch(/unexpected tensor 'model.layers.9.extra.weight'/);
      expect(msg).toMatch(/'model.norm.weight' has shape \[63\].*\[64\]/);
      writeFileSync(join(dir, 'config.json'), '{"model_type": "gemma2", "hidden_size": "big"}');
      expect(() => loadGemma(dir, { adapter: fullFineTune() })).toThrow(/hidden_size/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a bitsandbytes 4-bit weight over as `stored` + companions by suffix', () => {
    const dir = fixture('tiny-gemma2-qlora', 'base-bnb-nf4');
    const reader = openCheckpoint(dir);
    const store = readerWeightStore(reader, dir);
    try {
      const name = 'model.layers.0.self_attn.q_proj.weight';
      expect(store.names()).toContain(name);
      expect(store.names().some((n) => n.startsWith(`${name}.`))).toBe(false);
      expect(store.shape(name)).toEqual([64, 64]);
      const src = store.source(name);
      expect(src.shape).toEqual([64, 64]);
      expect(src.readF32).toBeUndefined();
      // The packed codes: [n / 2, 1] bytes, under `stored` and not as a companion.
      expect(src.stored?.shape).toEqual([(64 * 64) / 2, 1]);
      expect(src.stored?.read().byteLength).toBe((64 * 64) / 2);
      const suffixes = Object.keys(src.companions ?? {}).sort();
      console.log(`${name} companions: ${suffixes.join(', ')}`);
      expect(suffixes).toContain('absmax');
      expect(suffixes).toContain('quant_state.bitsandbytes__nf4');
      expect(suffixes).not.toContain('');
      // Dense tensors stay dense.
      const norm = store.source('model.norm.weight');
      expect(norm.stored).toBeUndefined();
      expect(norm.readF32?.()).toHaveLength(64);
    } finally {
      store.close?.();
    }
  });

  it('saves a fine-tuned model and loads it back to the same outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-gemma-'));
    try {
      const model = loadGemma(fixture('tiny-gemma2'), { adapter: fullFineTune() });
      const { packed } = packed3();
      const r = trainStep(model, packed);
      for (const [k, v] of model.trainableVariables())
        v.assign(tf.sub(v, tf.mul(r.grads.get(k)!, 0.1)));
      tf.dispose([...r.grads.values()]);
      const before = model.forward(packed);
      await saveGemma(model, dir);
      const again = loadGemma(dir, { adapter: fullFineTune() });
      const after = again.forward(packed);
      expect(
        within('reloaded cls_logits', after.logits.dataSync(), before.logits.dataSync(), 0, 1e-6),
      ).toBe(true);
      expect(after.loss.dataSync()[0]).toBeLessThan(1.1214479);
      tf.dispose([
        before.hidden,
        before.logits,
        before.loss,
        after.hidden,
        after.logits,
        after.loss,
      ]);
      model.dispose();
      again.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verdict head equals the LM logits of the A/B/C ids at each last token', () => {
    const ids = [65, 66, 67] as const;
    const model = loadGemma(fixture('tiny-gemma2'), {
      adapter: fullFineTune(),
      head: { kind: 'verdict', tokenIds: ids },
    });
    // The fixture's trained score head is not read by the verdict head: the model says so.
    expect(model.unusedWeights).toEqual(['score.weight']);
    expect(model.params.has('score.weight')).toBe(false);
    const exp = readTensors(fixture('tiny-gemma2', 'expected.safetensors'));
    const lm = exp.readF32('lm_logits');
    const want = [4, 15, 35].flatMap((row) => ids.map((id) => lm[row * 512 + id]));
    const out = model.forward(packed3().packed);
    expect(within('verdict logits', out.logits.dataSync(), want, 1e-4, 1e-5)).toBe(true);
    const r = trainStep(model, packed3().packed, { checkpoint: true });
    const plain = trainStep(model, packed3().packed);
    const e1 = r.grads.get('model.embed_tokens.weight')!;
    const e2 = plain.grads.get('model.embed_tokens.weight')!;
    expect(
      within('verdict embed grad, checkpointed vs plain', e1.dataSync(), e2.dataSync(), 1e-5, 1e-7),
    ).toBe(true);
    tf.dispose([out.hidden, out.logits, out.loss, ...r.grads.values(), ...plain.grads.values()]);
    model.dispose();
    exp.close();
  });
});

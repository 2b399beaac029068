/**
 * LoRA layer math, options, PEFT files: init as PEFT does it, forward = W x + s B A x,
 * merge, save/load bit-identical, and the PEFT-written fixture adapter loading into
 * layers built on the tiny-gemma2 checkpoint. Model-level logits/grads are in
 * lora-model.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AdapterState,
  cpuBackend,
  GftError,
  LINEAR_MODULES,
  type Linear,
  type LinearSite,
  tf,
  type WeightSource,
} from '@gft/core';
import { openSafetensors } from '@gft/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lora } from './lora.js';
import { loraOptionsFromPeft } from './lora-adapter.js';
import { isLoraLinear } from './lora-linear.js';
import { FIXTURES } from './test-support.js';

function site(
  name: string,
  layer: number,
  module: LinearSite['module'],
  out: number,
  inF: number,
): LinearSite {
  return { name, layer, module, inFeatures: inF, outFeatures: out };
}

function source(s: LinearSite, values: Float32Array): WeightSource {
  return {
    name: `${s.name}.weight`,
    shape: [s.outFeatures, s.inFeatures],
    readF32: () => values.slice(),
  };
}

function randn(n: number, seed: number): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return ((x >>> 8) / 2 ** 24 - 0.5) * 0.2;
  });
}

beforeAll(async () => {
  await cpuBackend().setup();
});

describe('lora options', () => {
  it('rejects bad fields, naming the field', () => {
    const expectField = (fn: () => unknown, field: string, where = field) => {
      try {
        fn();
        throw new Error('no error');
      } catch (e) {
        expect(GftError.isInstance(e)).toBe(true);
        expect((e as GftError).message).toContain(field);
        expect((e as GftError).where).toBe(where);
      }
    };
    expectField(() => lora({ r: 0 }), 'r');
    expectField(() => lora({ alpha: -1 }), 'alpha');
    expectField(() => lora({ dropout: 1 }), 'dropout');
    expectField(() => lora({ targetModules: ['qq_proj' as never] }), 'targetModules');
    // The entry, not just the list: `where` is the dotted path of what is wrong.
    expectField(
      () => lora({ layersToTransform: [-1] }),
      'layersToTransform',
      'layersToTransform.0',
    );
    expectField(() => lora({ rr: 3 } as never), 'rr');
    expect(() => lora({ alpah: 3 } as never)).toThrow(
      /^lora: unknown option 'alpah' \(valid: alpha, .*\); did you mean 'alpha'\?$/,
    );
    expect(() => lora({ r: 2.5 })).toThrow("lora: option 'r' must be a positive integer, got 2.5");
  });
  it('scales alpha / r, or alpha / sqrt(r) with rsLoRA; targets by module and layer', () => {
    expect(lora({ r: 16, alpha: 32 }).config.scale).toBe(2);
    expect(lora({ r: 16, alpha: 32, useRslora: true }).config.scale).toBe(8);
    const a = lora({ targetModules: ['q_proj'], layersToTransform: [1] });
    expect(
      a.estimateLinear(site('m.layers.1.self_attn.q_proj', 1, 'q_proj', 8, 4)).trainableParams,
    ).toBe(8 * 12);
    expect(
      a.estimateLinear(site('m.layers.0.self_attn.q_proj', 0, 'q_proj', 8, 4)).trainableParams,
    ).toBe(0);
    expect(
      a.estimateLinear(site('m.layers.1.self_attn.k_proj', 1, 'k_proj', 8, 4)).trainableParams,
    ).toBe(0);
    expect(a.trainsParam('score.weight', 'head')).toBe(true);
    expect(a.trainsParam('model.norm.weight', 'norm')).toBe(false);
  });
});

describe('lora layer', () => {
  const s = site('model.layers.0.self_attn.q_proj', 0, 'q_proj', 6, 10);
  const w = randn(60, 3);

  it('initialises A in U(-1/sqrt(in), 1/sqrt(in)) seeded per site, B zeros', () => {
    const adapter = lora({ r: 4, alpha: 8, seed: 5 });
    const l1 = adapter.linear(s, source(s, w));
    const l2 = adapter.linear(s, source(s, w));
    const other = adapter.linear(
      { ...s, name: 'model.layers.1.self_attn.q_proj', layer: 1 },
      source(s, w),
    );
    const a = l1.trainable['lora_A.weight'].dataSync();
    const bound = 1 / Math.sqrt(10);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(bound * 0.5);
    expect([...l2.trainable['lora_A.weight'].dataSync()]).toEqual([...a]);
    expect([...other.trainable['lora_A.weight'].dataSync()]).not.toEqual([...a]);
    expect(Math.max(...l1.trainable['lora_B.weight'].dataSync().map(Math.abs))).toBe(0);
    for (const l of [l1, l2, other]) l.dispose();
  });

  it('computes W x + s B A x and merges to the same weight; no tensor leaks', () => {
    const adapter = lora({ r: 4, alpha: 8 });
    const l = adapter.linear(s, source(s, w));
    l.trainable['lora_B.weight'].assign(tf.tensor2d(randn(24, 9), [6, 4]));
    const x = tf.tensor2d(randn(30, 4), [3, 10]);
    const before = tf.memory().numTensors;
    const y = l.apply(x);
    const a = tf.tensor2d(l.trainable['lora_A.weight'].dataSync(), [4, 10]);
    const b = tf.tensor2d(l.trainable['lora_B.weight'].dataSync(), [6, 4]);
    const expected = tf.tidy(() =>
      tf.add(
        tf.matMul(x, tf.tensor2d(w, [6, 10]), false, true),
        tf.matMul(tf.matMul(x, a, false, true), b, false, true).mul(2),
      ),
    );
    const merged = adapter
      .mergedWeights({ linears: new Map([[s.name, l]]), params: new Map() })
      .get(s.name)!;
    const viaMerged = tf.tidy(() => tf.matMul(x, tf.tensor2d(merged, [6, 10]), false, true));
    const d1 = tf.tidy(() => tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]);
    const d2 = tf.tidy(() => tf.max(tf.abs(tf.sub(viaMerged, expected))).dataSync()[0]);
    console.log(`lora forward max diff ${d1}, merged ${d2}`);
    expect(d1).toBeLessThan(1e-6);
    expect(d2).toBeLessThan(1e-6);
    tf.dispose([y, a, b, expected, viaMerged]);
    expect(tf.memory().numTensors).toBe(before);
    l.dispose();
    x.dispose();
  });

  it('saves PEFT files and reloads them bit-identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-lora-'));
    try {
      const adapter = lora({ r: 2, alpha: 4, targetModules: ['q_proj'], layersToTransform: [0] });
      const l = adapter.linear(s, source(s, w));
      l.trainable['lora_B.weight'].assign(tf.tensor2d(randn(12, 4), [6, 2]));
      const score = tf.variable(tf.tensor2d(randn(30, 7), [3, 10]));
      const state: AdapterState = {
        linears: new Map([[s.name, l]]),
        params: new Map([['score.weight', score]]),
        baseModel: 'tiny',
      };
      await adapter.save!(dir, state);
      const cfg = JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8'));
      expect(cfg).toMatchObject({
        peft_type: 'LORA',
        task_type: 'SEQ_CLS',
        r: 2,
        lora_alpha: 4,
        target_modules: ['q_proj'],
        layers_to_transform: [0],
        modules_to_save: ['score'],
        base_model_name_or_path: 'tiny',
        bias: 'none',
        use_rslora: false,
        fan_in_fan_out: false,
      });
      const reader = openSafetensors(join(dir, 'adapter_model.safetensors'));
      expect(reader.names()).toEqual([
        'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight',
        'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight',
        'base_model.model.score.weight',
      ]);
      reader.close();
      const again = lora(loraOptionsFromPeft(dir));
      const l2 = again.linear(s, source(s, w));
      const score2 = tf.variable(tf.zeros([3, 10]));
      await again.load!(dir, {
        linears: new Map([[s.name, l2]]),
        params: new Map([['score.weight', score2]]),
      });
      for (const k of ['lora_A.weight', 'lora_B.weight']) {
        expect(
          Buffer.from(l2.trainable[k].dataSync().buffer).equals(
            Buffer.from(l.trainable[k].dataSync().buffer),
          ),
        ).toBe(true);
      }
      expect([...score2.dataSync()]).toEqual([...score.dataSync()]);
      const wrong = lora({ r: 3 });
      await expect(wrong.load!(dir, state)).rejects.toThrow(/r 2 differs/);
      for (const x of [l, l2, score, score2]) x.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PEFT-written adapter', () => {
  const linears = new Map<string, Linear>();
  afterAll(() => {
    for (const l of linears.values()) l.dispose();
  });

  it('loads tiny-gemma2-lora into layers built on tiny-gemma2', async () => {
    const dir = join(FIXTURES, 'tiny-gemma2-lora');
    const adapter = lora(loraOptionsFromPeft(dir));
    expect(adapter.config.scale).toBe(2);
    const ckpt = openSafetensors(join(FIXTURES, 'tiny-gemma2', 'model.safetensors'));
    for (let layer = 0; layer < 4; layer++) {
      for (const module of LINEAR_MODULES) {
        const group =
          module.endsWith('proj') && ['gate_proj', 'up_proj', 'down_proj'].includes(module)
            ? 'mlp'
            : 'self_attn';
        const name = `model.layers.${layer}.${group}.${module}`;
        const [out, inF] = ckpt.info(`${name}.weight`).shape;
        const st = site(name, layer, module, out, inF);
        linears.set(
          name,
          adapter.linear(st, {
            name: `${name}.weight`,
            shape: [out, inF],
            readF32: () => ckpt.readF32(`${name}.weight`),
          }),
        );
      }
    }
    const score = tf.variable(tf.zeros([3, 64]));
    await adapter.load!(dir, { linears, params: new Map([['score.weight', score]]) });
    const file = openSafetensors(join(dir, 'adapter_model.safetensors'));
    const q0 = linears.get('model.layers.0.self_attn.q_proj')!;
    expect(isLoraLinear(q0)).toBe(true);
    expect([...q0.trainable['lora_B.weight'].dataSync()]).toEqual([
      ...file.readF32('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight'),
    ]);
    expect([...score.dataSync()]).toEqual([...file.readF32('base_model.model.score.weight')]);
    file.close();
    ckpt.close();
    score.dispose();
  });
});

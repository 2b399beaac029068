/**
 * The main tiny-gemma2 golden test on the wasm backend (XNNPACK, sigmoid-based tanh):
 * forward outputs and full fine-tune gradients within the fixture tolerances.
 */
import { tf, wasmBackend } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointStore,
  fixture,
  packed3,
  readConfig,
  readTensors,
  within,
} from './fixture-support.js';
import { GemmaModel } from './model.js';
import { trainStep } from './train-step.js';

describe('tiny-gemma2 on wasm', () => {
  beforeAll(async () => {
    await wasmBackend().setup();
  });

  it('forward and full fine-tune gradients match the reference', () => {
    expect(tf.getBackend()).toBe('wasm');
    // Embedding training needs UnsortedSegmentSum (gather's gradient), which the wasm
    // backend plugin registers; without it the embedding is left frozen here.
    const embeddingTrains = tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
    if (!embeddingTrains)
      console.log('wasm lacks UnsortedSegmentSum: embedding gradient not checked on wasm');
    const weights = checkpointStore(fixture('tiny-gemma2'));
    const model = GemmaModel.build({
      config: readConfig(fixture('tiny-gemma2', 'config.json')),
      weights,
      adapter: fullFineTune({ trainsParam: (_n, role) => role !== 'embedding' || embeddingTrains }),
    });
    weights.close?.();
    const exp = readTensors(fixture('tiny-gemma2', 'expected.safetensors'));
    const grads = readTensors(fixture('tiny-gemma2', 'grads_full.safetensors'));
    const { packed, padded } = packed3();
    const ok: boolean[] = [];
    const out = model.forward(packed);
    const lm = model.lmLogits(out.hidden);
    ok.push(
      within('wasm hidden_final', out.hidden.dataSync(), exp.readF32('hidden_final'), 1e-4, 1e-5),
    );
    ok.push(within('wasm lm_logits', lm.dataSync(), exp.readF32('lm_logits'), 1e-4, 1e-5));
    ok.push(
      within('wasm cls_logits', out.logits.dataSync(), exp.readF32('cls_logits'), 1e-4, 1e-5),
    );
    ok.push(within('wasm loss', out.loss.dataSync(), exp.readF32('loss'), 1e-5));
    tf.dispose([out.hidden, out.logits, out.loss, lm]);
    for (const [label, mb, checkpoint] of [
      ['packed', packed, false],
      ['padded checkpointed', padded, true],
    ] as const) {
      const r = trainStep(model, mb, { checkpoint });
      ok.push(within(`wasm ${label} step loss`, [r.loss], exp.readF32('loss'), 1e-5));
      let worst = 0;
      for (const [name, g] of r.grads) {
        const e = grads.readF32(name);
        const a = g.dataSync();
        let diff = 0;
        let scale = 0;
        for (let i = 0; i < e.length; i++) {
          diff = Math.max(diff, Math.abs(a[i] - e[i]));
          scale = Math.max(scale, Math.abs(e[i]));
        }
        worst = Math.max(worst, diff / scale);
      }
      console.log(
        `wasm ${label}: worst gradient error over ${r.grads.size} tensors: ${worst.toExponential(3)}`,
      );
      ok.push(worst <= 1e-3);
      expect(r.grads.size).toBe(embeddingTrains ? 47 : 46);
      tf.dispose([...r.grads.values()]);
    }
    model.dispose();
    exp.close();
    grads.close();
    expect(ok.every(Boolean)).toBe(true);
  });
});

/**
 * The fixture logits on webgpu: the tiny-gemma2 checkpoint forward (base, with the PEFT
 * LoRA adapter, and with the bitsandbytes NF4 base + adapter) against the float64
 * reference's expected.json, packed3 batch. Max differences printed.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Adapter, type MicroBatch, tf } from '@gft/core';
import { maxAbsDiff } from '@gft/core/testing';
import { loadGemma } from '@gft/gemma';
import { lora, loraOptionsFromPeft } from '@gft/plugin-lora';
import { qlora } from '@gft/plugin-qlora';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, readSafetensors, tensorOf } from './testing/fixtures.js';
import { gpu, gpuTitle } from './testing/gpu-probe.js';
import { webgpu } from './webgpu-backend.js';

function packed3(): MicroBatch {
  const file = join(FIXTURES, 'batch', 'packed3.safetensors');
  const t = readSafetensors(file);
  const i32 = (name: string) => tensorOf(t, name, file).data as Int32Array;
  const seqLens = Array.from(i32('seq_lens'));
  return {
    layout: 'packed',
    batchSize: seqLens.length,
    inputIds: i32('input_ids'),
    positionIds: i32('position_ids'),
    seqLens,
    cuSeqlens: i32('cu_seqlens'),
    maxSeqLen: Math.max(...seqLens),
    labels: tensorOf(t, 'labels', file).data as Float32Array,
  };
}

interface Case {
  name: string;
  checkpoint: string;
  adapter: () => Adapter;
  /** PEFT adapter directory to load, if any. */
  load?: string;
  expected: string;
  logitsKey: string;
  lossKey: string;
}

const LORA_DIR = join(FIXTURES, 'tiny-gemma2-lora');
const CASES: Case[] = [
  {
    name: 'tiny-gemma2 base',
    checkpoint: 'tiny-gemma2',
    adapter: () => lora({ r: 4, alpha: 8 }), // B = 0 at init: the base model's outputs
    expected: 'tiny-gemma2/expected.json',
    logitsKey: 'cls_logits',
    lossKey: 'loss',
  },
  {
    name: 'tiny-gemma2 + PEFT LoRA',
    checkpoint: 'tiny-gemma2',
    adapter: () => lora(loraOptionsFromPeft(LORA_DIR)),
    load: LORA_DIR,
    expected: 'tiny-gemma2-lora/expected.json',
    logitsKey: 'cls_logits',
    lossKey: 'loss',
  },
  {
    name: 'tiny-gemma2 bnb NF4 base',
    checkpoint: 'tiny-gemma2-qlora/base-bnb-nf4',
    adapter: () => qlora(loraOptionsFromPeft(LORA_DIR)),
    expected: 'tiny-gemma2-qlora/expected.json',
    logitsKey: 'base_cls_logits',
    lossKey: 'base_loss',
  },
  {
    name: 'tiny-gemma2 bnb NF4 + PEFT LoRA (QLoRA)',
    checkpoint: 'tiny-gemma2-qlora/base-bnb-nf4',
    adapter: () => qlora(loraOptionsFromPeft(LORA_DIR)),
    load: LORA_DIR,
    expected: 'tiny-gemma2-qlora/expected.json',
    logitsKey: 'cls_logits',
    lossKey: 'loss',
  },
];

describe('fixture logits on webgpu', () => {
  describe.skipIf(!gpu.ok)(gpuTitle('tiny-gemma2 forward'), () => {
    beforeAll(async () => {
      await webgpu().setup();
    });

    for (const c of CASES) {
      it(c.name, async () => {
        const expected = JSON.parse(readFileSync(join(FIXTURES, c.expected), 'utf8'));
        const adapter = c.adapter();
        const model = loadGemma(join(FIXTURES, c.checkpoint), { adapter });
        if (c.load) await adapter.load?.(c.load, model.adapterState());
        const before = tf.memory().numTensors;
        const out = model.forward(packed3());
        const logits = await out.logits.data();
        const loss = (await out.loss.data())[0];
        const want = (expected[c.logitsKey] as number[][]).flat();
        const scale = Math.max(...want.map(Math.abs));
        const diff = maxAbsDiff(logits, want);
        const lossRel = Math.abs(loss - expected[c.lossKey]) / expected[c.lossKey];
        console.log(
          `${c.name}: cls_logits max diff ${diff.toExponential(2)} (rel ${(diff / scale).toExponential(2)}), loss rel diff ${lossRel.toExponential(2)}`,
        );
        expect(diff / scale).toBeLessThan(1e-4);
        expect(lossRel).toBeLessThan(1e-4);
        tf.dispose([out.hidden, out.logits, out.loss]);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      });
    }
  });
});

/**
 * Memory accounting per technique: predictions from a preset's inventory (gemma2-9b:
 * LoRA r=16 all-linear, QLoRA r=16; full fine-tuning from the same inventory), and the
 * prediction for tiny-gemma2 agreeing with what a loaded model measures.
 */
import { join } from 'node:path';
import {
  type Adapter,
  cpuBackend,
  type ModelInventory,
  measureMemory,
  predictMemory,
  tf,
} from '@gft/core';
import { linearSites, loadGemma, modelInventory, preset } from '@gft/gemma';
import { lora } from '@gft/plugin-lora';
import { beforeAll, describe, expect, it } from 'vitest';
import { qlora } from './qlora.js';
import { FIXTURES } from './test-support.js';

const inventory = (name: string) => modelInventory(preset(name));

/** Full fine-tuning as an estimator: every weight trains. */
const fullFt: Pick<Adapter, 'estimateLinear' | 'trainsParam'> = {
  estimateLinear: (s) => ({ frozenBytes: 0, trainableParams: s.inFeatures * s.outFeatures }),
  trainsParam: () => true,
};

const GiB = 2 ** 30;
const fmt = (b: number) => `${(b / GiB).toFixed(2)} GiB`;

describe('memory predictions', () => {
  it('gemma2-9b: full-ft, LoRA r=16 all-linear, QLoRA r=16', () => {
    const inv = inventory('gemma2-9b');
    const rows = {
      'full-ft': predictMemory(inv, fullFt),
      'lora r=16': predictMemory(inv, lora({ r: 16, alpha: 32 })),
      'qlora r=16': predictMemory(inv, qlora({ r: 16, alpha: 32 })),
    };
    for (const [k, m] of Object.entries(rows)) {
      console.log(
        `gemma2-9b ${k}: trainable ${m.trainableParams} params (${fmt(m.trainableBytes)}), frozen ${fmt(m.frozenBytes)}, AdamW ${fmt(m.optimizerBytes)}, total ${fmt(m.totalBytes)}`,
      );
    }
    // LoRA r=16 on all 7 projections of 42 layers: 16 * (in + out) each, plus the score head.
    const d = 3584;
    const f = 14336;
    const perLayer = 16 * (d + 4096 + (d + 2048) * 2 + 4096 + d + (d + f) * 3);
    expect(rows['lora r=16'].trainableParams).toBe(42 * perLayer + 3 * d);
    expect(rows['qlora r=16'].trainableParams).toBe(rows['lora r=16'].trainableParams);
    expect(rows['qlora r=16'].frozenBytes).toBeLessThan(rows['lora r=16'].frozenBytes * 0.35);
    expect(rows['full-ft'].optimizerBytes).toBe(rows['full-ft'].trainableParams * 8);
  });
});

describe('prediction vs measurement', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });
  it('tiny-gemma2 under qlora and lora: predicted bytes equal measured', () => {
    for (const adapter of [qlora({ r: 4 }), lora({ r: 4 })]) {
      const model = loadGemma(join(FIXTURES, 'tiny-gemma2'), { adapter });
      const inv: ModelInventory = {
        linears: linearSites(model.config),
        params: [...model.params].map(([name, t]) => ({
          name,
          role: name === 'score.weight' ? 'head' : name.includes('embed') ? 'embedding' : 'norm',
          numel: t.size,
        })),
      };
      const predicted = predictMemory(inv, adapter);
      const measured = measureMemory(
        model.linears.values(),
        [...model.params.values()].map((t) => ({
          numel: t.size,
          trainable: t instanceof tf.Variable,
        })),
      );
      console.log(`tiny-gemma2 ${adapter.name}: predicted ${JSON.stringify(predicted)}`);
      expect(measured).toEqual(predicted);
      model.dispose();
    }
  });
});

/**
 * Full fine-tune gradients against grads_full (every parameter) on the cpu backend, plain and
 * checkpointed training steps, packed and padded, and tensor-count stability across steps.
 */
import { tf } from '@gft/core';
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
import { trainStep, trainStepAsync } from './train-step.js';

function build(configDir: string, weightsDir: string): GemmaModel {
  const weights = checkpointStore(fixture(weightsDir));
  try {
    return GemmaModel.build({
      config: readConfig(fixture(configDir, 'config.json')),
      weights,
      adapter: fullFineTune(),
    });
  } finally {
    weights.close?.();
  }
}

const CASES = [
  {
    name: 'tiny-gemma2',
    configDir: 'tiny-gemma2',
    weightsDir: 'tiny-gemma2',
    grads: 'tiny-gemma2',
  },
  { name: 'tiny-gemma', configDir: 'tiny-gemma', weightsDir: 'tiny-gemma', grads: 'tiny-gemma' },
  {
    name: 'gemma2-strongcap',
    configDir: 'variants/gemma2-strongcap',
    weightsDir: 'tiny-gemma2',
    grads: 'variants/gemma2-strongcap',
  },
];

describe('full fine-tune gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of CASES) {
    it(`${c.name}: every parameter's gradient matches grads_full (plain packed, checkpointed padded)`, () => {
      const exp = readTensors(fixture(c.grads, 'grads_full.safetensors'));
      const model = build(c.configDir, c.weightsDir);
      const { packed, padded } = packed3();
      const variants = [
        { label: 'plain packed', mb: packed, checkpoint: false },
        { label: 'checkpointed padded', mb: padded, checkpoint: true },
      ];
      const ok: boolean[] = [];
      for (const v of variants) {
        const r = trainStep(model, v.mb, { checkpoint: v.checkpoint });
        expect([...r.grads.keys()].sort()).toEqual(exp.names());
        let worst = 0;
        for (const [name, g] of r.grads) {
          const e = exp.readF32(name);
          const a = g.dataSync();
          let diff = 0;
          let scale = 0;
          for (let i = 0; i < e.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
          }
          worst = Math.max(worst, diff / (scale || 1));
          if (!(diff <= 1e-3 * scale)) ok.push(within(`${c.name} ${v.label} ${name}`, a, e, 1e-3));
        }
        console.log(
          `${c.name} ${v.label}: worst gradient error (max|diff| / max|e|) over ${r.grads.size} tensors: ${worst.toExponential(3)}`,
        );
        ok.push(worst <= 1e-3);
        tf.dispose([...r.grads.values()]);
      }
      model.dispose();
      exp.close();
      expect(ok.every(Boolean)).toBe(true);
    });
  }

  it('tiny-gemma2: checkpointed and plain steps agree, and no tensor leaks across steps', () => {
    const model = build('tiny-gemma2', 'tiny-gemma2');
    const { packed } = packed3();
    const a = trainStep(model, packed);
    const b = trainStep(model, packed, { checkpoint: true });
    // 5-row MLP chunks: several chunks, the last one partial.
    const c = trainStep(model, packed, { checkpoint: true, mlpChunkRows: 5 });
    expect(within('plain vs checkpointed loss', [b.loss], [a.loss], 0, 1e-7)).toBe(true);
    expect(within('plain vs chunked checkpointed loss', [c.loss], [a.loss], 0, 1e-7)).toBe(true);
    for (const [label, r] of [
      ['checkpointed', b],
      ['checkpointed, MLP in 5-row chunks', c],
    ] as const) {
      let worst = 0;
      for (const [k, g] of a.grads) {
        worst = Math.max(worst, tf.max(tf.abs(tf.sub(g, r.grads.get(k)!))).dataSync()[0]);
      }
      console.log(`plain vs ${label} gradients: max|diff| ${worst.toExponential(3)}`);
      expect(worst).toBeLessThan(1e-6);
    }
    tf.dispose([...a.grads.values(), ...b.grads.values(), ...c.grads.values()]);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const checkpoint of [false, true])
        tf.dispose([...trainStep(model, packed, { checkpoint }).grads.values()]);
      counts.push(tf.memory().numTensors);
    }
    console.log('numTensors after steps', counts);
    expect(new Set(counts).size).toBe(1);
    model.dispose();
  });

  it('trainStepAsync (await data(), no dataSync) gives the same loss, logits and gradients', async () => {
    const model = build('tiny-gemma2', 'tiny-gemma2');
    const { packed } = packed3();
    for (const checkpoint of [false, true]) {
      const a = trainStep(model, packed, { checkpoint, lossScale: 0.5 });
      const before = tf.memory().numTensors;
      const b = await trainStepAsync(model, packed, { checkpoint, lossScale: 0.5 });
      expect(tf.memory().numTensors).toBe(before + b.grads.size);
      expect(b.loss).toBe(a.loss);
      expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
      let worst = 0;
      for (const [k, g] of a.grads)
        worst = Math.max(worst, tf.max(tf.abs(tf.sub(g, b.grads.get(k)!))).dataSync()[0]);
      console.log(
        `checkpoint=${checkpoint}: sync vs async loss ${a.loss} / ${b.loss}, max|grad diff| ${worst}`,
      );
      expect(worst).toBe(0);
      tf.dispose([...a.grads.values(), ...b.grads.values()]);
    }
    model.dispose();
  });
});

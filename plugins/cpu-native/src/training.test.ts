/**
 * cpu-native trains Gemma with every technique without leaving native code: a strict backend
 * (any JavaScript fallback throws) runs AdamW steps of `tiny` with full-ft, lora and qlora,
 * plain and checkpointed, packed and padded; the losses match tfjs-cpu's, and the tensor count
 * stays flat across steps.
 */
import {
  type Adapter,
  adamW,
  type MicroBatch,
  paddedMicroBatch,
  type TokenizedRow,
  tf,
} from '@gft/core';
import { needs } from '@gft/core/testing';
import { GemmaModel, preset, randomWeights, trainStep } from '@gft/gemma';
import { fullFineTune } from '@gft/plugin-full-ft';
import { lora } from '@gft/plugin-lora';
import { qlora } from '@gft/plugin-qlora';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuNative, nativeAvailability } from './index.js';

const availability = nativeAvailability();
const native = needs('cpu-native', () => (availability.ok ? undefined : availability.reason));
const LENGTHS = [37, 64, 20, 51];
const STEPS = 3;

function rows(): TokenizedRow[] {
  let s = 11;
  return LENGTHS.map((len, b) => {
    const ids = new Int32Array(len);
    for (let t = 0; t < len; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      ids[t] = 3 + (s % 509);
    }
    const label = new Float32Array(3);
    label[b % 3] = 1;
    return { id: `r${b}`, ids, label };
  });
}

function packed(rs: TokenizedRow[]): MicroBatch {
  const seqLens = rs.map((r) => r.ids.length);
  const total = seqLens.reduce((a, b) => a + b, 0);
  const inputIds = new Int32Array(total);
  const positionIds = new Int32Array(total);
  const cuSeqlens = new Int32Array(rs.length + 1);
  const labels = new Float32Array(rs.length * 3);
  rs.forEach((r, b) => {
    cuSeqlens[b + 1] = cuSeqlens[b] + r.ids.length;
    inputIds.set(r.ids, cuSeqlens[b]);
    for (let t = 0; t < r.ids.length; t++) positionIds[cuSeqlens[b] + t] = t;
    labels.set(r.label, b * 3);
  });
  return {
    layout: 'packed',
    batchSize: rs.length,
    inputIds,
    positionIds,
    seqLens,
    cuSeqlens,
    maxSeqLen: Math.max(...seqLens),
    labels,
  };
}

const TECHNIQUES: Record<string, () => Adapter> = {
  'full-ft': () => fullFineTune(),
  lora: () => lora({ r: 4, alpha: 8, seed: 2 }),
  qlora: () => qlora({ r: 4, alpha: 8, seed: 2 }),
};

function losses(
  technique: string,
  mb: MicroBatch,
  checkpoint: boolean,
): { losses: number[]; tensorDrift: number } {
  // The fixture-sized vocabulary keeps the tfjs-cpu reference quick; ids stay below 512.
  const config = { ...preset('tiny'), vocabSize: 512 };
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 4, std: 0.05 }),
    adapter: TECHNIQUES[technique](),
  });
  const optimizer = adamW(model.trainableVariables(), { weightDecay: 0.01 });
  const out: number[] = [];
  let tensorsAfterFirst = 0;
  try {
    for (let i = 0; i < STEPS; i++) {
      const r = trainStep(model, mb, { checkpoint });
      out.push(r.loss);
      optimizer.step(r.grads, 1e-3);
      tf.dispose([...r.grads.values()]);
      if (i === 0) tensorsAfterFirst = tf.memory().numTensors;
    }
    return { losses: out, tensorDrift: tf.memory().numTensors - tensorsAfterFirst };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

describe.skipIf(!native.ok)(native.title('cpu-native training'), () => {
  const mbs = { packed: packed(rows()), padded: paddedMicroBatch(rows(), 0, false) };
  const reference = new Map<string, number[]>();
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const technique of Object.keys(TECHNIQUES)) {
      reference.set(technique, losses(technique, mbs.packed, false).losses);
    }
    await cpuNative({ strict: true }).setup();
  });

  for (const technique of Object.keys(TECHNIQUES)) {
    for (const layout of ['packed', 'padded'] as const) {
      for (const checkpoint of [false, true]) {
        it(`${technique}, ${layout}${checkpoint ? ', checkpointed' : ''}: natively, matching tfjs-cpu`, () => {
          expect(tf.getBackend()).toBe('cpu-native');
          const run = losses(technique, mbs[layout], checkpoint);
          const ref = reference.get(technique) ?? [];
          const worst = Math.max(
            ...run.losses.map((l, i) => Math.abs(l - ref[i]) / Math.abs(ref[i])),
          );
          console.log(
            `${technique} ${layout} ckpt=${checkpoint}: losses ${run.losses.map((l) => l.toFixed(6)).join(' ')}, worst relative diff vs cpu ${worst.toExponential(2)}`,
          );
          expect(worst).toBeLessThan(2e-4);
          expect(run.tensorDrift).toBe(0);
        });
      }
    }
  }
});

/**
 * cpu-native trains Gemma-2 and Gemma v1 with every technique (full-ft, lora, qlora and the
 * DoRA example) without leaving native code: a strict backend (any JavaScript fallback
 * throws) runs AdamW steps, plain and checkpointed, packed and padded; the losses match
 * tfjs-cpu's, and the tensor count stays flat across steps.
 */
import { adamW, type MicroBatch, paddedMicroBatch, tf } from '@gft/core';
import { trainStep } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  FAMILIES,
  fallbackReport,
  native,
  packedMicroBatch,
  STRICT_NATIVE,
  seededRows,
  TECHNIQUES,
  useCpu,
} from './test-support.js';

const LENGTHS = [37, 64, 20, 51];
const STEPS = 3;

function losses(
  family: string,
  technique: string,
  mb: MicroBatch,
  checkpoint: boolean,
): { losses: number[]; tensorDrift: number } {
  const model = buildModel(family, technique);
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
  const rows = seededRows(LENGTHS);
  const mbs = { packed: packedMicroBatch(rows), padded: paddedMicroBatch(rows, 0, false) };
  const reference = new Map<string, number[]>();
  beforeAll(async () => {
    await useCpu();
    for (const family of Object.keys(FAMILIES)) {
      for (const technique of Object.keys(TECHNIQUES)) {
        reference.set(
          `${family} ${technique}`,
          losses(family, technique, mbs.packed, false).losses,
        );
      }
    }
    await STRICT_NATIVE.setup();
  });

  for (const family of Object.keys(FAMILIES)) {
    for (const technique of Object.keys(TECHNIQUES)) {
      for (const layout of ['packed', 'padded'] as const) {
        for (const checkpoint of [false, true]) {
          const name = `${family} ${technique}, ${layout}${checkpoint ? ', checkpointed' : ''}`;
          it(`${name}: natively, matching tfjs-cpu`, () => {
            expect(tf.getBackend()).toBe(STRICT_NATIVE.name);
            const run = losses(family, technique, mbs[layout], checkpoint);
            const ref = reference.get(`${family} ${technique}`) ?? [];
            const worst = Math.max(
              ...run.losses.map((l, i) => Math.abs(l - ref[i]) / Math.abs(ref[i])),
            );
            console.log(
              `${name}: losses ${run.losses.map((l) => l.toFixed(6)).join(' ')}, worst relative diff vs cpu ${worst.toExponential(2)}`,
            );
            expect(worst).toBeLessThan(2e-4);
            expect(run.tensorDrift).toBe(0);
          });
        }
      }
    }
  }

  it('nothing fell back to JavaScript, and strict mode was live', () => {
    const report = fallbackReport();
    expect(report.fallbacks).toEqual({});
    expect(report.strict).toBe(true);
  });
});

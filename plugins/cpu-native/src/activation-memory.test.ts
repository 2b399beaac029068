/**
 * The memory model against the native engine's exact allocation high-water mark: for
 * full-ft, LoRA and QLoRA, plain and checkpointed, on two shapes (`small`, and one with every
 * dimension changed), the predicted step peak (weights, trainables, AdamW moments and @gft/gemma's
 * activation model) is within 10% of the peak cpu-native counted during real runner steps.
 */
import { type MicroBatch, train, variableParams } from '@gft/core';
import {
  activationMemory,
  type GemmaConfig,
  GemmaModel,
  gemmaTrainableModel,
  preset,
  randomWeights,
} from '@gft/gemma';
import { describe, expect, it } from 'vitest';
import { cpuNative } from './index.js';
import { native, packedMicroBatch, seededRows, TECHNIQUES } from './test-support.js';

const SHAPES: Record<string, GemmaConfig> = {
  // The default bench's model: its 256k x 256 embedding makes full fine-tuning's peak the
  // optimizer's update of that one tensor.
  small: preset('small'),
  'every dimension changed': {
    ...preset('small'),
    vocabSize: 512,
    hiddenSize: 192,
    intermediateSize: 704,
    numLayers: 3,
    numHeads: 6,
    numKvHeads: 3,
    headDim: 40,
    queryPreAttnScalar: 40,
  },
};

const ROWS = [384, 512, 256, 384, 512];
const RANK = 4;

async function measure(
  config: GemmaConfig,
  technique: string,
  checkpoint: boolean,
): Promise<{ predicted: number; measured: number }> {
  const backend = cpuNative();
  await backend.setup();
  const model = GemmaModel.build({
    config,
    weights: randomWeights(config, { seed: 4, std: 0.05 }),
    adapter: TECHNIQUES[technique](),
  });
  const vars = model.trainableVariables();
  const trainable = gemmaTrainableModel(model, { checkpoint });
  const mb: MicroBatch = packedMicroBatch(seededRows(ROWS));
  const peaks: number[] = [];
  try {
    await train({
      model: trainable,
      steps: 3,
      schedule: { lr: 1e-5 },
      backend,
      data: async function* () {
        for (;;) yield [mb];
      },
      onEvent: (e) => {
        if (e.type === 'step') peaks.push(e.peakBackendBytes ?? 0);
      },
    });
    const trainableBytes = 4 * variableParams(vars.values());
    const step = activationMemory(config, {
      profile: technique === 'full-ft' ? 'dense' : 'low-rank',
      tokens: mb.inputIds.length,
      checkpoint,
      rank: RANK,
      trainableBytes,
      largestTrainableBytes: 4 * Math.max(...[...vars.values()].map((v) => v.size)),
    });
    // Weights, trainables and AdamW's two moments, then what the step adds.
    const predicted = model.memory().frozenBytes + 3 * trainableBytes + step.peakBytes;
    return { predicted, measured: Math.max(...peaks) };
  } finally {
    model.dispose();
  }
}

describe.skipIf(!native.ok)(native.title('memory model vs cpu-native peak'), () => {
  for (const [shape, config] of Object.entries(SHAPES)) {
    for (const technique of ['full-ft', 'lora', 'qlora']) {
      for (const checkpoint of [false, true]) {
        it(`${shape}, ${technique}, checkpoint=${checkpoint}: predicted peak within 10%`, async () => {
          const { predicted, measured } = await measure(config, technique, checkpoint);
          console.log(
            `${shape}, ${technique}, checkpoint=${checkpoint}: predicted ${(predicted / 2 ** 20).toFixed(1)} MiB, measured ${(measured / 2 ** 20).toFixed(1)} MiB`,
          );
          expect(measured).toBeGreaterThan(0);
          expect(Math.abs(predicted / measured - 1)).toBeLessThan(0.1);
        });
      }
    }
  }
});

/** `gft train`: fine-tune a preset with one plugin set; checkpoints and resume. */
import {
  describePluginSet,
  directoryCheckpointStore,
  type RunEventListener,
  train,
} from '@gft/core';
import type { RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';
import { buildModel, loaderBatches, pluginSet, trainSource } from '../session.js';

export async function trainCommand(config: RunConfig, onEvent: RunEventListener, resume: boolean) {
  const set = await pluginSet(config, cliRegistry());
  const { model, vocabSize } = buildModel(config, set);
  try {
    return await train({
      model,
      data: trainSource(config, set, vocabSize),
      steps: config.steps,
      schedule: { lr: config.lr, warmupSteps: config.lrWarmupSteps, decay: config.decay },
      optimizer: { weightDecay: config.weightDecay },
      clipGradNorm: config.clipGradNorm,
      timingWarmupSteps: config.warmupSteps,
      checkpoint:
        config.checkpointDir && config.checkpointEvery > 0
          ? {
              store: directoryCheckpointStore(config.checkpointDir),
              everySteps: config.checkpointEvery,
            }
          : undefined,
      resume,
      seed: config.seed,
      evaluation:
        config.evalRows > 0
          ? {
              data: loaderBatches(config, set, vocabSize, config.evalRows, config.seed + 1_000_003),
            }
          : undefined,
      onEvent,
      plugins: Object.fromEntries(
        describePluginSet(set)
          .split(' ')
          .map((kv) => kv.split('=')),
      ),
      config: { preset: config.preset, batchSize: config.batchSize, maxTokens: config.maxTokens },
      backend: set.backend,
    });
  } finally {
    model.dispose();
  }
}

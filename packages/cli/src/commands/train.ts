/** `gft train`: fine-tune a preset or checkpoint with one plugin set; checkpoints and resume. */
import {
  describePluginSet,
  directoryCheckpointStore,
  type PluginSet,
  type RunEventListener,
  train,
} from '@gft/core';
import { loadRunRows, type RunRows } from '../arena-data.js';
import { evalRowsFor, type RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';
import { describeHead } from '../run-head.js';
import { buildModel, checkVocab, evalBatches, pluginSet, trainSource } from '../session.js';

/**
 * Trains; `rows` are already tokenized rows (bench passes them to every cell), otherwise
 * they are read and tokenized here.
 */
export async function trainCommand(
  config: RunConfig,
  onEvent: RunEventListener,
  resume: boolean,
  rows?: RunRows,
  /** Called once the model is built, before the first step (bench cells measure there). */
  onBuilt?: (set: PluginSet) => void,
) {
  const set = await pluginSet(config, cliRegistry());
  const data = rows ?? (await loadRunRows(config, set.tokenizer, 'train'));
  const { model, vocabSize, head } = await buildModel(config, set);
  try {
    onBuilt?.(set);
    checkVocab([...data.train, ...data.eval], vocabSize, config);
    const evaluation =
      evalRowsFor(config, 'train') > 0 && data.eval.length > 0
        ? {
            data: evalBatches(data.eval, config, set),
            swapped: data.evalSwapped && evalBatches(data.evalSwapped, config, set),
          }
        : undefined;
    return await train({
      model,
      data: trainSource(data.train, config, set),
      steps: config.steps,
      schedule: { lr: config.lr, warmupSteps: config.lrWarmupSteps, decay: config.decay },
      optimizer: { weightDecay: config.weightDecay },
      clipGradNorm: config.clipGradNorm,
      timingWarmupSteps: config.warmupSteps,
      // With --resume and no --checkpointEvery the runner keeps the checkpoint's own cadence.
      checkpoint:
        config.checkpointDir && (config.checkpointEvery > 0 || resume)
          ? {
              store: directoryCheckpointStore(config.checkpointDir),
              everySteps: config.checkpointEvery,
            }
          : undefined,
      resume,
      seed: config.seed,
      evaluation,
      onEvent,
      plugins: Object.fromEntries(
        describePluginSet(set)
          .split(' ')
          .map((kv) => kv.split('=')),
      ),
      config: {
        preset: config.model ?? config.preset,
        data: data.source,
        trainRows: data.train.length,
        evalRows: data.eval.length,
        batchSize: config.batchSize,
        maxTokens: config.maxTokens,
        maxSequenceLength: config.maxSequenceLength,
        head: describeHead(head),
      },
      backend: set.backend,
    });
  } finally {
    model.dispose();
  }
}

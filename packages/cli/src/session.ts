/**
 * One run's parts from a config: the plugin set (by name through the registry), the model
 * (a Gemma preset with random init, wrapped for the runner) and the loader batches.
 */
import {
  arrayBatchSource,
  type BatchSource,
  type MicroBatch,
  type PluginRegistry,
  type PluginSet,
  resolvePluginSet,
  type TrainableModel,
} from '@gft/core';
import { GemmaModel, preset, randomWeights } from '@gft/gemma';
import type { RunConfig } from './config.js';
import { gemmaTrainableModel } from './gemma-trainable.js';
import { syntheticTokenRows } from './synthetic-rows.js';

export async function pluginSet(config: RunConfig, registry: PluginRegistry): Promise<PluginSet> {
  const plugins = await Promise.all([
    registry.create('adapter', config.adapter, config.adapterOptions),
    registry.create('collator', config.collator),
    registry.create('backend', config.backend),
    registry.create('tokenizer', config.tokenizer),
  ]);
  const set = resolvePluginSet(plugins, { registry });
  await set.backend.setup();
  return set;
}

export function buildModel(
  config: RunConfig,
  set: PluginSet,
): { model: TrainableModel; vocabSize: number } {
  const gemmaConfig = preset(config.preset);
  const gemma = GemmaModel.build({
    config: gemmaConfig,
    weights: randomWeights(gemmaConfig, { seed: config.seed }),
    adapter: set.adapter,
    scoreSeed: config.seed,
  });
  return {
    model: gemmaTrainableModel(gemma, { checkpoint: config.activationCheckpointing }),
    vocabSize: gemmaConfig.vocabSize,
  };
}

/** Loader batches of synthetic rows collated by the set's collator. */
export function loaderBatches(
  config: RunConfig,
  set: PluginSet,
  vocabSize: number,
  rows: number,
  seed: number,
): MicroBatch[][] {
  const all = syntheticTokenRows(rows, {
    seed,
    vocabSize,
    maxLen: config.maxSequenceLength,
    prefix: `s${seed}-`,
  });
  const batches: MicroBatch[][] = [];
  for (let i = 0; i < all.length; i += config.batchSize) {
    batches.push(
      set.collator.collate(all.slice(i, i + config.batchSize), {
        maxTokens: config.maxTokens,
        padId: 0,
      }),
    );
  }
  return batches;
}

export function trainSource(config: RunConfig, set: PluginSet, vocabSize: number): BatchSource {
  return arrayBatchSource(loaderBatches(config, set, vocabSize, config.rows, config.seed));
}

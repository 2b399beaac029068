/**
 * One run's parts from a config: the plugin set (by name through the registry), the model
 * (a Gemma preset with random init, or a Hugging Face checkpoint, wrapped for the runner)
 * and the loaders that turn tokenized rows into loader batches of micro-batches. Reading
 * and tokenizing rows is arena-data.ts's job.
 */
import { join } from 'node:path';
import { createLoader } from '@gft/arena';
import {
  type BatchSource,
  GftError,
  hfTokenizer,
  type MicroBatch,
  type PluginRegistry,
  type PluginSet,
  resolvePluginSet,
  type TokenizedRow,
  type Tokenizer,
  type TrainableModel,
} from '@gft/core';
import {
  type GemmaConfig,
  GemmaModel,
  gemmaTrainableModel,
  type HeadSpec,
  loadGemma,
  preset,
  randomWeights,
  readGemmaConfig,
} from '@gft/gemma';
import { buildProgress } from './build-progress.js';
import { collectGarbage } from './collect-garbage.js';
import { adapterOptionsFor, type RunConfig } from './config.js';
import { describeHead, runHead } from './run-head.js';

/** The tokenizer a run uses by name: explicit, else none with a checkpoint (its tokenizer.json). */
export function tokenizerName(config: RunConfig): string | undefined {
  return config.tokenizer ?? (config.model ? undefined : 'gemma2');
}

/** The run's tokenizer alone (no plugin set), for commands that only read data. */
export async function runTokenizer(
  config: RunConfig,
  registry: PluginRegistry,
): Promise<Tokenizer> {
  const name = tokenizerName(config);
  return name
    ? ((await registry.create('tokenizer', name)) as Tokenizer)
    : hfTokenizer({ file: join(config.model!, 'tokenizer.json') });
}

export async function pluginSet(config: RunConfig, registry: PluginRegistry): Promise<PluginSet> {
  const name = tokenizerName(config);
  const plugins = await Promise.all([
    registry.create('adapter', config.adapter, adapterOptionsFor(config, config.adapter)),
    registry.create('collator', config.collator),
    registry.create(
      'backend',
      config.backend,
      config.threads !== undefined ? { threads: config.threads } : undefined,
    ),
    ...(name ? [registry.create('tokenizer', name)] : []),
  ]);
  const set = resolvePluginSet(plugins, { registry, checkpointDir: config.model });
  await set.backend.setup();
  return set;
}

/** The run's model shape: the checkpoint's config.json, else the preset's. */
export function runGemmaConfig(config: RunConfig): GemmaConfig {
  return config.model ? readGemmaConfig(config.model) : preset(config.preset);
}

/**
 * The run's model with its head (run-head.ts). Checkpoint tensors the head leaves unread (a
 * trained `score.weight` under the verdict head) are reported on stderr, not dropped quietly.
 */
export async function buildModel(
  config: RunConfig,
  set: PluginSet,
): Promise<{ model: TrainableModel; vocabSize: number; head: HeadSpec }> {
  const head = await runHead(config, set.tokenizer);
  const gemma = config.model
    ? loadGemma(config.model, {
        adapter: set.adapter,
        head,
        scoreSeed: config.seed,
        onProgress: buildProgress(config.model),
      })
    : (() => {
        const gemmaConfig = preset(config.preset);
        return GemmaModel.build({
          config: gemmaConfig,
          // A random score head under the verdict head would only be reported as unused.
          weights: randomWeights(gemmaConfig, {
            seed: config.seed,
            withScore: head.kind === 'classification',
          }),
          adapter: set.adapter,
          head,
          scoreSeed: config.seed,
          onProgress: buildProgress(`${config.preset} (${set.adapter.name}, random init)`),
        });
      })();
  for (const name of gemma.unusedWeights) {
    process.stderr.write(
      `gft: warning: ${config.model ?? config.preset}: '${name}' is not used by the ${describeHead(head)} head ` +
        '(it reads the tied embedding rows of the verdict tokens); its trained values play no part in this run\n',
    );
  }
  collectGarbage();
  return {
    model: gemmaTrainableModel(gemma, { checkpoint: config.activationCheckpointing }),
    vocabSize: gemma.config.vocabSize,
    head,
  };
}

/** Every id must index the model's embedding: a mismatched preset and tokenizer fail here. */
export function checkVocab(
  rows: readonly TokenizedRow[],
  vocabSize: number,
  config: RunConfig,
): void {
  for (const row of rows) {
    for (const id of row.ids) {
      if (id >= vocabSize || id < 0) {
        throw new GftError(
          'BAD_CONFIG',
          `row ${row.id} has token id ${id}, outside the model's vocabulary of ${vocabSize} ` +
            `(${config.model ?? `preset ${config.preset}`}, tokenizer ${tokenizerName(config) ?? 'tokenizer.json'}); ` +
            "use a preset with the tokenizer's vocabulary (tiny, small, gemma2-*) or a matching tokenizer",
          { where: row.id },
        );
      }
    }
  }
}

/**
 * Training batches: a seeded, per-epoch shuffled loader over `rows`. The source restarts at
 * any batch index (epoch = index / batches per epoch), which is what resume needs.
 */
export function trainSource(
  rows: readonly TokenizedRow[],
  config: RunConfig,
  set: PluginSet,
): BatchSource {
  if (rows.length === 0) {
    throw new GftError('BAD_INPUT', 'no training rows (the train folds are empty)', {
      where: 'rows',
    });
  }
  const loader = createLoader(rows, {
    collator: set.collator,
    batchSize: config.batchSize,
    maxTokens: config.maxTokens,
    seed: config.seed,
    padId: set.tokenizer.specialTokens.pad,
  });
  const perEpoch = loader.batchesPerEpoch;
  return function* (start) {
    for (let epoch = Math.floor(start / perEpoch); ; epoch++) {
      const skip = epoch === Math.floor(start / perEpoch) ? start % perEpoch : 0;
      for (const batch of loader.epoch(epoch)) {
        if (batch.index >= skip) yield batch.microBatches;
      }
    }
  };
}

/** Evaluation batches in row order (no shuffle). */
export function evalBatches(
  rows: readonly TokenizedRow[],
  config: RunConfig,
  set: PluginSet,
  keepText = false,
): MicroBatch[][] {
  const loader = createLoader(rows, {
    collator: set.collator,
    batchSize: config.batchSize,
    maxTokens: config.maxTokens,
    shuffle: false,
    padId: set.tokenizer.specialTokens.pad,
    keepText,
  });
  return [...loader.epoch(0)].map((b) => b.microBatches);
}

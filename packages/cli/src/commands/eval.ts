/** `gft eval` and `gft predict`: the model (restored from a checkpoint when given) on held-out rows. */
import { join } from 'node:path';
import {
  directoryCheckpointStore,
  evaluate,
  GftError,
  predict,
  type TrainableModel,
  tf,
} from '@gft/core';
import type { RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';
import { buildModel, loaderBatches, pluginSet } from '../session.js';

async function restoreParams(model: TrainableModel, dir: string): Promise<number> {
  const ckpt = await directoryCheckpointStore(dir).loadLatest();
  if (!ckpt)
    throw new GftError(
      'BAD_CHECKPOINT',
      `no checkpoint in ${dir} (expected step-NNNNNNNN/ folders written by gft train)`,
      { where: dir },
    );
  for (const [name, v] of model.trainableVariables()) {
    const t = ckpt.tensors.get(`param.${name}`);
    if (!t)
      throw new GftError('BAD_CHECKPOINT', `checkpoint in ${dir} has no tensor for '${name}'`, {
        where: name,
      });
    tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, v.dtype)));
  }
  return ckpt.step;
}

async function setup(config: RunConfig) {
  const set = await pluginSet(config, cliRegistry());
  const { model, vocabSize } = buildModel(config, set);
  const step = config.checkpointDir ? await restoreParams(model, config.checkpointDir) : 0;
  const rows = Math.max(1, config.evalRows);
  const data = loaderBatches(config, set, vocabSize, rows, config.seed + 1_000_003);
  return { model, data, step };
}

export async function evalCommand(config: RunConfig) {
  const { model, data, step } = await setup(config);
  try {
    return { step, ...(await evaluate(model, data)) };
  } finally {
    model.dispose();
  }
}

export async function predictCommand(config: RunConfig) {
  const { model, data, step } = await setup(config);
  const out = join(config.out, 'submission.csv');
  try {
    const p = await predict(model, data, { out });
    return { step, rows: p.ids.length, out };
  } finally {
    model.dispose();
  }
}

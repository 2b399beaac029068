/** `gft eval` and `gft predict`: the model (restored from a checkpoint when given) on held-out rows. */
import { join } from 'node:path';
import {
  directoryCheckpointStore,
  evaluate,
  GftError,
  predict,
  restoreLatest,
  type TrainableModel,
} from '@gft/core';
import { loadRunRows, type RowsPurpose } from '../arena-data.js';
import type { RunConfig } from '../config.js';
import { cliRegistry } from '../registry.js';
import { describeHead } from '../run-head.js';
import { buildModel, checkVocab, evalBatches, pluginSet } from '../session.js';

/** Restores the newest intact checkpoint of `dir` (parameters only); warns for damaged newer ones. */
async function restoreParams(model: TrainableModel, dir: string): Promise<number> {
  const restored = await restoreLatest({
    store: directoryCheckpointStore(dir),
    model,
    onWarning: (w) => process.stderr.write(`gft: warning: ${w.message}\n`),
  });
  if (!restored)
    throw new GftError(
      'BAD_CHECKPOINT',
      `no checkpoint in ${dir} (expected step-NNNNNNNN/ folders written by gft train)`,
      { where: dir },
    );
  return restored.step;
}

/** The model (restored when --checkpointDir is given) and the validation (or test) rows. */
async function setup(config: RunConfig, purpose: RowsPurpose) {
  const set = await pluginSet(config, cliRegistry());
  const rows = await loadRunRows(config, set.tokenizer, purpose);
  const { model, vocabSize, head } = await buildModel(config, set);
  try {
    checkVocab(rows.eval, vocabSize, config);
    const step = config.checkpointDir ? await restoreParams(model, config.checkpointDir) : 0;
    const data = evalBatches(rows.eval, config, set);
    const swapped = rows.evalSwapped && evalBatches(rows.evalSwapped, config, set);
    return { model, data, swapped, step, source: rows.source, head: describeHead(head) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export async function evalCommand(config: RunConfig) {
  const { model, data, swapped, step, source, head } = await setup(config, 'eval');
  try {
    return { step, data: source, head, ...(await evaluate(model, data, { swapped })) };
  } finally {
    model.dispose();
  }
}

export async function predictCommand(config: RunConfig) {
  const { model, data, swapped, step, source, head } = await setup(config, 'predict');
  const out = join(config.out, 'submission.csv');
  try {
    const p = await predict(model, data, { out, swapped });
    return {
      step,
      data: source,
      head,
      rows: p.ids.length,
      swapAveraged: p.swapAveraged,
      out,
    };
  } finally {
    model.dispose();
  }
}

/**
 * Resuming from the newest checkpoint that is intact. A run killed while the disk filled,
 * a file truncated by a copy, a byte rotted in storage: the newest checkpoint may be damaged
 * while an older one is fine, and losing a few steps beats losing the run. Each damaged one
 * is reported through `onWarning`, never skipped silently.
 */
import { GftError } from '../errors/gft-error.js';
import type { AdamW } from './adamw.js';
import { restoreCheckpoint, unusedParams } from './checkpoint.js';
import type { CheckpointStore } from './checkpoint-store.js';
import type { TrainableModel } from './trainable-model.js';

export interface CheckpointWarning {
  message: string;
  /** The checkpoint, and the file, tensor or field in it that was wrong. */
  where: string;
}

export interface RestoreLatestOptions {
  store: CheckpointStore;
  model: TrainableModel;
  /** Restored too when given; without it only parameters and model state (eval, predict). */
  optimizer?: AdamW;
  /**
   * Called for each damaged checkpoint passed over, before the next older one is tried, and
   * for parameters of the restored checkpoint that the model does not train.
   */
  onWarning?: (warning: CheckpointWarning) => void;
}

/**
 * Loads the newest checkpoint of `store` that loads and validates into `model` (and
 * `optimizer`); returns its step, location and run state, or undefined when the store has none. A
 * damaged checkpoint assigns nothing. Throws BAD_CHECKPOINT listing every checkpoint's
 * problem when none is intact; other errors (a bug, out of memory) are not a damaged
 * checkpoint and propagate at once.
 */
export async function restoreLatest(
  options: RestoreLatestOptions,
): Promise<{ step: number; location: string; state: Record<string, unknown> } | undefined> {
  const { store, model, optimizer, onWarning } = options;
  const locations = store.list();
  if (locations.length === 0) return undefined;
  const problems: string[] = [];
  for (const [i, location] of locations.entries()) {
    try {
      const ckpt = await store.load(location);
      const step = restoreCheckpoint(ckpt, model, optimizer);
      const unused = unusedParams(ckpt, model);
      if (unused.length > 0) {
        onWarning?.({
          message: `checkpoint ${location} holds ${unused.length} parameter(s) this model does not train, left unused: ${unused.join(', ')} (a run with another head or technique wrote it?)`,
          where: `${location}: param.${unused[0]}`,
        });
      }
      return { step, location, state: ckpt.state };
    } catch (error) {
      if (!GftError.isInstance(error) || error.code !== 'BAD_CHECKPOINT') throw error;
      const where = error.where?.includes(location)
        ? error.where
        : `${location}${error.where ? `: ${error.where}` : ''}`;
      const problem = error.message.includes(location)
        ? error.message
        : `${location}: ${error.message}`;
      problems.push(problem);
      const next = locations[i + 1];
      onWarning?.({
        message: `checkpoint ${location} skipped: ${error.message}. ${next ? `Trying the older ${next}.` : 'No older checkpoint is left.'}`,
        where,
      });
    }
  }
  throw new GftError(
    'BAD_CHECKPOINT',
    `no intact checkpoint to resume from; each of the ${locations.length} failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { where: locations.join(', ') },
  );
}

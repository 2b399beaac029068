/**
 * Turning a training run into checkpoint data and back: trainable variables by name,
 * optimizer moments (`m.<name>`, `v.<name>`), the step, and JSON run state (seed, data
 * position, model state). The file format is the store's business (checkpoint-store.ts).
 */
import { GftError } from '../errors/gft-error.js';
import { tf } from '../tf.js';
import type { AdamW } from './adamw.js';
import type { CheckpointData, CheckpointTensor } from './checkpoint-store.js';
import type { TrainableModel } from './trainable-model.js';

const PARAM = 'param.';
const OPT = 'optimizer.';

// `data()`, not `dataSync()`: backends such as WebGPU in Node can only read back asynchronously.
async function read(v: tf.Variable): Promise<CheckpointTensor> {
  const data = await v.data();
  return {
    dtype: v.dtype === 'int32' ? 'int32' : 'float32',
    shape: [...v.shape],
    data: v.dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data),
  };
}

export async function snapshot(
  step: number,
  model: TrainableModel,
  optimizer: AdamW,
  state: Record<string, unknown>,
): Promise<CheckpointData> {
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, v] of model.trainableVariables()) tensors.set(PARAM + name, await read(v));
  for (const [name, v] of optimizer.moments()) tensors.set(OPT + name, await read(v));
  return {
    step,
    tensors,
    state: { ...state, optimizerStep: optimizer.stepCount, model: model.getState?.() },
  };
}

/** Loads `ckpt` into the model and optimizer; returns the step to continue from. */
export function restoreCheckpoint(
  ckpt: CheckpointData,
  model: TrainableModel,
  optimizer: AdamW,
): number {
  for (const [name, v] of model.trainableVariables()) {
    const t = ckpt.tensors.get(PARAM + name);
    if (!t) {
      const known = [...ckpt.tensors.keys()]
        .filter((k) => k.startsWith(PARAM))
        .map((k) => k.slice(PARAM.length));
      throw new GftError(
        'BAD_CHECKPOINT',
        `checkpoint of step ${ckpt.step} has no tensor for trainable variable '${name}' (it has: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}); was it written by a run with another technique or preset?`,
        { where: name },
      );
    }
    if (t.shape.join(',') !== v.shape.join(',')) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `checkpoint tensor '${name}' has shape [${t.shape}], the model's variable has [${v.shape}]`,
        { where: name },
      );
    }
    tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, v.dtype)));
  }
  const moments = new Map<string, Float32Array>();
  for (const [key, t] of ckpt.tensors) {
    if (key.startsWith(OPT)) moments.set(key.slice(OPT.length), t.data as Float32Array);
  }
  optimizer.restore(moments, Number(ckpt.state.optimizerStep ?? ckpt.step));
  const modelState = ckpt.state.model as Record<string, unknown> | undefined;
  if (modelState && model.setState) model.setState(modelState);
  return ckpt.step;
}

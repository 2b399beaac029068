/**
 * Turning a training run into checkpoint data and back: trainable variables by name,
 * optimizer moments (`m.<name>`, `v.<name>`), the step, and JSON run state (seed, data
 * position, model state). The file format is the store's business (checkpoint-store.ts).
 */
import { GftError } from '../errors/gft-error.js';
import { tf } from '../tf.js';
import type { AdamW } from './adamw.js';
import type { CheckpointData, CheckpointTensor } from './checkpoint-store.js';
import { firstNonFinite, isCount, isPlainObject, show } from './checkpoint-validate.js';
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

/**
 * Parameters the checkpoint holds that `model` does not train (e.g. the classification head's
 * `score.weight` when the model now uses the verdict head): restoring ignores them, so callers
 * report them rather than let trained values vanish unnoticed.
 */
export function unusedParams(ckpt: CheckpointData, model: TrainableModel): string[] {
  const trained = model.trainableVariables();
  return [...ckpt.tensors.keys()]
    .filter((k) => k.startsWith(PARAM) && !trained.has(k.slice(PARAM.length)))
    .map((k) => k.slice(PARAM.length));
}

/**
 * Loads `ckpt` into the model and, when given, the optimizer; returns the step to continue
 * from. Without an optimizer only the parameters (and model state) are restored, as for
 * evaluation and prediction. Everything used is checked before anything is assigned, so a
 * checkpoint that fails (BAD_CHECKPOINT, `where` naming the tensor or state field) leaves
 * model and optimizer as they were and the caller can try an older one.
 */
export function restoreCheckpoint(
  ckpt: CheckpointData,
  model: TrainableModel,
  optimizer?: AdamW,
): number {
  const of = `checkpoint of step ${ckpt.step}`;
  const bad = (where: string, problem: string) =>
    new GftError('BAD_CHECKPOINT', `${of}: ${where} ${problem}`, { where });
  if (!isCount(ckpt.step)) throw bad('step', `is ${show(ckpt.step)}, expected an integer >= 0`);
  const state: unknown = ckpt.state;
  if (!isPlainObject(state)) throw bad('state', `is ${show(state)}, expected an object`);

  const params: [tf.Variable, CheckpointTensor][] = [];
  for (const [name, v] of model.trainableVariables()) {
    const t = ckpt.tensors.get(PARAM + name);
    if (!t) {
      const known = [...ckpt.tensors.keys()]
        .filter((k) => k.startsWith(PARAM))
        .map((k) => k.slice(PARAM.length));
      throw new GftError(
        'BAD_CHECKPOINT',
        `${of} has no tensor for trainable variable '${name}' (it has: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', ...' : ''}); was it written by a run with another technique, head or preset?`,
        { where: PARAM + name },
      );
    }
    params.push([v, checkTensor(t, PARAM + name, v, bad)]);
  }

  let moments: Map<string, Float32Array> | undefined;
  let optimizerStep = ckpt.step;
  if (optimizer) {
    moments = new Map();
    for (const [key, x] of optimizer.moments()) {
      const t = ckpt.tensors.get(OPT + key);
      if (!t) throw bad(OPT + key, 'is missing: the checkpoint has no optimizer state for it');
      const data = checkTensor(t, OPT + key, x, bad).data as Float32Array;
      // A negative second moment is a square root of a negative number at the next step.
      if (key.startsWith('v.')) {
        const at = data.findIndex((y) => y < 0);
        if (at >= 0) throw bad(OPT + key, `holds ${data[at]} at index ${at}; it must be >= 0`);
      }
      moments.set(key, data);
    }
    // Checkpoints that predate the field count optimizer steps by the checkpoint's step.
    const saved = state.optimizerStep === undefined ? ckpt.step : state.optimizerStep;
    if (!isCount(saved)) {
      throw bad('state.optimizerStep', `is ${show(saved)}, expected an integer >= 0`);
    }
    optimizerStep = saved;
  }
  for (const field of ['nextBatch', 'checkpointEvery'] as const) {
    if (state[field] !== undefined && !isCount(state[field])) {
      throw bad(`state.${field}`, `is ${show(state[field])}, expected an integer >= 0`);
    }
  }
  const modelState = state.model ?? undefined;
  if (modelState !== undefined && !isPlainObject(modelState)) {
    throw bad('state.model', `is ${show(modelState)}, expected an object`);
  }

  // Model state first: only the model can check it, and if it refuses nothing is assigned yet.
  if (modelState && model.setState) {
    try {
      model.setState(modelState);
    } catch (cause) {
      if (GftError.isInstance(cause)) throw cause;
      throw new GftError(
        'BAD_CHECKPOINT',
        `${of}: the model refused state.model: ${(cause as Error).message}`,
        { cause, where: 'state.model' },
      );
    }
  }
  for (const [v, t] of params) tf.tidy(() => v.assign(tf.tensor(t.data, v.shape, v.dtype)));
  if (optimizer && moments) optimizer.restore(moments, optimizerStep);
  return ckpt.step;
}

/** `t` when it can be assigned to `v`: dtype, shape, value count, finite values. */
function checkTensor(
  t: CheckpointTensor,
  key: string,
  v: tf.Variable,
  bad: (where: string, problem: string) => GftError,
): CheckpointTensor {
  const dtype = v.dtype === 'int32' ? 'int32' : 'float32';
  const Want = dtype === 'int32' ? Int32Array : Float32Array;
  if (t.dtype !== dtype || !(t.data instanceof Want)) {
    throw bad(key, `is ${show(t.dtype)}, the model's variable is ${dtype}`);
  }
  if (!Array.isArray(t.shape) || t.shape.join(',') !== v.shape.join(',')) {
    throw bad(key, `has shape [${t.shape}], the model's variable has [${v.shape}]`);
  }
  if (t.data.length !== v.size) {
    throw bad(key, `holds ${t.data.length} values, its shape [${v.shape}] needs ${v.size}`);
  }
  if (t.data instanceof Float32Array) {
    const at = firstNonFinite(t.data);
    if (at >= 0) throw bad(key, `holds ${t.data[at]} at index ${at}; a checkpoint must be finite`);
  }
  return t;
}

/**
 * One forward + backward of a micro-batch: the loss and the gradient of every trainable
 * variable. Two strategies:
 * - plain: one `tf.variableGrads` over the whole forward (fused kernels keep only their inputs);
 * - checkpointed: keep only each layer's input and its attention half's output, then walk
 *   backward layer by layer: the MLP half (row-wise) recomputed and backpropagated in row
 *   chunks, then the attention half, each with its own top-level `tf.grads` (nesting
 *   `tf.grads` inside a customGrad breaks the engine's tape, so the driver lives here).
 * Both give the same gradients. The forward is a training one (dropout on, masks seeded from
 * the model's count of training forwards, so a recomputation sees the same masks).
 * The step's results stay tensors until read: `trainStep` reads them with `dataSync`,
 * `trainStepAsync` with `await data()` (backends without synchronous readback, e.g. webgpu in
 * Node). Not the optimizer step.
 */
import { GftError, type MicroBatch, tf } from '@gft/core';
import type { BatchContext } from './batch-context.js';
import type { ForwardMode } from './forward-mode.js';
import type { GemmaModel } from './model.js';

export interface TrainStepOptions {
  /** Per-layer activation checkpointing (default false). */
  checkpoint?: boolean;
  /** Multiplies the loss before differentiation (e.g. rows / batchRows); default 1. */
  lossScale?: number;
  /**
   * Checkpointed step only: the MLP half of a layer is recomputed and backpropagated this many
   * token rows at a time (it is row-wise), so its [rows, F] temporaries stay small whatever N is.
   * Default 4096.
   */
  mlpChunkRows?: number;
  /**
   * Training-mode forward (the adapter's dropout applies); default true. False gives the
   * gradients of the evaluation forward.
   */
  training?: boolean;
}

/** A step's results before readback; the caller disposes every tensor. */
export interface TrainStepTensors {
  /** Unscaled loss. */
  loss: tf.Scalar;
  /** [B, 3] head logits. */
  logits: tf.Tensor2D;
  /** Gradient per trainable variable key (see `GemmaModel.trainableVariables`). */
  grads: Map<string, tf.Tensor>;
}

export interface TrainStepResult {
  /** Unscaled loss. */
  loss: number;
  /** [B, 3] head logits, row-major. */
  logits: Float32Array;
  /** Gradient per trainable variable key (see `GemmaModel.trainableVariables`); caller disposes. */
  grads: Map<string, tf.Tensor>;
}

function accumulate(into: Map<string, tf.Tensor>, key: string, g: tf.Tensor): void {
  const prev = into.get(key);
  if (!prev) {
    into.set(key, g);
    return;
  }
  into.set(key, tf.add(prev, g));
  prev.dispose();
  g.dispose();
}

/** What a step computes inside its scope; `held` collects tensors kept past the scope. */
interface StepInput {
  model: GemmaModel;
  ctx: BatchContext;
  scale: number;
  mode: ForwardMode;
  held: tf.Tensor[];
}

/** Keeps a forward's loss and logits past the differentiation's scope (they are read later). */
function hold(held: tf.Tensor[], out: { loss: tf.Scalar; logits: tf.Tensor2D }) {
  held.push(tf.keep(out.loss), tf.keep(out.logits));
  return { loss: out.loss, logits: out.logits };
}

function plainStep({ model, ctx, scale, mode, held }: StepInput): TrainStepTensors {
  const vars = model.trainableVariables();
  const keyOf = new Map([...vars].map(([k, v]) => [v.name, k]));
  let kept: { loss: tf.Scalar; logits: tf.Tensor2D } | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forwardContext(ctx, mode);
    kept = hold(held, out);
    return tf.mul(out.loss, scale) as tf.Scalar;
  }, [...vars.values()]);
  value.dispose();
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of Object.entries(grads)) out.set(keyOf.get(name)!, g);
  return { ...kept!, grads: out };
}

/** Layer i's MLP half in row chunks (its [rows, F] temporaries stay chunk-sized): [N, D]. */
function mlpForward(
  model: GemmaModel,
  i: number,
  h: tf.Tensor2D,
  chunkRows: number,
  mode: ForwardMode,
): tf.Tensor2D {
  const [n, d] = h.shape;
  if (n <= chunkRows) return tf.tidy(() => model.mlpHalf(i, h, mode));
  const parts: tf.Tensor2D[] = [];
  for (let r0 = 0; r0 < n; r0 += chunkRows) {
    const rows = Math.min(chunkRows, n - r0);
    parts.push(tf.tidy(() => model.mlpHalf(i, tf.slice(h, [r0, 0], [rows, d]), mode, r0)));
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

/** Backward of layer i's MLP half in row chunks: dy [N, D] -> dh [N, D]; accumulates its grads. */
function mlpBackward(
  model: GemmaModel,
  i: number,
  h: tf.Tensor2D,
  dy: tf.Tensor2D,
  chunkRows: number,
  mode: ForwardMode,
  grads: Map<string, tf.Tensor>,
): tf.Tensor2D {
  const vars = [...model.layerVariables(i, 'mlp')];
  const [n, d] = h.shape;
  const parts: tf.Tensor2D[] = [];
  for (let r0 = 0; r0 < n; r0 += chunkRows) {
    const rows = Math.min(chunkRows, n - r0);
    const whole = rows === n;
    const hc = whole ? h : tf.slice(h, [r0, 0], [rows, d]);
    const dyc = whole ? dy : tf.slice(dy, [r0, 0], [rows, d]);
    const g = tf.grads((hi: tf.Tensor) => model.mlpHalf(i, hi as tf.Tensor2D, mode, r0))(
      [hc, ...vars.map(([, v]) => v)],
      dyc,
    );
    if (!whole) tf.dispose([hc, dyc]);
    parts.push(g[0] as tf.Tensor2D);
    for (const [j, [k]] of vars.entries()) accumulate(grads, k, g[j + 1]);
  }
  if (parts.length === 1) return parts[0];
  const dh = tf.concat(parts, 0);
  tf.dispose(parts);
  return dh;
}

function checkpointedStep(input: StepInput, chunkRows: number): TrainStepTensors {
  const { model, ctx, scale, mode, held } = input;
  const layers = model.config.numLayers;
  const grads = new Map<string, tf.Tensor>();
  // Kept per layer: its input and its attention half's output (2 x [N, D]).
  const inputs: tf.Tensor2D[] = [tf.tidy(() => model.embed(ctx))];
  const mids: tf.Tensor2D[] = [];
  for (let i = 0; i < layers; i++) {
    mids.push(tf.tidy(() => model.attentionHalf(i, inputs[i], ctx, mode)));
    inputs.push(mlpForward(model, i, mids[i], chunkRows, mode));
  }

  const outer = model.outerVariables();
  // The head's parameters: final norm, score or (verdict head) the tied embedding.
  const headVars = [...outer].filter(
    ([k]) => k !== 'model.embed_tokens.weight' || model.head.kind === 'verdict',
  );
  let kept: { loss: tf.Scalar; logits: tf.Tensor2D } | undefined;
  const head = tf.valueAndGrads((x: tf.Tensor) => {
    const out = model.headLoss(x as tf.Tensor2D, ctx);
    kept = hold(held, out);
    return tf.mul(out.loss, scale) as tf.Scalar;
  });
  const headOut = head([inputs[layers], ...headVars.map(([, v]) => v)]);
  headOut.value.dispose();
  let dx = headOut.grads[0] as tf.Tensor2D;
  for (const [j, [k]] of headVars.entries()) accumulate(grads, k, headOut.grads[j + 1]);
  inputs.pop()?.dispose();

  for (let i = layers - 1; i >= 0; i--) {
    const h = mids.pop()!;
    const dh = mlpBackward(model, i, h, dx, chunkRows, mode, grads);
    dx.dispose();
    h.dispose();
    const lv = [...model.layerVariables(i, 'attention')];
    const x = inputs.pop()!;
    const g = tf.grads((xi: tf.Tensor) => model.attentionHalf(i, xi as tf.Tensor2D, ctx, mode))(
      [x, ...lv.map(([, v]) => v)],
      dh,
    );
    dh.dispose();
    x.dispose();
    dx = g[0] as tf.Tensor2D;
    for (const [j, [k]] of lv.entries()) accumulate(grads, k, g[j + 1]);
  }
  const embedVar = outer.get('model.embed_tokens.weight');
  if (embedVar) {
    const [ge] = tf.grads(() => model.embed(ctx))([embedVar], dx);
    accumulate(grads, 'model.embed_tokens.weight', ge);
  }
  dx.dispose();
  return { ...kept!, grads };
}

/**
 * Runs `step` in a tensor scope, so a failure part-way frees what it had allocated, and
 * reports a wasm heap exhaustion as OUT_OF_MEMORY. The malloc guard of the wasm backend
 * turns failed tensor allocations into OUT_OF_MEMORY already; allocations inside C++
 * kernels are not covered and fail as a WebAssembly.RuntimeError instead.
 */
function scoped(
  mb: MicroBatch,
  checkpoint: boolean,
  step: (held: tf.Tensor[]) => TrainStepTensors,
): TrainStepTensors {
  const held: tf.Tensor[] = [];
  try {
    const r = tf.tidy(() => {
      const t = step(held);
      return { loss: t.loss, logits: t.logits, grads: [...t.grads].map(([k, g]) => ({ k, g })) };
    });
    return { loss: r.loss, logits: r.logits, grads: new Map(r.grads.map(({ k, g }) => [k, g])) };
  } catch (e) {
    tf.dispose(held);
    if (GftError.isInstance(e) || !(e instanceof WebAssembly.RuntimeError)) throw e;
    const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length;
    throw new GftError(
      'OUT_OF_MEMORY',
      `training step on a ${mb.layout} micro-batch of ${mb.inputIds.length} token rows (${mb.batchSize} sequences, checkpoint=${checkpoint}): a wasm kernel failed with '${e.message}', ` +
        `which is how an exhausted wasm heap shows inside C++ kernels (heap ${heap === undefined ? 'size unknown' : `${(heap / 2 ** 20).toFixed(0)} MiB`} of at most 4096 MiB). ` +
        'Lower maxTokens (smaller micro-batches) or enable checkpointing (trainStep { checkpoint: true }).',
      { where: 'trainStep', cause: e },
    );
  }
}

/** Forward + backward of one micro-batch, results left on the backend (caller disposes). */
export function trainStepTensors(
  model: GemmaModel,
  mb: MicroBatch,
  options: TrainStepOptions = {},
): TrainStepTensors {
  const scale = options.lossScale ?? 1;
  const chunkRows = options.mlpChunkRows ?? 4096;
  if (!(Number.isInteger(chunkRows) && chunkRows > 0)) {
    throw new GftError(
      'BAD_CONFIG',
      `trainStep: mlpChunkRows must be a positive integer, got ${chunkRows}`,
      { where: 'TrainStepOptions.mlpChunkRows' },
    );
  }
  const ctx = model.context(mb);
  try {
    const mode: ForwardMode =
      options.training === false ? {} : { training: true, seed: model.trainingForwards++ };
    return scoped(mb, options.checkpoint === true, (held) => {
      const input: StepInput = { model, ctx, scale, mode, held };
      return options.checkpoint ? checkpointedStep(input, chunkRows) : plainStep(input);
    });
  } finally {
    ctx.dispose();
  }
}

/** Forward + backward of one micro-batch; reads back with `dataSync` (not on webgpu in Node). */
export function trainStep(
  model: GemmaModel,
  mb: MicroBatch,
  options: TrainStepOptions = {},
): TrainStepResult {
  const t = trainStepTensors(model, mb, options);
  try {
    return {
      loss: t.loss.dataSync()[0],
      logits: Float32Array.from(t.logits.dataSync()),
      grads: t.grads,
    };
  } catch (e) {
    tf.dispose([...t.grads.values()]);
    throw e;
  } finally {
    tf.dispose([t.loss, t.logits]);
  }
}

/** `trainStep` reading back with `await data()`: works on every backend. */
export async function trainStepAsync(
  model: GemmaModel,
  mb: MicroBatch,
  options: TrainStepOptions = {},
): Promise<TrainStepResult> {
  const t = trainStepTensors(model, mb, options);
  try {
    const loss = (await t.loss.data())[0];
    const logits = Float32Array.from(await t.logits.data());
    return { loss, logits, grads: t.grads };
  } catch (e) {
    tf.dispose([...t.grads.values()]);
    throw e;
  } finally {
    tf.dispose([t.loss, t.logits]);
  }
}

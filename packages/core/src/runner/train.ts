/**
 * `train`: the training loop every plugin set shares. One optimizer step per loader batch;
 * each micro-batch's loss is scaled by its rows / the batch's rows, so a batch split into
 * micro-batches gives the gradient of the whole batch. Emits RunEvents, checkpoints every
 * N steps, resumes bit for bit, and stops on a non-finite loss keeping the last good
 * checkpoint. It does not build models or read data: the caller passes both.
 */
import type { Backend } from '../backend.js';
import { GftError } from '../errors/gft-error.js';
import type { RunEvent, RunEventListener, RunSummary, StepEvent } from '../events.js';
import { computedTokens, type MicroBatch } from '../micro-batch.js';
import { tf } from '../tf.js';
import { accumulateGradientsAsync } from './accumulate.js';
import { type AdamWOptions, adamW } from './adamw.js';
import { type BatchSource, batchRows } from './batch-source.js';
import { snapshot } from './checkpoint.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { type EvalData, evaluate } from './evaluate.js';
import { listNames, nonFiniteNames } from './finite-guard.js';
import { clipByGlobalNormAsync } from './grad-clip.js';
import { memoryProbe } from './memory-probe.js';
import { isLabelRow, percentile } from './metrics.js';
import { restoreLatest } from './restore-latest.js';
import { checkSchedule, learningRate, type ScheduleOptions } from './schedule.js';
import { type TrainableModel, variableBytes, variableParams } from './trainable-model.js';

export interface TrainOptions {
  model: TrainableModel;
  data: BatchSource;
  /** Optimizer steps (= loader batches) of the whole run, resumed steps included. */
  steps: number;
  /** Peak lr, warm-up and decay; `totalSteps` defaults to `steps`. */
  schedule: Omit<ScheduleOptions, 'totalSteps'> & { totalSteps?: number };
  optimizer?: AdamWOptions;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
  /** First steps left out of timing summaries (default 1: tfjs compiles and allocates). */
  timingWarmupSteps?: number;
  checkpoint?: { store: CheckpointStore; everySteps: number };
  /** Continue from the store's latest checkpoint when there is one. */
  resume?: boolean;
  /** Recorded in checkpoints and run-start; the caller seeds model and data with it. */
  seed?: number;
  evaluation?: { data: EvalData; swapped?: EvalData };
  onEvent?: RunEventListener;
  runId?: string;
  /** kind -> plugin name, for events and reports. */
  plugins?: Record<string, string>;
  config?: Record<string, unknown>;
  /** For reserved-memory sampling (e.g. the wasm heap). */
  backend?: Backend;
}

export interface TrainResult {
  summary: RunSummary;
  /** Loss of each step this call ran, by step number (1-based). */
  losses: Map<number, number>;
  /** Step the run started from (0, or the resumed checkpoint's step). */
  startStep: number;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { model } = options;
  const schedule: ScheduleOptions = {
    ...options.schedule,
    totalSteps: options.schedule.totalSteps ?? options.steps,
  };
  checkSchedule(schedule);
  const emit = (e: RunEvent) => options.onEvent?.(e);
  const params = model.trainableVariables();
  if (params.size === 0) {
    throw new GftError('BAD_CONFIG', 'the model has no trainable variables: nothing to train');
  }
  const optimizer = adamW(params, options.optimizer);
  const probe = memoryProbe(options.backend);
  const timingWarmup = options.timingWarmupSteps ?? 1;
  let every = options.checkpoint?.everySteps ?? 0;

  let startStep = 0;
  /** The newest checkpoint this run wrote or resumed from: the weights of the next step. */
  let lastCheckpoint: { step: number; location: string } | undefined;
  if (options.resume && options.checkpoint) {
    const restored = await restoreLatest({
      store: options.checkpoint.store,
      model,
      optimizer,
      onWarning: (w) => emit({ type: 'warning', time: Date.now(), ...w }),
    });
    if (restored) {
      startStep = restored.step;
      lastCheckpoint = { step: restored.step, location: restored.location };
      // Resuming without a cadence keeps the one the checkpoint was written with.
      if (every === 0) every = Number(restored.state.checkpointEvery ?? 0);
    }
    if (every === 0) {
      throw new GftError(
        'BAD_CONFIG',
        `resuming ${restored ? `from ${restored.location}` : 'with no checkpoint to resume from'} without a checkpoint cadence would write no checkpoint; set checkpoint.everySteps (--checkpointEvery)`,
        { where: 'checkpointEvery' },
      );
    }
  }

  emit({
    type: 'run-start',
    time: Date.now(),
    runId: options.runId ?? `run-${Date.now()}`,
    plugins: options.plugins ?? {},
    config: { ...options.config, seed: options.seed, steps: options.steps, startStep },
    trainableParams: variableParams(params.values()),
    trainableBytes: variableBytes(params.values()),
    frozenBytes: model.frozenBytes(),
    optimizerBytes: optimizer.bytes,
  });

  const losses = new Map<number, number>();
  const timed: StepEvent[] = [];
  const all: StepEvent[] = [];
  let peakTensor = 0;
  let largestMicroBatch = 0;
  let peakBackend = 0;
  let peakHeld = 0;
  let peakRss = 0;
  const saveCheckpoint = async (step: number) => {
    if (!options.checkpoint) return;
    const path = await options.checkpoint.store.save(
      await snapshot(step, model, optimizer, {
        seed: options.seed,
        nextBatch: step,
        checkpointEvery: every,
      }),
    );
    lastCheckpoint = { step, location: path };
    emit({ type: 'checkpoint', time: Date.now(), step, path });
  };

  try {
    let step = startStep;
    if (step < options.steps) {
      for await (const batch of options.data(startStep)) {
        const warmup = step - startStep < timingWarmup;
        const event = await runStep(
          batch,
          step,
          options,
          model,
          optimizer,
          probe,
          schedule,
          warmup,
        ).catch((error) => {
          throw setAsideDiverged(error, batch, step, options, lastCheckpoint);
        });
        step += 1;
        losses.set(step, event.loss);
        all.push(event);
        if (!event.warmup) timed.push(event);
        peakTensor = Math.max(peakTensor, event.peakTensorBytes);
        largestMicroBatch = Math.max(largestMicroBatch, event.largestMicroBatchTokens);
        peakBackend = Math.max(peakBackend, event.peakBackendBytes ?? 0);
        peakHeld = Math.max(peakHeld, event.peakHeldBytes ?? 0);
        peakRss = Math.max(peakRss, event.rssBytes);
        emit(event);
        if (every > 0 && (step % every === 0 || step === options.steps)) await saveCheckpoint(step);
        if (step >= options.steps) break;
      }
    }
    const basis = timed.length > 0 ? timed : all;
    const ms = basis.reduce((n, e) => n + e.stepMs, 0);
    const real = basis.reduce((n, e) => n + e.realTokens, 0);
    const computed = basis.reduce((n, e) => n + e.computedTokens, 0);
    const summary: RunSummary = {
      steps: step,
      realTokensPerSecond: ms > 0 ? (real * 1000) / ms : 0,
      computedTokensPerSecond: ms > 0 ? (computed * 1000) / ms : 0,
      paddingRatio: computed > 0 ? 1 - real / computed : 0,
      stepMsP50: percentile(
        basis.map((e) => e.stepMs),
        0.5,
      ),
      stepMsP90: percentile(
        basis.map((e) => e.stepMs),
        0.9,
      ),
      peakTensorBytes: peakTensor,
      largestMicroBatchTokens: largestMicroBatch,
      peakBackendBytes: peakBackend || undefined,
      peakHeldBytes: peakHeld || undefined,
      peakRssBytes: peakRss,
      finalLoss: all.length > 0 ? all[all.length - 1].loss : Number.NaN,
    };
    if (options.evaluation) {
      const ev = await evaluate(model, options.evaluation.data, {
        swapped: options.evaluation.swapped,
      });
      summary.evalLogLoss = ev.logLoss;
      summary.evalAccuracy = ev.accuracy;
      emit({
        type: 'eval',
        time: Date.now(),
        step,
        rows: ev.rows,
        logLoss: ev.logLoss,
        accuracy: ev.accuracy,
        swapAveraged: ev.swapAveraged,
      });
    }
    emit({ type: 'run-end', time: Date.now(), summary });
    return { summary, losses, startStep };
  } catch (error) {
    const e = GftError.isInstance(error) ? error : undefined;
    emit({
      type: 'run-error',
      time: Date.now(),
      code: e?.code ?? 'INTERNAL',
      message: (error as Error).message,
      step: (error as { step?: number }).step,
    });
    throw error;
  } finally {
    optimizer.dispose();
  }
}

/**
 * A non-finite loss from valid labels means the weights diverged, and the checkpoint that
 * holds the weights of that step (finite, yet producing NaN) is no "last good checkpoint":
 * it is set aside so resume never picks it, and the error names the one before it. A bad
 * label is the data's fault and leaves every checkpoint in place.
 */
function setAsideDiverged(
  error: unknown,
  batch: readonly MicroBatch[],
  step: number,
  options: TrainOptions,
  last: { step: number; location: string } | undefined,
): unknown {
  if (!GftError.isInstance(error) || error.code !== 'NON_FINITE_LOSS') return error;
  const what = error.message.replace('{step}', `step ${step + 1}`);
  const labelProblem = invalidLabelRow(batch);
  if (labelProblem) {
    return stopAt(step, options, 'BAD_INPUT', `${what}: ${labelProblem}`, 'Fix or remove the row.');
  }
  const store = options.checkpoint?.store;
  if (!store?.setAside || last?.step !== step)
    return divergence('NON_FINITE_LOSS', step, options, what);
  const aside = store.setAside(
    last.location,
    `its weights gave a non-finite loss at step ${step + 1} (gft train set it aside; resume skips it)`,
  );
  return divergence(
    'NON_FINITE_LOSS',
    step,
    options,
    `${what}; the weights of ${last.location} produced it, so that checkpoint was set aside as ${aside}`,
  );
}

/** The first row whose label is not a probability row (NaN for unlabelled arena rows). */
function invalidLabelRow(batch: readonly MicroBatch[]): string | undefined {
  for (const mb of batch) {
    for (let b = 0; b < mb.batchSize; b++) {
      if (!isLabelRow(mb.labels, b)) {
        const y = Array.from(mb.labels.subarray(b * 3, b * 3 + 3));
        return `row '${mb.rowIds?.[b] ?? `#${b}`}' has label [${y.join(', ')}], not a probability row`;
      }
    }
  }
  return undefined;
}

/** The error that stops a run at `step`, naming it and the last good checkpoint on disk. */
function stopAt(
  step: number,
  options: TrainOptions,
  code: 'NON_FINITE_LOSS' | 'NON_FINITE' | 'BAD_INPUT',
  what: string,
  advice: string,
): GftError {
  const where = options.checkpoint?.store.latestLocation();
  const error = new GftError(
    code,
    `${what}; training stopped. ${where ? `Last good checkpoint: ${where}.` : 'No good checkpoint to resume from.'} ${advice}`,
    { where: `step ${step + 1}` },
  );
  (error as { step?: number }).step = step + 1;
  return error;
}

/** A diverged run: a non-finite loss, gradient or update. */
function divergence(
  code: 'NON_FINITE_LOSS' | 'NON_FINITE',
  step: number,
  options: TrainOptions,
  what: string,
): GftError {
  return stopAt(step, options, code, what, 'Lower the learning rate or set clipGradNorm.');
}

async function runStep(
  batch: Parameters<typeof batchRows>[0],
  step: number,
  options: TrainOptions,
  model: TrainableModel,
  optimizer: ReturnType<typeof adamW>,
  probe: ReturnType<typeof memoryProbe>,
  schedule: ScheduleOptions,
  warmup: boolean,
): Promise<StepEvent> {
  const rows = batchRows(batch);
  const t0 = performance.now();
  probe.reset();
  // A NON_FINITE_LOSS from here carries a `{step}` placeholder; setAsideDiverged names the culprit.
  const acc = await accumulateGradientsAsync(model, batch, () => probe.sample());
  const { loss, realTokens: real, computedTokens: computed } = acc;
  const disposeAcc = () => {
    for (const g of acc.grads.values()) g.dispose();
    acc.grads.clear();
  };
  const gradNorm = await clipByGlobalNormAsync(acc.grads, options.clipGradNorm);
  if (!Number.isFinite(gradNorm)) {
    const bad = await nonFiniteNames(acc.grads);
    disposeAcc();
    throw divergence(
      'NON_FINITE',
      step,
      options,
      `the gradient of ${listNames(bad)} is not finite at step ${step + 1} (global norm ${gradNorm}, loss ${loss}); the update was not applied`,
    );
  }
  const lr = learningRate(schedule, step);
  optimizer.step(acc.grads, lr);
  disposeAcc();
  // A finite loss and gradient can still overflow in the update (a huge learning rate):
  // check what a checkpoint would save before one can.
  const bad = await nonFiniteNames(
    new Map<string, tf.Tensor>([...model.trainableVariables(), ...optimizer.moments()]),
  );
  if (bad.length > 0) {
    throw divergence(
      'NON_FINITE',
      step,
      options,
      `after the update of step ${step + 1} (learning rate ${lr}), ${listNames(bad)} hold NaN or infinity; the weights in memory are lost`,
    );
  }
  probe.sample();
  const stepMs = performance.now() - t0;
  return {
    type: 'step',
    time: Date.now(),
    step: step + 1,
    totalSteps: options.steps,
    loss,
    learningRate: lr,
    microBatches: batch.length,
    rows,
    realTokens: real,
    computedTokens: computed,
    largestMicroBatchTokens: Math.max(0, ...batch.map((mb) => computedTokens(mb))),
    stepMs,
    tokensPerSecond: stepMs > 0 ? (real * 1000) / stepMs : 0,
    peakTensorBytes: probe.peakTensorBytes,
    peakReservedBytes: probe.peakReservedBytes || undefined,
    peakBackendBytes: probe.peakBackendBytes || undefined,
    peakHeldBytes: probe.peakHeldBytes || undefined,
    rssBytes: probe.peakRssBytes,
    numTensors: tf.memory().numTensors,
    gradNorm,
    warmup,
  };
}

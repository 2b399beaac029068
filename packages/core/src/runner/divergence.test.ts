import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { GftError } from '../errors/gft-error.js';
import { tf } from '../tf.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { arrayBatchSource } from './batch-source.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import { evaluate } from './evaluate.js';
import { restoreLatest } from './restore-latest.js';
import { syntheticBatches } from './test-support.js';
import { train } from './train.js';
import type { LossAndGrads, TrainableModel } from './trainable-model.js';

beforeAll(async () => {
  await cpuBackend().setup();
});
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gft-diverge-'));
  dirs.push(d);
  return d;
};

/** `inner` with each lossAndGrads result passed through `edit` (a fault to inject). */
function withLossAndGrads(
  inner: TrainableModel,
  edit: (out: LossAndGrads) => LossAndGrads,
): TrainableModel {
  return {
    ...inner,
    trainableVariables: () => inner.trainableVariables(),
    frozenBytes: () => inner.frozenBytes(),
    lossAndGrads: (mb, scale) => edit(inner.lossAndGrads(mb, scale)),
  };
}

const allFinite = (data: ArrayLike<number>) => Array.from(data).every(Number.isFinite);

describe('finite or nothing', () => {
  it('an update that overflows the weights stops the run at that step, before any checkpoint holds it', async () => {
    const dir = tempDir();
    const store = directoryCheckpointStore(dir);
    const batches = syntheticBatches(4, 8, 1000, 3);
    const model = bagOfTokensModel({ seed: 2 });
    // Two good steps, checkpointed.
    await train({
      model,
      data: arrayBatchSource(batches),
      steps: 2,
      schedule: { lr: 0.01 },
      checkpoint: { store, everySteps: 1 },
    });
    const before = tf.memory().numTensors;
    // Then a learning rate whose decay factor (1 - lr * wd) is -inf in float32: the loss of
    // step 3 is finite, its update is not.
    const error = await train({
      model,
      data: arrayBatchSource(batches),
      steps: 4,
      schedule: { lr: 1e300 },
      checkpoint: { store, everySteps: 1 },
      resume: true,
    }).catch((e) => e);
    expect(GftError.isInstance(error) && error.code).toBe('NON_FINITE');
    expect(error.where).toBe('step 3');
    expect(error.message).toMatch(/after the update of step 3 .*'[\w.]+'.* hold NaN or infinity/);
    expect(error.message).toContain('Last good checkpoint: ');
    expect(error.message).toContain('step-00000002');
    const latest = await store.loadLatest();
    expect(latest?.step).toBe(2);
    for (const [name, t] of latest!.tensors) expect(allFinite(t.data), name).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('a non-finite gradient with a finite loss is not applied', async () => {
    const batches = syntheticBatches(2, 8, 1000, 4);
    const inner = bagOfTokensModel({ seed: 2 });
    const [poisonedName] = [...inner.trainableVariables().keys()];
    // A model whose loss is finite but whose gradient overflowed in one tensor.
    const model = withLossAndGrads(inner, (out) => {
      const g = out.grads.get(poisonedName)!;
      out.grads.set(
        poisonedName,
        tf.tidy(() => tf.mul(g, Number.POSITIVE_INFINITY)),
      );
      g.dispose();
      return out;
    });
    const weightsBefore = [...inner.trainableVariables().values()].map((v) => v.dataSync().slice());
    const error = await train({
      model,
      data: arrayBatchSource(batches),
      steps: 2,
      schedule: { lr: 0.01 },
    }).catch((e) => e);
    expect(GftError.isInstance(error) && error.code).toBe('NON_FINITE');
    expect(error.where).toBe('step 1');
    expect(error.message).toContain(`the gradient of '${poisonedName}' is not finite at step 1`);
    expect(error.message).toContain('the update was not applied');
    const weightsAfter = [...inner.trainableVariables().values()].map((v) => v.dataSync());
    for (const [i, w] of weightsAfter.entries()) {
      expect(Array.from(w)).toEqual(Array.from(weightsBefore[i]));
    }
    inner.dispose();
  });

  it('a NaN loss from valid labels sets aside the checkpoint whose weights produced it', async () => {
    const dir = tempDir();
    const store = directoryCheckpointStore(dir);
    const inner = bagOfTokensModel({ seed: 2 });
    let calls = 0;
    // Weights that are finite yet diverged: the loss of the third step is NaN.
    const model = withLossAndGrads(inner, (out) => {
      calls += 1;
      return calls === 3 ? { ...out, loss: Number.NaN } : out;
    });
    const error = await train({
      model,
      data: arrayBatchSource(syntheticBatches(4, 8, 1000, 6)),
      steps: 4,
      schedule: { lr: 0.01 },
      checkpoint: { store, everySteps: 1 },
    }).catch((e) => e);
    expect(GftError.isInstance(error) && error.code).toBe('NON_FINITE_LOSS');
    expect(error.message).toMatch(
      /loss is NaN at step 3 .*the weights of .*step-00000002 produced it, so that checkpoint was set aside as .*diverged-step-00000002/,
    );
    expect(error.message).toMatch(/Last good checkpoint: .*step-00000001\./);
    expect(store.list().map((l) => l.slice(-13))).toEqual(['step-00000001']);
    expect(existsSync(join(dir, 'diverged-step-00000002', 'DIVERGED.txt'))).toBe(true);
    const resumed = bagOfTokensModel({ seed: 9 });
    expect(await restoreLatest({ store, model: resumed })).toMatchObject({ step: 1 });
    resumed.dispose();
    inner.dispose();
  });

  it('evaluate refuses non-finite probabilities and unlabelled rows, naming the row', async () => {
    const model = bagOfTokensModel({ seed: 5 });
    const data = syntheticBatches(1, 4, 1000, 5);
    const unlabelled = syntheticBatches(1, 4, 1000, 5);
    unlabelled[0][0].labels.fill(Number.NaN, 0, 3);
    const noLabel = await evaluate(model, unlabelled).catch((e) => e);
    expect(noLabel.code).toBe('BAD_INPUT');
    expect(noLabel.message).toMatch(/row 'b0r0' has no label/);
    const [, v] = [...model.trainableVariables()].at(-1)!;
    tf.tidy(() => v.assign(tf.fill(v.shape, Number.NaN)));
    const nan = await evaluate(model, data).catch((e) => e);
    expect(nan.code).toBe('NON_FINITE');
    expect(nan.where).toBe('b0r0');
    expect(nan.message).toMatch(/probabilities for row 'b0r0' .* not finite/);
    model.dispose();
  });
});

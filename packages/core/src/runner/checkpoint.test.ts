import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { GftError } from '../errors/gft-error.js';
import { restoreCheckpoint, snapshot } from './checkpoint.js';
import type { CheckpointData } from './checkpoint-store.js';
import { fill, type Trainee, tinyTrainee, values } from './checkpoint-test-support.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

const live: Trainee[] = [];
afterEach(() => {
  for (const t of live.splice(0)) t.dispose();
});
function trainee(seed: number, stepCount: number): Trainee {
  const t = tinyTrainee();
  live.push(t);
  fill(t, seed, stepCount);
  return t;
}

/** A checkpoint of values seeded 1 at step 5, optimizer step 50. */
async function checkpoint(): Promise<CheckpointData> {
  const t = trainee(1, 50);
  return snapshot(5, t.model, t.optimizer, { nextBatch: 5 });
}

function expectRefused(ckpt: CheckpointData, where: string, withOptimizer = true): void {
  const t = trainee(2, 7);
  const before = values(t);
  let error: unknown;
  try {
    restoreCheckpoint(ckpt, t.model, withOptimizer ? t.optimizer : undefined);
  } catch (e) {
    error = e;
  }
  expect(GftError.isInstance(error) && error.code, where).toBe('BAD_CHECKPOINT');
  expect((error as GftError).where).toBe(where);
  // Nothing was assigned: the checks all come before the first assignment.
  expect(values(t)).toEqual(before);
  expect(t.optimizer.stepCount).toBe(7);
}

describe('restoreCheckpoint', () => {
  it('restores parameters, moments and the optimizer step', async () => {
    const ckpt = await checkpoint();
    const t = trainee(2, 7);
    expect(restoreCheckpoint(ckpt, t.model, t.optimizer)).toBe(5);
    expect(values(t)).toEqual(values(live[0]));
    expect(t.optimizer.stepCount).toBe(50);
  });

  it('without an optimizer restores the parameters only (eval, predict)', async () => {
    const ckpt = await checkpoint();
    const t = trainee(2, 7);
    for (const key of [...ckpt.tensors.keys()]) {
      if (key.startsWith('optimizer.')) ckpt.tensors.delete(key);
    }
    ckpt.state.optimizerStep = 'not used';
    expect(restoreCheckpoint(ckpt, t.model)).toBe(5);
    const got = values(t);
    const want = values(live[0]);
    for (const name of t.model.trainableVariables().keys()) expect(got[name]).toEqual(want[name]);
    expect(t.optimizer.stepCount).toBe(7);
  });

  it('refuses a non-numeric or negative optimizerStep instead of turning every weight into NaN', async () => {
    for (const bad of ['abc', -1, 2.5, null, { n: 1 }]) {
      const ckpt = await checkpoint();
      ckpt.state.optimizerStep = bad;
      expectRefused(ckpt, 'state.optimizerStep');
    }
  });

  it('refuses a bad nextBatch, state.model or step', async () => {
    let ckpt = await checkpoint();
    ckpt.state.nextBatch = -3;
    expectRefused(ckpt, 'state.nextBatch');
    ckpt = await checkpoint();
    ckpt.state.model = [1, 2];
    expectRefused(ckpt, 'state.model');
    ckpt = await checkpoint();
    ckpt.step = Number.NaN;
    expectRefused(ckpt, 'step');
  });

  it('checks every moment before assigning any parameter', async () => {
    const ckpt = await checkpoint();
    const last = [...ckpt.tensors.keys()].filter((k) => k.startsWith('optimizer.v.')).at(-1)!;
    ckpt.tensors.delete(last);
    expectRefused(ckpt, last);
  });

  it('refuses a moment of the wrong size, a negative second moment, a NaN anywhere', async () => {
    const keys = [...(await checkpoint()).tensors.keys()];
    const m = keys.find((k) => k.startsWith('optimizer.m.'))!;
    const v = keys.find((k) => k.startsWith('optimizer.v.'))!;
    const p = keys.find((k) => k.startsWith('param.'))!;

    let ckpt = await checkpoint();
    const t = ckpt.tensors.get(m)!;
    ckpt.tensors.set(m, { ...t, shape: [t.data.length - 1], data: t.data.slice(1) });
    expectRefused(ckpt, m);

    ckpt = await checkpoint();
    ckpt.tensors.get(v)!.data[3] = -1e-3;
    expectRefused(ckpt, v);

    for (const key of [p, m]) {
      ckpt = await checkpoint();
      ckpt.tensors.get(key)!.data[1] = Number.NaN;
      expectRefused(ckpt, key);
    }
  });

  it('refuses a parameter that is missing, of another shape or another dtype', async () => {
    const p = [...(await checkpoint()).tensors.keys()].find((k) => k.startsWith('param.'))!;
    let ckpt = await checkpoint();
    ckpt.tensors.delete(p);
    expectRefused(ckpt, p, false);
    ckpt = await checkpoint();
    const t = ckpt.tensors.get(p)!;
    ckpt.tensors.set(p, { ...t, shape: [t.shape[1], t.shape[0]] });
    expectRefused(ckpt, p, false);
    ckpt = await checkpoint();
    ckpt.tensors.set(p, { ...t, dtype: 'int32', data: Int32Array.from(t.data) });
    expectRefused(ckpt, p, false);
  });
});

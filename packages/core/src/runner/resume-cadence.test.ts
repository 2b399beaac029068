import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { arrayBatchSource } from './batch-source.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import { syntheticBatches } from './test-support.js';
import { train } from './train.js';

beforeAll(async () => {
  await cpuBackend().setup();
});
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('resume without a checkpoint cadence', () => {
  it('keeps the cadence the checkpoint was written with (was: trained on and wrote nothing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-cadence-'));
    dirs.push(dir);
    const store = directoryCheckpointStore(dir, { keep: 10 });
    const batches = syntheticBatches(6, 8, 1000, 8);
    const model = bagOfTokensModel({ seed: 4 });
    await train({
      model,
      data: arrayBatchSource(batches),
      steps: 2,
      schedule: { lr: 0.01 },
      checkpoint: { store, everySteps: 2 },
    });
    const checkpoints: number[] = [];
    await train({
      model,
      data: arrayBatchSource(batches),
      steps: 6,
      schedule: { lr: 0.01 },
      checkpoint: { store, everySteps: 0 },
      resume: true,
      onEvent: (e) => {
        if (e.type === 'checkpoint') checkpoints.push(e.step);
      },
    });
    expect(checkpoints).toEqual([4, 6]);
    expect((await store.loadLatest())?.state.checkpointEvery).toBe(2);
    model.dispose();
  });

  it('is an error naming the option when there is nothing to resume and no cadence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-cadence-'));
    dirs.push(dir);
    const model = bagOfTokensModel({ seed: 4 });
    const error = await train({
      model,
      data: arrayBatchSource(syntheticBatches(2, 8, 1000, 8)),
      steps: 2,
      schedule: { lr: 0.01 },
      checkpoint: { store: directoryCheckpointStore(dir), everySteps: 0 },
      resume: true,
    }).catch((e) => e);
    expect(error.code).toBe('BAD_CONFIG');
    expect(error.where).toBe('checkpointEvery');
    model.dispose();
  });
});

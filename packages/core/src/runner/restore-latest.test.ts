import {
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { GftError } from '../errors/gft-error.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import {
  editJson,
  fill,
  pokeTensor,
  tinyTrainee,
  twoCheckpoints,
  values,
} from './checkpoint-test-support.js';
import { type CheckpointWarning, restoreLatest } from './restore-latest.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

const root = mkdtempSync(join(tmpdir(), 'gft-restore-latest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function setup() {
  const store = directoryCheckpointStore(join(root, `r${n++}`));
  const saved = await twoCheckpoints(store);
  const [newest, older] = store.list();
  return { store, saved, newest, older };
}

const damages: [string, (at: string) => void, RegExp][] = [
  ['tensors.bin deleted', (at) => unlinkSync(join(at, 'tensors.bin')), /tensors\.bin is missing/],
  ['tensors.bin truncated', (at) => truncateSync(join(at, 'tensors.bin'), 100), /truncated/],
  [
    'one byte corrupted',
    (at) => {
      const f = join(at, 'tensors.bin');
      const b = readFileSync(f);
      b[b.length >> 1] ^= 1;
      writeFileSync(f, b);
    },
    /sha256/,
  ],
  [
    'non-numeric optimizerStep',
    (at) => editJson(at, (j) => (j.state.optimizerStep = 'twenty')),
    /optimizerStep is "twenty"/,
  ],
  ['negative offset', (at) => editJson(at, (j) => (j.tensors[1].offset = -8)), /offset is -8/],
  [
    'NaN in a tensor',
    (at) => pokeTensor(at, 'param.score.weight', 3, Number.NaN),
    /'param\.score\.weight' holds NaN at index 3/,
  ],
];

describe('restoreLatest', () => {
  it('restores the newest checkpoint when it is intact, without warnings', async () => {
    const { store, saved, newest } = await setup();
    const t = tinyTrainee();
    const warnings: CheckpointWarning[] = [];
    const got = await restoreLatest({
      store,
      model: t.model,
      optimizer: t.optimizer,
      onWarning: (w) => warnings.push(w),
    });
    expect(got).toMatchObject({ step: 2, location: newest });
    expect(warnings).toEqual([]);
    expect(values(t)).toEqual(saved.get(2));
    expect(t.optimizer.stepCount).toBe(20);
    t.dispose();
  });

  for (const [what, damage, problem] of damages) {
    it(`falls back to the older checkpoint with a warning: ${what}`, async () => {
      const { store, saved, newest, older } = await setup();
      damage(newest);
      const t = tinyTrainee();
      fill(t, 9, 99);
      const warnings: CheckpointWarning[] = [];
      const got = await restoreLatest({
        store,
        model: t.model,
        optimizer: t.optimizer,
        onWarning: (w) => warnings.push(w),
      });
      expect(got).toMatchObject({ step: 1, location: older });
      expect(warnings).toHaveLength(1);
      expect(warnings[0].message).toContain(newest);
      expect(warnings[0].message).toMatch(problem);
      expect(warnings[0].message).toContain(`Trying the older ${older}`);
      expect(warnings[0].where).toContain(newest);
      expect(values(t)).toEqual(saved.get(1));
      expect(t.optimizer.stepCount).toBe(10);
      t.dispose();
    });
  }

  it("warns about parameters the model does not train (a classification head's score under the verdict head)", async () => {
    const { store, newest } = await setup();
    const t = tinyTrainee();
    const withoutScore = new Map(
      [...t.model.trainableVariables()].filter(([name]) => name !== 'score.weight'),
    );
    const warnings: CheckpointWarning[] = [];
    const got = await restoreLatest({
      store,
      model: { ...t.model, trainableVariables: () => withoutScore },
      onWarning: (w) => warnings.push(w),
    });
    expect(got?.step).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(/does not train, left unused: score\.weight \(/);
    expect(warnings[0].where).toBe(`${newest}: param.score.weight`);
    t.dispose();
  });

  it('restores parameters only when no optimizer is given', async () => {
    const { store, saved } = await setup();
    const t = tinyTrainee();
    fill(t, 9, 99);
    expect((await restoreLatest({ store, model: t.model }))?.step).toBe(2);
    const got = values(t);
    for (const name of t.model.trainableVariables().keys()) {
      expect(got[name]).toEqual(saved.get(2)?.[name]);
    }
    expect(t.optimizer.stepCount).toBe(99);
    t.dispose();
  });

  it('throws BAD_CHECKPOINT listing every problem when all are damaged, assigning nothing', async () => {
    const { store, newest, older } = await setup();
    unlinkSync(join(newest, 'tensors.bin'));
    editJson(older, (j) => (j.state.optimizerStep = -1));
    const t = tinyTrainee();
    fill(t, 9, 99);
    const before = values(t);
    const warnings: CheckpointWarning[] = [];
    const error = await restoreLatest({
      store,
      model: t.model,
      optimizer: t.optimizer,
      onWarning: (w) => warnings.push(w),
    }).catch((e) => e);
    expect(GftError.isInstance(error) && error.code).toBe('BAD_CHECKPOINT');
    expect(error.message).toMatch(/each of the 2 failed/);
    expect(error.message).toContain(`${join(newest, 'tensors.bin')} is missing`);
    expect(error.message).toContain(`${older}: checkpoint of step 1: state.optimizerStep is -1`);
    expect(warnings.map((w) => w.where)).toEqual([
      join(newest, 'tensors.bin'),
      `${older}: state.optimizerStep`,
    ]);
    expect(warnings[1].message).toContain('No older checkpoint is left');
    expect(values(t)).toEqual(before);
    expect(t.optimizer.stepCount).toBe(99);
    t.dispose();
  });

  it('returns undefined when there is no checkpoint', async () => {
    const t = tinyTrainee();
    const store = directoryCheckpointStore(join(root, 'empty'));
    expect(await restoreLatest({ store, model: t.model, optimizer: t.optimizer })).toBeUndefined();
    t.dispose();
  });

  it('lets other errors through at once: they are not a damaged checkpoint', async () => {
    const { store } = await setup();
    const t = tinyTrainee();
    const boom = new Error('disk on fire');
    const error = await restoreLatest({
      store: { ...store, load: () => Promise.reject(boom) },
      model: t.model,
    }).catch((e) => e);
    expect(error).toBe(boom);
    t.dispose();
  });
});

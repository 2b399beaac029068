import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend } from '../backends/cpu/index.js';
import { paddingCollator } from '../collators/padding.js';
import { GftError } from '../errors/gft-error.js';
import type { RunEvent, StepEvent } from '../events.js';
import { tf } from '../tf.js';
import { accumulateGradients } from './accumulate.js';
import { bagOfTokensModel } from './bag-of-tokens-model.js';
import { arrayBatchSource } from './batch-source.js';
import { directoryCheckpointStore } from './checkpoint-store.js';
import { evaluate, predictProbabilities } from './evaluate.js';
import { logLoss } from './metrics.js';
import { syntheticBatches, syntheticRows } from './test-support.js';
import { train } from './train.js';

beforeAll(async () => {
  await cpuBackend().setup();
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('gradient accumulation', () => {
  it('a batch split into micro-batches gives the gradient of the un-split batch', () => {
    const rows = syntheticRows(12, 7);
    const split = paddingCollator().collate(rows, { maxTokens: 60 });
    const whole = paddingCollator().collate(rows, { maxTokens: 1_000_000 });
    expect(split.length).toBeGreaterThan(2);
    expect(whole.length).toBe(1);
    const model = bagOfTokensModel({ seed: 3 });
    const a = accumulateGradients(model, split);
    const b = accumulateGradients(model, whole);
    let maxDiff = 0;
    for (const [name, g] of b.grads) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(g, a.grads.get(name)!))).dataSync()[0]);
      maxDiff = Math.max(maxDiff, d);
    }
    const scale = tf.tidy(() => tf.max(tf.abs(b.grads.get('score.weight')!)).dataSync()[0]);
    console.log(
      `split (${split.length} micro-batches) vs whole: loss ${a.loss} vs ${b.loss}, max grad diff ${maxDiff.toExponential(2)} (grad scale ${scale.toExponential(2)})`,
    );
    expect(maxDiff).toBeLessThan(1e-6 * Math.max(1, scale));
    expect(a.loss).toBeCloseTo(b.loss, 6);
    // The check can fail: an unscaled sum over micro-batches is ~split.length times larger.
    expect(scale).toBeGreaterThan(1e-4);
    for (const g of [...a.grads.values(), ...b.grads.values()]) g.dispose();
    model.dispose();
  });
});

describe('train', () => {
  it('learns, emits step events with measurements, and leaks no tensors', async () => {
    const model = bagOfTokensModel({ seed: 1 });
    const events: RunEvent[] = [];
    const tensorsAtStep: number[] = [];
    const batches = syntheticBatches(4, 16, 120, 1);
    const { summary } = await train({
      model,
      data: arrayBatchSource(batches),
      steps: 12,
      schedule: { lr: 0.05, warmupSteps: 2, decay: 'cosine' },
      clipGradNorm: 1,
      evaluation: { data: syntheticBatches(2, 16, 120, 99) },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step') tensorsAtStep.push(tf.memory().numTensors);
      },
    });
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(new Set(tensorsAtStep).size).toBe(1);
    expect(steps[0].warmup).toBe(true);
    expect(steps[1].warmup).toBe(false);
    expect(steps[0].microBatches).toBeGreaterThan(1);
    expect(steps[0].computedTokens).toBeGreaterThan(steps[0].realTokens);
    expect(summary.paddingRatio).toBeGreaterThan(0);
    expect(summary.realTokensPerSecond).toBeGreaterThan(0);
    expect(summary.stepMsP90).toBeGreaterThanOrEqual(summary.stepMsP50);
    const first = (steps[0].loss + steps[4].loss) / 2;
    const last = (steps[7].loss + steps[11].loss) / 2;
    console.log(
      `loss ${first.toFixed(4)} -> ${last.toFixed(4)}, eval log loss ${summary.evalLogLoss}`,
    );
    expect(last).toBeLessThan(first);
    expect(events[0].type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    expect(events.some((e) => e.type === 'eval')).toBe(true);
    model.dispose();
  });

  it('stops on a NaN label with BAD_INPUT naming the step and row, keeping the last good checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gft-nan-'));
    dirs.push(dir);
    const batches = syntheticBatches(5, 8, 1000, 2);
    batches[2][0].labels[0] = Number.NaN;
    const model = bagOfTokensModel();
    const store = directoryCheckpointStore(dir);
    const before = tf.memory().numTensors;
    const error = await train({
      model,
      data: arrayBatchSource(batches),
      steps: 5,
      schedule: { lr: 0.01 },
      checkpoint: { store, everySteps: 1 },
    }).catch((e) => e);
    expect(GftError.isInstance(error) && error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/loss is NaN at step 3 .*rows b2r.*: row 'b2r0' has label \[NaN/);
    expect(error.message).toContain('Last good checkpoint: ');
    expect(error.message).toContain('step-00000002');
    expect((await store.loadLatest())?.step).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('evaluate', () => {
  it('averages with the A/B-swapped input, permuting its probabilities back', async () => {
    const model = bagOfTokensModel({ seed: 5 });
    const rows = syntheticRows(6, 11);
    // The "swapped" rows: other tokens, labels permuted [A, B, tie] -> [B, A, tie].
    const swappedRows = rows.map((r) => ({
      ...r,
      ids: r.ids.map((x) => x + 7),
      label: Float32Array.from([r.label[1], r.label[0], r.label[2]]),
    }));
    const c = paddingCollator();
    const data = [c.collate(rows, { maxTokens: 50 })];
    // A different split and row order must not matter: rows are matched by id.
    const swapped = [c.collate([...swappedRows].reverse(), { maxTokens: 1000 })];
    const plain = await predictProbabilities(model, data);
    const alone = await predictProbabilities(model, swapped);
    const avg = await predictProbabilities(model, data, { swapped });
    let maxDiff = 0;
    plain.ids.forEach((id, i) => {
      const j = alone.ids.indexOf(id);
      const want = [
        (plain.probs[i * 3] + alone.probs[j * 3 + 1]) / 2,
        (plain.probs[i * 3 + 1] + alone.probs[j * 3]) / 2,
        (plain.probs[i * 3 + 2] + alone.probs[j * 3 + 2]) / 2,
      ];
      for (let k = 0; k < 3; k++)
        maxDiff = Math.max(maxDiff, Math.abs(avg.probs[i * 3 + k] - want[k]));
    });
    console.log(`swap-averaged probabilities vs hand average: max diff ${maxDiff}`);
    expect(maxDiff).toBeLessThan(1e-7);
    const ev = await evaluate(model, data, { swapped });
    expect(ev.swapAveraged).toBe(true);
    expect(ev.logLoss).toBeCloseTo(logLoss(avg.probs, avg.labels), 12);
    expect(ev.rows).toBe(6);
    model.dispose();
  });
});

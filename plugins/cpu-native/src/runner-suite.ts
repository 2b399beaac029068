/**
 * The runner on a native backend, strict: `train()` from @gft/core (loader batches split into
 * micro-batches, AdamW with weight decay, global-norm gradient clipping, warm-up and cosine
 * decay) then `evaluate` with A/B swap averaging, for Gemma-2 and Gemma v1 with every
 * technique (full-ft, lora, qlora, the DoRA example). Nothing may leave native code; the
 * step losses, gradient norms and evaluation log loss match the same run on tfjs-cpu; the
 * tensor count is the same after every step and back to the model's own after the run.
 * cpu-native runs it here (runner.test.ts); cuda-native imports it (its runner.test.ts).
 */
import {
  arrayBatchSource,
  evaluate,
  type MicroBatch,
  paddingCollator,
  type StepEvent,
  type TokenizedRow,
  tf,
  train,
} from '@gft/core';
import type { Need } from '@gft/core/testing';
import { gemmaTrainableModel } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  FAMILIES,
  fallbackReport,
  packedMicroBatch,
  seededRows,
  TECHNIQUES,
  useCpu,
} from './model-fixtures.js';

const STEPS = 3;
/** Every step clips: the gradient norms here are 2.5 and more. */
const CLIP = 1;

/** Loader batches of 4 rows, each split by the padding collator into 2+ micro-batches. */
function loaderBatches(): MicroBatch[][] {
  const collator = paddingCollator();
  return [0, 1, 2].map((b) =>
    collator.collate(seededRows([23, 9, 31, 14], 100 + b, `b${b}r`), { maxTokens: 64 }),
  );
}

/** Evaluation rows (packed) and their A/B-swapped twins (other tokens, labels [B, A, tie]). */
function evalData(): { data: MicroBatch[]; swapped: MicroBatch[][] } {
  const rows = seededRows([12, 27, 8, 19, 15, 6], 7, 'e');
  const swappedRows: TokenizedRow[] = rows.map((r) => ({
    ...r,
    ids: r.ids.map((x) => 3 + ((x + 101) % 509)),
    label: Float32Array.from([r.label[1], r.label[0], r.label[2]]),
  }));
  return {
    data: [packedMicroBatch(rows)],
    // Another layout, split and order: rows are matched by id.
    swapped: [paddingCollator().collate([...swappedRows].reverse(), { maxTokens: 80 })],
  };
}

interface RunRecord {
  losses: number[];
  gradNorms: number[];
  microBatches: number[];
  evalLogLoss: number;
  swapAveraged: boolean;
  tensorsAtStep: number[];
  tensorsBefore: number;
  tensorsAfter: number;
  evaluateAgain: number;
  tensorsAfterEvaluate: number;
}

async function run(family: string, technique: string): Promise<RunRecord> {
  const model = gemmaTrainableModel(buildModel(family, technique));
  const tensorsAtStep: number[] = [];
  const steps: StepEvent[] = [];
  const ev = evalData();
  try {
    const tensorsBefore = tf.memory().numTensors;
    const { summary } = await train({
      model,
      data: arrayBatchSource(loaderBatches()),
      steps: STEPS,
      schedule: { lr: 2e-3, warmupSteps: 1, decay: 'cosine' },
      optimizer: { weightDecay: 0.01 },
      clipGradNorm: CLIP,
      evaluation: { data: ev.data, swapped: ev.swapped },
      onEvent: (e) => {
        if (e.type !== 'step') return;
        steps.push(e);
        tensorsAtStep.push(tf.memory().numTensors);
      },
    });
    const tensorsAfter = tf.memory().numTensors;
    const again = await evaluate(model, ev.data, { swapped: ev.swapped });
    return {
      losses: steps.map((s) => s.loss),
      gradNorms: steps.map((s) => s.gradNorm ?? Number.NaN),
      microBatches: steps.map((s) => s.microBatches),
      evalLogLoss: summary.evalLogLoss ?? Number.NaN,
      swapAveraged: again.swapAveraged,
      tensorsAtStep,
      tensorsBefore,
      tensorsAfter,
      evaluateAgain: again.logLoss,
      tensorsAfterEvaluate: tf.memory().numTensors,
    };
  } finally {
    model.dispose();
  }
}

function relDiff(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
}

/** A strict native backend (`setup` forbids JavaScript fallbacks) and whether it can run here. */
export interface StrictBackend {
  name: string;
  setup(): Promise<void>;
}

export function runnerSuite(backend: StrictBackend, need: Need): void {
  const title = `${backend.name}: the runner (train, evaluate)`;
  // Where the backend cannot run, one skipped test saying why, not one per case.
  if (!need.ok) {
    it.skip(need.title(title));
    return;
  }
  describe(title, () => {
    const reference = new Map<string, RunRecord>();
    beforeAll(async () => {
      await useCpu();
      for (const family of Object.keys(FAMILIES)) {
        for (const technique of Object.keys(TECHNIQUES)) {
          reference.set(`${family} ${technique}`, await run(family, technique));
        }
      }
      await backend.setup();
    });

    for (const family of Object.keys(FAMILIES)) {
      for (const technique of Object.keys(TECHNIQUES)) {
        const name = `${family} ${technique}`;
        it(`${name}: AdamW, clipping, evaluation with swap TTA natively, matching tfjs-cpu`, async () => {
          expect(tf.getBackend()).toBe(backend.name);
          const r = await run(family, technique);
          const ref = reference.get(name)!;
          const lossDiff = relDiff(r.losses, ref.losses);
          const normDiff = relDiff(r.gradNorms, ref.gradNorms);
          const evalDiff = relDiff([r.evalLogLoss], [ref.evalLogLoss]);
          console.log(
            `${name}: losses ${r.losses.map((l) => l.toFixed(6)).join(' ')}, grad norms ${r.gradNorms.map((n) => n.toFixed(4)).join(' ')}, eval log loss ${r.evalLogLoss.toFixed(6)} (swap-averaged); relative diff vs cpu: losses ${lossDiff.toExponential(2)}, grad norms ${normDiff.toExponential(2)}, eval ${evalDiff.toExponential(2)}; numTensors ${r.tensorsBefore} -> steps ${r.tensorsAtStep.join(' ')} -> ${r.tensorsAfter}`,
          );
          expect(r.microBatches.every((n) => n >= 2)).toBe(true);
          expect(r.gradNorms.every((n) => n > CLIP)).toBe(true);
          expect(r.swapAveraged).toBe(true);
          expect(lossDiff).toBeLessThan(2e-4);
          expect(normDiff).toBeLessThan(2e-4);
          expect(evalDiff).toBeLessThan(2e-4);
          expect(r.evaluateAgain).toBe(r.evalLogLoss);
          expect(new Set(r.tensorsAtStep).size).toBe(1);
          expect(r.tensorsAfter).toBe(r.tensorsBefore);
          expect(r.tensorsAfterEvaluate).toBe(r.tensorsBefore);
        });
      }
    }

    it('nothing fell back to JavaScript, and strict mode was live', () => {
      const report = fallbackReport(backend.name);
      expect(report.fallbacks).toEqual({});
      expect(report.strict).toBe(true);
    });
  });
}

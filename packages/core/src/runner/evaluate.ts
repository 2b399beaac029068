/**
 * `evaluate` and `predictProbabilities`: forward-only passes over micro-batches, with
 * optional test-time augmentation by A/B swap. The swapped input is the same rows with the
 * two responses exchanged (built by the data layer); its probabilities [B, A, tie] are
 * permuted back to [A, B, tie] and averaged with the original's, matched by row id.
 *
 * Shape legend: N = rows, 3 classes (A wins, B wins, tie).
 */
import { GftError } from '../errors/gft-error.js';
import type { MicroBatch } from '../micro-batch.js';
import { accuracy, isLabelRow, logLoss } from './metrics.js';
import type { TrainableModel } from './trainable-model.js';

/** Loader batches of micro-batches, or bare micro-batches. */
export type EvalData =
  | Iterable<MicroBatch[] | MicroBatch>
  | AsyncIterable<MicroBatch[] | MicroBatch>;

export interface Predictions {
  /** Row ids in first-seen order. */
  ids: string[];
  /** [N, 3] */
  probs: Float32Array;
  /** [N, 3], the original (unswapped) labels. */
  labels: Float32Array;
  swapAveraged: boolean;
}

async function collect(model: TrainableModel, data: EvalData, what: string) {
  const rows = new Map<string, { p: Float32Array; y: Float32Array }>();
  let anon = 0;
  for await (const item of data) {
    for (const mb of Array.isArray(item) ? item : [item]) {
      const p = model.predictAsync ? await model.predictAsync(mb) : model.predict(mb);
      for (let b = 0; b < mb.batchSize; b++) {
        const id = mb.rowIds?.[b] ?? `#${anon++}`;
        if (rows.has(id)) {
          throw new GftError('BAD_INPUT', `row id '${id}' appears twice in the ${what} data`, {
            where: id,
          });
        }
        const probs = p.slice(b * 3, b * 3 + 3);
        // A log loss or a submission of NaN is worse than no answer: it looks like one.
        if (!probs.every(Number.isFinite)) {
          throw new GftError(
            'NON_FINITE',
            `the model's probabilities for row '${id}' of the ${what} data are [${Array.from(probs).join(', ')}], not finite; its weights (a diverged checkpoint?) or config are broken, so nothing is reported or written`,
            { where: id },
          );
        }
        rows.set(id, { p: probs, y: mb.labels.slice(b * 3, b * 3 + 3) });
      }
    }
  }
  return rows;
}

export async function predictProbabilities(
  model: TrainableModel,
  data: EvalData,
  options: { swapped?: EvalData } = {},
): Promise<Predictions> {
  const main = await collect(model, data, 'evaluation');
  const ids = [...main.keys()];
  const probs = new Float32Array(ids.length * 3);
  const labels = new Float32Array(ids.length * 3);
  ids.forEach((id, i) => {
    probs.set(main.get(id)!.p, i * 3);
    labels.set(main.get(id)!.y, i * 3);
  });
  if (options.swapped) {
    const swapped = await collect(model, options.swapped, 'swapped evaluation');
    ids.forEach((id, i) => {
      const s = swapped.get(id);
      if (!s) {
        throw new GftError(
          'BAD_INPUT',
          `row '${id}' has no swapped twin: the swapped data must hold the same row ids (it has ${swapped.size} rows, the original ${ids.length})`,
          { where: id },
        );
      }
      // Swapped order is [B wins, A wins, tie]: put it back before averaging.
      probs[i * 3] = (probs[i * 3] + s.p[1]) / 2;
      probs[i * 3 + 1] = (probs[i * 3 + 1] + s.p[0]) / 2;
      probs[i * 3 + 2] = (probs[i * 3 + 2] + s.p[2]) / 2;
    });
  }
  return { ids, probs, labels, swapAveraged: options.swapped !== undefined };
}

export interface EvalResult {
  rows: number;
  logLoss: number;
  accuracy: number;
  swapAveraged: boolean;
}

export async function evaluate(
  model: TrainableModel,
  data: EvalData,
  options: { swapped?: EvalData } = {},
): Promise<EvalResult> {
  const p = await predictProbabilities(model, data, options);
  // Unlabelled rows carry NaN labels (arena's NO_LABEL): scoring them would report NaN.
  const unlabelled = p.ids.findIndex((_, i) => !isLabelRow(p.labels, i));
  if (unlabelled >= 0) {
    const id = p.ids[unlabelled];
    throw new GftError(
      'BAD_INPUT',
      `row '${id}' has no label [${Array.from(p.labels.subarray(unlabelled * 3, unlabelled * 3 + 3)).join(', ')}]; evaluation needs a label on every row`,
      { where: id },
    );
  }
  const loss = logLoss(p.probs, p.labels);
  return {
    rows: p.ids.length,
    logLoss: loss,
    accuracy: accuracy(p.probs, p.labels),
    swapAveraged: p.swapAveraged,
  };
}

/**
 * `predict`: writes a Kaggle submission CSV (`id,winner_model_a,winner_model_b,winner_tie`)
 * from a model's (optionally swap-averaged) probabilities.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EvalData, type Predictions, predictProbabilities } from './evaluate.js';
import type { TrainableModel } from './trainable-model.js';

export const SUBMISSION_HEADER = 'id,winner_model_a,winner_model_b,winner_tie';

/** CSV text for predictions; ids are written as given (Kaggle ids are integers). */
export function submissionCsv(p: Pick<Predictions, 'ids' | 'probs'>): string {
  const lines = [SUBMISSION_HEADER];
  p.ids.forEach((id, i) => {
    const needsQuote = /[",\n]/.test(id);
    const cell = needsQuote ? `"${id.replace(/"/g, '""')}"` : id;
    lines.push(`${cell},${p.probs[i * 3]},${p.probs[i * 3 + 1]},${p.probs[i * 3 + 2]}`);
  });
  return `${lines.join('\n')}\n`;
}

export async function predict(
  model: TrainableModel,
  data: EvalData,
  options: { out: string; swapped?: EvalData },
): Promise<Predictions> {
  const p = await predictProbabilities(model, data, { swapped: options.swapped });
  mkdirSync(dirname(options.out), { recursive: true });
  const tmp = `${options.out}.tmp-${process.pid}`;
  writeFileSync(tmp, submissionCsv(p));
  renameSync(tmp, options.out);
  return p;
}

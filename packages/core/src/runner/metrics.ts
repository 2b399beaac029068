/**
 * Scalar metrics: percentiles of step times, multi-class log loss and accuracy over
 * probability rows (Kaggle's definition: probabilities clipped to [1e-15, 1 - 1e-15] and
 * each row renormalised).
 *
 * Shape legend: N = rows, 3 classes (A wins, B wins, tie).
 */

/** Linear-interpolated percentile (q in [0, 1]) of `values`; NaN for an empty list. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Mean multi-class log loss of predicted `probs` [N, 3] against `labels` [N, 3] (one-hot
 * or soft rows), both row-major.
 */
export function logLoss(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length / 3;
  if (n === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    const p = [0, 0, 0];
    for (let c = 0; c < 3; c++) {
      p[c] = Math.min(1 - 1e-15, Math.max(1e-15, probs[i * 3 + c]));
      sum += p[c];
    }
    for (let c = 0; c < 3; c++) total -= labels[i * 3 + c] * Math.log(p[c] / sum);
  }
  return total / n;
}

/**
 * Whether row `i` of `labels` [N, 3] is a probability row (non-negative, finite, sums to 1
 * within soft-label rounding). Unlabelled arena rows carry NaN (NO_LABEL) and fail it.
 */
export function isLabelRow(labels: ArrayLike<number>, i: number): boolean {
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const v = labels[i * 3 + c];
    if (!Number.isFinite(v) || v < 0) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= 1e-3;
}

/** Fraction of rows whose most probable class is the label's most probable class. */
export function accuracy(probs: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = labels.length / 3;
  if (n === 0) return Number.NaN;
  const argmax = (a: ArrayLike<number>, i: number) => {
    let best = 0;
    for (let c = 1; c < 3; c++) if (a[i * 3 + c] > a[i * 3 + best]) best = c;
    return best;
  };
  let hits = 0;
  for (let i = 0; i < n; i++) if (argmax(probs, i) === argmax(labels, i)) hits++;
  return hits / n;
}

import { describe, expect, it } from 'vitest';
import { accuracy, logLoss, percentile } from './metrics.js';

describe('metrics', () => {
  it('percentile interpolates linearly', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
    expect(percentile([], 0.5)).toBeNaN();
  });
  it('log loss follows the Kaggle definition (clip, renormalise, soft labels)', () => {
    const probs = [0.7, 0.2, 0.1, 0, 0.5, 0.5];
    const labels = [1, 0, 0, 0.5, 0.5, 0];
    const want =
      (-Math.log(0.7) - 0.5 * Math.log(1e-15 / (1 + 1e-15)) - 0.5 * Math.log(0.5 / (1 + 1e-15))) /
      2;
    expect(logLoss(probs, labels)).toBeCloseTo(want, 10);
    // Row 2: label argmax is A (first of a tie), prediction argmax is B.
    expect(accuracy(probs, labels)).toBe(0.5);
    expect(accuracy([0.1, 0.8, 0.1], [1, 0, 0])).toBe(0);
  });
});

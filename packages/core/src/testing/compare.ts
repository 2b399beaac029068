/** Tensor comparison for golden tests: the numbers the fixture README's tolerances use. */

/** max |a - e| over all elements. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: actual ${actual.length}, expected ${expected.length}`);
  }
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return max;
}

/** max |a - e| / max |e|: the per-tensor error the fixtures' tolerances are stated in. */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const diff = maxAbsDiff(actual, expected);
  return scale === 0 ? diff : diff / scale;
}

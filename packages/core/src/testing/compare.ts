/**
 * Tensor comparison for golden tests, in the terms the fixtures' tolerances are stated in
 * (`|a - e| <= rel * max|e| + abs` per tensor). The reporting forms print the numbers, so a
 * passing run still shows how close it came.
 */

/** max |a - e| over all elements (NaN counts as infinitely far). */
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

function maxAbs(values: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
  return scale;
}

/** max |a - e| / max |e| (the plain difference when e is all zeros). */
export function relativeMaxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  const scale = maxAbs(expected);
  const diff = maxAbsDiff(actual, expected);
  return scale === 0 ? diff : diff / scale;
}

/** `relativeMaxError`, printed with a label; Infinity when the lengths differ. */
export function relErr(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): number {
  if (actual.length !== expected.length) {
    console.log(`${label}: length ${actual.length}, expected ${expected.length}`);
    return Number.POSITIVE_INFINITY;
  }
  const diff = maxAbsDiff(actual, expected);
  const scale = maxAbs(expected);
  const rel = scale === 0 ? diff : diff / scale;
  console.log(`${label}: max diff ${diff.toExponential(3)}, relative ${rel.toExponential(3)}`);
  return rel;
}

/** Whether `|a - e| <= rel * max|e| + abs` holds for the tensor; prints the numbers. */
export function within(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rel: number,
  abs = 0,
): boolean {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  const diff = maxAbsDiff(actual, expected);
  const scale = maxAbs(expected);
  const bound = rel * scale + abs;
  console.log(
    `${label}: max|diff| ${diff.toExponential(3)} (rel ${(diff / (scale || 1)).toExponential(3)}, bound ${bound.toExponential(3)})`,
  );
  return diff <= bound;
}

/** Elements that differ bit for bit (+0 and -0 count as equal); a length mismatch counts all. */
export function bitDiffs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (!(Object.is(a[i], b[i]) || (a[i] === 0 && b[i] === 0))) n++;
  }
  return n;
}

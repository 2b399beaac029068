/**
 * Runs conformance cases on a backend and on tfjs `cpu` (the reference) and compares the
 * outputs: shape and dtype exactly, NaN and ±Infinity positions exactly, finite values per
 * element within the case's tolerance. Framework-free: a backend's test file turns the
 * results into assertions. Does not set the backend up: register and initialise it first
 * (its plugin's `setup()`); the cpu reference registers itself. The previously active
 * backend is restored afterwards.
 */
import { registerTfjsCpu } from '../../backends/cpu/register-tfjs-cpu.js';
import { tf } from '../../tf.js';
import type { ConformanceCase, Tolerance } from './case.js';
import { conformanceCases } from './suite.js';

export interface ConformanceResult {
  name: string;
  kernel: string;
  ok: boolean;
  /** Largest |actual - expected| over finite expected values (0 for exact agreement). */
  maxAbsDiff: number;
  /** The tolerance (`abs + rel * |expected|`) at the element where `maxAbsDiff` is. */
  bound: number;
  /** Largest |diff| / bound over all elements: at most 1 when ok. */
  worstRatio: number;
  /** Why it failed: which output, element, values; or the error the backend threw. */
  message?: string;
}

/** One tensor read back: what `compareOutputs` compares. */
export interface ConformanceOutput {
  shape: number[];
  dtype: string;
  values: ArrayLike<number>;
}

async function evaluate(backendName: string, c: ConformanceCase): Promise<ConformanceOutput[]> {
  await tf.setBackend(backendName);
  const result = tf.tidy(() => c.run(tf));
  const tensors = Array.isArray(result) ? result : [result];
  try {
    // data(), not dataSync(): webgpu in Node cannot read synchronously.
    return await Promise.all(
      tensors.map(async (t) => ({
        shape: t.shape,
        dtype: t.dtype,
        values: (await t.data()) as ArrayLike<number>,
      })),
    );
  } finally {
    tf.dispose(tensors);
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) && v !== 0 ? v.toPrecision(9) : String(v);
}

/**
 * Compares a backend's outputs with the reference's. Per element: a NaN or ±Infinity
 * expected value must be matched exactly; otherwise `|a - e| <= abs + rel * |e|`.
 */
export function compareOutputs(
  actual: readonly ConformanceOutput[],
  expected: readonly ConformanceOutput[],
  tolerance: Tolerance,
): Omit<ConformanceResult, 'name' | 'kernel'> {
  let maxAbsDiff = 0;
  let bound = tolerance.abs;
  let worstRatio = 0;
  const fail = (message: string, diff = Number.POSITIVE_INFINITY) => ({
    ok: false,
    maxAbsDiff: Math.max(maxAbsDiff, diff),
    bound,
    worstRatio: Number.POSITIVE_INFINITY,
    message,
  });
  if (actual.length !== expected.length) {
    return fail(`${actual.length} outputs, expected ${expected.length}`);
  }
  for (let o = 0; o < expected.length; o++) {
    const a = actual[o];
    const e = expected[o];
    const which = expected.length > 1 ? `output ${o}: ` : '';
    if (a.shape.join(',') !== e.shape.join(',')) {
      return fail(`${which}shape [${a.shape}], expected [${e.shape}]`);
    }
    if (a.dtype !== e.dtype) return fail(`${which}dtype ${a.dtype}, expected ${e.dtype}`);
    for (let i = 0; i < e.values.length; i++) {
      const x = Number(a.values[i]);
      const y = Number(e.values[i]);
      const at = `${which}element ${i} of [${e.shape}] is ${fmt(x)}, expected ${fmt(y)}`;
      if (!Number.isFinite(y) || !Number.isFinite(x)) {
        if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
        return fail(at);
      }
      const diff = Math.abs(x - y);
      const limit = tolerance.abs + tolerance.rel * Math.abs(y);
      if (diff > maxAbsDiff) {
        maxAbsDiff = diff;
        bound = limit;
      }
      if (diff > limit) {
        bound = limit;
        return fail(`${at} (|diff| ${diff.toExponential(3)} > ${limit.toExponential(3)})`, diff);
      }
      if (diff > 0) worstRatio = Math.max(worstRatio, diff / limit);
    }
  }
  return { ok: true, maxAbsDiff, bound, worstRatio };
}

function threw(message: string): Omit<ConformanceResult, 'name' | 'kernel'> {
  return { ok: false, maxAbsDiff: Number.NaN, bound: 0, worstRatio: Number.NaN, message };
}

/**
 * Runs `cases` (default: the whole suite) on `backendName` and on `cpu`, one case at a time,
 * and says per case whether they agree. A case that throws on the backend fails with the
 * error's message; one that throws on `cpu` is a fault of the suite and fails the same way.
 */
export async function runConformance(
  backendName: string,
  cases: readonly ConformanceCase[] = conformanceCases(),
): Promise<ConformanceResult[]> {
  // The reference: registered here, so a backend's suite needs only its own setup.
  await registerTfjsCpu();
  const previous = tf.getBackend();
  const results: ConformanceResult[] = [];
  try {
    for (const c of cases) {
      const head = { name: c.name, kernel: c.kernel };
      let expected: ConformanceOutput[];
      try {
        expected = await evaluate('cpu', c);
      } catch (err) {
        results.push({ ...head, ...threw(`the cpu reference threw: ${String(err)}`) });
        continue;
      }
      let actual: ConformanceOutput[];
      try {
        actual = await evaluate(backendName, c);
      } catch (err) {
        results.push({ ...head, ...threw(`${backendName} threw: ${String(err)}`) });
        continue;
      }
      results.push({ ...head, ...compareOutputs(actual, expected, c.tolerance) });
    }
  } finally {
    if (previous !== undefined && previous !== tf.getBackend()) await tf.setBackend(previous);
  }
  return results;
}

/** One line per result: kernel, case, verdict, max |diff| against its bound, and why. */
export function formatConformanceResult(r: ConformanceResult): string {
  const verdict = r.ok ? 'ok' : 'FAIL';
  const numbers = `max|diff| ${r.maxAbsDiff.toExponential(3)} (bound there ${r.bound.toExponential(3)}, worst |diff|/bound ${r.worstRatio.toPrecision(3)})`;
  return `${r.kernel} | ${r.name}: ${verdict}, ${numbers}${r.message ? `: ${r.message}` : ''}`;
}

/** A backend test's verdict on one case: its result, and whether the test should pass. */
export interface ConformanceVerdict {
  result: ConformanceResult;
  pass: boolean;
  /** The result line, or why a listed deviation fails the test (it agrees now). */
  message: string;
}

/**
 * Runs one case and judges it against the backend's list of known deviations (case name ->
 * reason): an unlisted case must agree; a listed one must still differ, so a fixed backend
 * fails until its entry is removed and the list cannot go stale. `deviationsMayAgree` is for
 * deviations that depend on the device (a GPU driver's answers at NaN, say): a listed case
 * passes either way.
 */
export async function checkConformance(
  backendName: string,
  c: ConformanceCase,
  knownDeviations: Readonly<Record<string, string>> = {},
  options: { deviationsMayAgree?: boolean } = {},
): Promise<ConformanceVerdict> {
  const [result] = await runConformance(backendName, [c]);
  const reason = knownDeviations[c.name];
  if (reason === undefined) {
    return { result, pass: result.ok, message: formatConformanceResult(result) };
  }
  if (result.ok) {
    return {
      result,
      pass: options.deviationsMayAgree === true,
      message: `${c.name} is listed as a known ${backendName} deviation (${reason}) but agrees now: remove it from the list`,
    };
  }
  return {
    result,
    pass: true,
    message: `known deviation (${reason}): ${formatConformanceResult(result)}`,
  };
}

/** Counts, every disagreement, and the agreeing cases that came closest to their bounds. */
export function summarizeConformance(
  backendName: string,
  results: readonly ConformanceResult[],
): string {
  const failed = results.filter((r) => !r.ok);
  const closest = results
    .filter((r) => r.ok && r.maxAbsDiff > 0)
    .sort((p, q) => q.worstRatio - p.worstRatio)
    .slice(0, 5);
  return [
    `${backendName} conformance: ${results.length} cases, ${results.length - failed.length} agree with tfjs-cpu, ${failed.length} differ`,
    ...failed.map((r) => `  ${formatConformanceResult(r)}`),
    'closest to their bounds:',
    ...closest.map((r) => `  ${formatConformanceResult(r)}`),
  ].join('\n');
}

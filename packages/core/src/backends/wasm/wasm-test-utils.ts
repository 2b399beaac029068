/**
 * Helpers for the wasm backend's tests: a seeded PRNG (so cpu and wasm runs start from
 * identical numbers) and a runner that executes a function on a named tfjs backend.
 * Test support only; not exported from the package.
 */
import { tf } from '../../tf.js';
import { registerTfjsCpu } from '../cpu/register-tfjs-cpu.js';

/** Deterministic uniform numbers in [-scale, scale): the conformance suite's generator. */
export { uniform as seededValues } from '../../testing/conformance/case.js';

/**
 * Runs `fn` with `backend` active and returns what it returns; restores the previous one.
 * `cpu`, the reference, registers here; any other backend must have been set up.
 */
export async function onBackend<T>(backend: string, fn: () => T | Promise<T>): Promise<T> {
  if (backend === 'cpu') await registerTfjsCpu();
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return await fn();
  } finally {
    if (previous !== undefined) await tf.setBackend(previous);
  }
}

/** Max |a - b| / max(1, max |b|), for printing and asserting kernel agreement. */
export function relDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`);
  }
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

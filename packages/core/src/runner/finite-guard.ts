/**
 * Which named tensors hold a NaN or an infinity. The runner asks after every optimizer step
 * (parameters and moments), so a diverged update stops the run before a checkpoint can
 * save it; one flag per tensor, read back in one transfer, so the answer names them.
 */
import { tf } from '../tf.js';

export async function nonFiniteNames(tensors: ReadonlyMap<string, tf.Tensor>): Promise<string[]> {
  const names = [...tensors.keys()];
  if (names.length === 0) return [];
  const flags = tf.tidy(() =>
    tf.stack(
      // Each flag is reduced in its own tidy: one tensor-sized temporary at a time.
      names.map((n) => tf.tidy(() => tf.cast(tf.all(tf.isFinite(tensors.get(n)!)), 'int32'))),
    ),
  );
  try {
    const finite = await flags.data();
    return names.filter((_, i) => finite[i] === 0);
  } finally {
    flags.dispose();
  }
}

/** `a, b, c and 4 more`: enough names to act on without flooding a message. */
export function listNames(names: readonly string[], shown = 3): string {
  const head = names.slice(0, shown).map((n) => `'${n}'`);
  return names.length > shown
    ? `${head.join(', ')} and ${names.length - shown} more`
    : head.join(', ');
}

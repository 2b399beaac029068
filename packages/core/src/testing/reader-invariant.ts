/**
 * The invariant every gft reader keeps under fuzzing: given any bytes it returns a value or
 * throws a GftError with a code and a `where`; never another exception, never a hang. The
 * property tests of the data, tokenizer, safetensors, config and checkpoint readers all
 * check it through `expectValueOrGftError`, so "readers never crash" means one thing.
 */
import { GftError } from '../errors/gft-error.js';

export interface ReaderOutcome<T> {
  /** The reader's value when it succeeded. */
  value?: T;
  /** The GftError it threw otherwise. */
  error?: GftError;
  ms: number;
}

/**
 * Runs `read` and checks the invariant. Throws (failing the property) on any other
 * exception, on a GftError without `where`, on INTERNAL (reserved for bugs), or when the
 * read takes longer than `timeLimitMs`.
 */
export async function expectValueOrGftError<T>(
  read: () => T | Promise<T>,
  options: { timeLimitMs?: number; what?: string } = {},
): Promise<ReaderOutcome<T>> {
  const limit = options.timeLimitMs ?? 2000;
  const what = options.what ?? 'reader';
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${limit} ms (a hang)`)),
      limit,
    );
  });
  try {
    const value = await Promise.race([Promise.resolve().then(read), timeout]);
    return { value, ms: performance.now() - t0 };
  } catch (error) {
    if (!GftError.isInstance(error)) {
      throw new Error(
        `${what} threw ${(error as Error)?.name ?? typeof error} instead of a GftError: ${(error as Error)?.message ?? error}`,
        { cause: error },
      );
    }
    if (error.code === 'INTERNAL') {
      throw new Error(`${what} threw INTERNAL for bad input: ${error.message}`, { cause: error });
    }
    if (!error.where) {
      throw new Error(`${what} threw ${error.code} without 'where': ${error.message}`, {
        cause: error,
      });
    }
    const ms = performance.now() - t0;
    if (ms > limit) throw new Error(`${what} took ${Math.round(ms)} ms, over ${limit} ms`);
    return { error, ms };
  } finally {
    clearTimeout(timer);
  }
}

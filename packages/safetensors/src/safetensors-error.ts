/**
 * The error class of @gft/safetensors. This package does not depend on @gft/core, so it
 * cannot throw `GftError` itself; instead it carries the same marker symbol and a code
 * from the same vocabulary, so `GftError.isInstance(err)` and `err.code` work on it.
 * It is not a general error type: only format, I/O and argument problems of this package.
 */
const MARKER = Symbol.for('gft.error');

/** Subset of `GftErrorCode` (@gft/core) that this package raises. */
export type SafetensorsErrorCode = 'BAD_CHECKPOINT' | 'BAD_INPUT';

export class SafetensorsError extends Error {
  readonly [MARKER] = true;
  readonly code: SafetensorsErrorCode;
  /** The file the problem is in (a path, or the `source` label of an in-memory buffer). */
  readonly file: string;
  /** The tensor concerned, when there is one. */
  readonly tensor?: string;
  /** `file` or `file:tensor`, matching `GftError.where`. */
  readonly where: string;

  constructor(
    code: SafetensorsErrorCode,
    file: string,
    message: string,
    options?: { tensor?: string; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SafetensorsError';
    this.code = code;
    this.file = file;
    this.tensor = options?.tensor;
    this.where = options?.tensor === undefined ? file : `${file}:${options.tensor}`;
  }

  static isInstance(value: unknown): value is SafetensorsError {
    return typeof value === 'object' && value !== null && MARKER in value && 'file' in value;
  }
}

/** Shorthand for the common case: a malformed or inconsistent file. */
export function badCheckpoint(
  file: string,
  problem: string,
  tensor?: string,
  cause?: unknown,
): SafetensorsError {
  const subject = tensor === undefined ? file : `${file}, tensor '${tensor}'`;
  return new SafetensorsError('BAD_CHECKPOINT', file, `${subject}: ${problem}`, { tensor, cause });
}

/**
 * gft's error class. Codes are stable so callers and tests can branch on them; the marker
 * symbol makes `GftError.isInstance` work across duplicate installs of @gft/core, where
 * `instanceof` would not.
 */
const MARKER = Symbol.for('gft.error');

export type GftErrorCode =
  | 'PLUGIN_MISSING'
  | 'PLUGIN_DUPLICATE'
  | 'PLUGIN_UNKNOWN'
  | 'PLUGIN_INVALID'
  | 'PLUGIN_INCOMPATIBLE'
  | 'PLUGIN_LOAD_FAILED'
  | 'KERNEL_DUPLICATE'
  | 'KERNEL_UNKNOWN'
  | 'BACKEND_UNAVAILABLE'
  | 'OUT_OF_MEMORY'
  | 'BAD_INPUT'
  | 'BAD_CONFIG'
  | 'BAD_CHECKPOINT'
  | 'NON_FINITE_LOSS'
  /** Parameters, optimizer state, gradients or outputs that must be finite and are not. */
  | 'NON_FINITE'
  /** A bug in gft (or a plugin): never bad input, config or environment. */
  | 'INTERNAL';

export class GftError extends Error {
  readonly [MARKER] = true;
  readonly code: GftErrorCode;
  /** Where it happened: a file, row, tensor, field or plugin, when known. */
  readonly where?: string;

  constructor(code: GftErrorCode, message: string, options?: { cause?: unknown; where?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GftError';
    this.code = code;
    this.where = options?.where;
  }

  static isInstance(value: unknown): value is GftError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}

/** Formats a list of valid choices for an error message: `a, b, c` or `(none)`. */
export function listChoices(choices: readonly string[]): string {
  return choices.length === 0 ? '(none)' : [...choices].sort().join(', ');
}

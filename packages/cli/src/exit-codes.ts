/**
 * The one exit-code table every `gft` command applies, so scripts and CI can branch on the
 * kind of failure without parsing messages. INTERNAL (a bug) gets 70, sysexits' EX_SOFTWARE,
 * so it is never mistaken for the user's mistake.
 */
import type { GftErrorCode } from '@gft/core';

export const EXIT = {
  /** Finished and wrote what it promised. */
  ok: 0,
  /** The run itself failed: diverged (non-finite loss or weights), or a bench cell failed. */
  runFailed: 1,
  /** Bad usage or config: unknown command, flag, preset or plugin, an impossible option. */
  usage: 2,
  /** Bad input: a data file, tokenizer, model directory or checkpoint that cannot be used. */
  input: 3,
  /** The machine cannot do it: a backend that does not start, a broken plugin install, out of memory. */
  environment: 4,
  /** A bug in gft or a plugin (INTERNAL, or an exception that is not a GftError). */
  internal: 70,
} as const;

const BY_CODE: Record<GftErrorCode, number> = {
  NON_FINITE_LOSS: EXIT.runFailed,
  NON_FINITE: EXIT.runFailed,
  BAD_CONFIG: EXIT.usage,
  PLUGIN_UNKNOWN: EXIT.usage,
  PLUGIN_MISSING: EXIT.usage,
  PLUGIN_DUPLICATE: EXIT.usage,
  PLUGIN_INCOMPATIBLE: EXIT.usage,
  BAD_INPUT: EXIT.input,
  BAD_CHECKPOINT: EXIT.input,
  BACKEND_UNAVAILABLE: EXIT.environment,
  PLUGIN_LOAD_FAILED: EXIT.environment,
  OUT_OF_MEMORY: EXIT.environment,
  KERNEL_UNKNOWN: EXIT.environment,
  // An installed plugin that breaks its contract: the installation, not this run's input.
  PLUGIN_INVALID: EXIT.environment,
  KERNEL_DUPLICATE: EXIT.environment,
  INTERNAL: EXIT.internal,
};

/** The exit code of a failure: by GftError code; anything else is a bug. */
export function exitCodeOf(code: string): number {
  return BY_CODE[code as GftErrorCode] ?? EXIT.internal;
}

/** The table as `--help` prints it. */
export function exitCodeHelp(): string {
  return [
    'Exit codes:',
    `  ${EXIT.ok}   success`,
    `  ${EXIT.runFailed}   the run failed (non-finite loss or weights; a bench cell failed)`,
    `  ${EXIT.usage}   usage or config error (unknown command, flag, preset or plugin; impossible options)`,
    `  ${EXIT.input}   input error (data file, tokenizer, model directory or checkpoint)`,
    `  ${EXIT.environment}   environment (backend unavailable, broken plugin install, out of memory)`,
    `  ${EXIT.internal}  internal error: a bug in gft or a plugin, please report it`,
  ].join('\n');
}

/**
 * The record of how an adapter was looked for: each place tried and what it answered.
 * It is what a BACKEND_UNAVAILABLE error lists, and what `describe()` reports when one
 * was found. Not the search itself (see `acquire-adapter.ts`).
 */
import { GftError } from '@gft/core';

export interface AdapterAttempt {
  /** Where: `navigator.gpu`, `dawn (system Vulkan drivers)`, `dawn (VK_ICD_FILENAMES=...)`. */
  source: string;
  /** What it answered: an adapter description, `null adapter`, or the error text. */
  outcome: string;
  ok: boolean;
}

/** One line per attempt, for error messages. */
export function formatAttempts(attempts: readonly AdapterAttempt[]): string {
  if (attempts.length === 0) return '  (nothing could be tried)';
  return attempts.map((a) => `  - ${a.source}: ${a.outcome}`).join('\n');
}

/** The error thrown when no attempt produced an adapter; `hints` say what to change. */
export function noAdapterError(
  attempts: readonly AdapterAttempt[],
  hints: readonly string[],
  cause?: unknown,
): GftError {
  const hintText =
    hints.length === 0 ? '' : `\nHow to fix:\n${hints.map((h) => `  - ${h}`).join('\n')}`;
  return new GftError(
    'BACKEND_UNAVAILABLE',
    `webgpu backend: no WebGPU adapter could be made. Tried:\n${formatAttempts(attempts)}${hintText}`,
    { where: 'plugin webgpu', cause },
  );
}

/** `vendor architecture (description)`, tolerant of the fields an implementation leaves out. */
export function describeAdapterInfo(info: {
  vendor?: string;
  architecture?: string;
  description?: string;
}): string {
  const head = [info.vendor, info.architecture].filter((s) => s).join(' ');
  const desc = info.description ? ` (${info.description})` : '';
  return `${head || 'unknown adapter'}${desc}`;
}

/**
 * Test support for the CLI's own tests (not exported): runs `main` in-process with stdout
 * and stderr captured, as a user's terminal would see them.
 */
import { vi } from 'vitest';
import { main } from './main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Captures what `f` writes to stdout and stderr. */
export async function captured<T>(
  f: () => T | Promise<T>,
): Promise<{ value: T; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += s;
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += s;
    return true;
  });
  try {
    return { value: await f(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

export async function runCli(args: string[]): Promise<CliRun> {
  const { value: code, out, err } = await captured(() => main(args));
  return { code, out, err };
}

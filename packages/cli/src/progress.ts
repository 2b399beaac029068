/**
 * Progress for long work: a redrawn bar with ETA on a TTY, plain log lines otherwise, and
 * nothing but JSON lines with `--json`. Consumes RunEvents.
 */
import type { RunEvent } from '@gft/core';

export interface ProgressOptions {
  json: boolean;
  stream?: NodeJS.WriteStream;
  label?: string;
}

function eta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressReporter(options: ProgressOptions): (e: RunEvent) => void {
  const out = options.stream ?? process.stderr;
  const tty = !options.json && out.isTTY === true;
  const label = options.label ? `${options.label} ` : '';
  let started = 0;
  return (e) => {
    if (options.json) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.type === 'run-start') started = Date.now();
    if (e.type === 'step') {
      const done = e.step / e.totalSteps;
      const elapsed = Date.now() - started;
      const left = done > 0 ? (elapsed / done) * (1 - done) : 0;
      const text = `${label}step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(4)} ${Math.round(e.tokensPerSecond)} tok/s ${Math.round(e.stepMs)} ms`;
      if (tty) {
        const width = 24;
        const fill = Math.round(done * width);
        out.write(
          `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${text} ETA ${eta(left)}\x1b[K`,
        );
        if (e.step === e.totalSteps) out.write('\n');
      } else {
        out.write(`${text}\n`);
      }
    } else if (e.type === 'eval') {
      out.write(
        `${label}eval: log loss ${e.logLoss.toFixed(4)}, accuracy ${(e.accuracy * 100).toFixed(1)}% over ${e.rows} rows${e.swapAveraged ? ' (A/B-swap averaged)' : ''}\n`,
      );
    } else if (e.type === 'checkpoint') {
      out.write(`${tty ? '\n' : ''}${label}checkpoint step ${e.step}: ${e.path}\n`);
    } else if (e.type === 'warning') {
      out.write(`${tty ? '\n' : ''}${label}warning: ${e.message}\n`);
    } else if (e.type === 'run-error') {
      out.write(`${tty ? '\n' : ''}${label}error ${e.code}: ${e.message}\n`);
    }
  };
}

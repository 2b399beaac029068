/**
 * Learning-rate schedules: linear warm-up, then constant, linear or cosine decay to
 * `minLrRatio * lr`. Pure functions of the (0-based) step, so a resumed run needs only the
 * step counter to continue the same curve.
 */
import { GftError } from '../errors/gft-error.js';

export const LR_DECAYS = ['constant', 'linear', 'cosine'] as const;
export type LrDecay = (typeof LR_DECAYS)[number];

export interface ScheduleOptions {
  /** Peak learning rate. */
  lr: number;
  /** Steps of linear warm-up from lr/warmupSteps up to lr (0: none). */
  warmupSteps?: number;
  /** Total optimizer steps of the run (the decay ends here). */
  totalSteps: number;
  decay?: LrDecay;
  /** Floor of the decay as a fraction of lr (default 0). */
  minLrRatio?: number;
}

export function checkSchedule(s: ScheduleOptions): void {
  const bad = (field: string, why: string) =>
    new GftError('BAD_CONFIG', `schedule.${field} ${why}`, { where: `schedule.${field}` });
  if (!(s.lr > 0) || !Number.isFinite(s.lr))
    throw bad('lr', `must be a positive number, got ${s.lr}`);
  if (!Number.isInteger(s.totalSteps) || s.totalSteps < 1)
    throw bad('totalSteps', `must be a positive integer, got ${s.totalSteps}`);
  const w = s.warmupSteps ?? 0;
  if (!Number.isInteger(w) || w < 0) throw bad('warmupSteps', `must be an integer >= 0, got ${w}`);
  if (s.decay !== undefined && !LR_DECAYS.includes(s.decay))
    throw bad('decay', `must be one of ${LR_DECAYS.join(', ')}, got '${s.decay}'`);
  const m = s.minLrRatio ?? 0;
  if (!(m >= 0 && m <= 1)) throw bad('minLrRatio', `must be in [0, 1], got ${m}`);
}

/**
 * Learning rate of 0-based optimizer step `step`. Warm-up uses (step + 1) / warmupSteps so
 * the first step already learns; decay runs over the steps after warm-up.
 */
export function learningRate(s: ScheduleOptions, step: number): number {
  const warmup = s.warmupSteps ?? 0;
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  const decay = s.decay ?? 'linear';
  if (decay === 'constant') return s.lr;
  const span = Math.max(1, s.totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  const minRatio = s.minLrRatio ?? 0;
  const factor = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.lr * (minRatio + (1 - minRatio) * factor);
}

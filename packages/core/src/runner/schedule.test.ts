import { describe, expect, it } from 'vitest';
import { GftError } from '../errors/gft-error.js';
import { checkSchedule, learningRate } from './schedule.js';

describe('learningRate', () => {
  it('warms up linearly from lr/warmup to lr', () => {
    const s = { lr: 1, warmupSteps: 4, totalSteps: 10, decay: 'constant' as const };
    expect([0, 1, 2, 3, 4, 9].map((t) => learningRate(s, t))).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });
  it('decays linearly to minLrRatio after warm-up', () => {
    const s = { lr: 2, warmupSteps: 2, totalSteps: 6, decay: 'linear' as const, minLrRatio: 0.5 };
    expect([2, 3, 4, 5, 6].map((t) => learningRate(s, t))).toEqual([2, 1.75, 1.5, 1.25, 1]);
  });
  it('decays along a half cosine', () => {
    const s = { lr: 1, totalSteps: 4, decay: 'cosine' as const };
    const got = [0, 1, 2, 3, 4].map((t) => learningRate(s, t));
    const want = [1, 0.5 * (1 + Math.SQRT1_2), 0.5, 0.5 * (1 - Math.SQRT1_2), 0];
    for (const [i, g] of got.entries()) expect(g).toBeCloseTo(want[i], 12);
  });
  it('rejects a bad field by name', () => {
    const e = (() => {
      try {
        checkSchedule({ lr: 1, totalSteps: 3, decay: 'step' as never });
      } catch (err) {
        return err;
      }
    })();
    expect(GftError.isInstance(e) && e.code === 'BAD_CONFIG' && e.message).toMatch(
      /schedule\.decay.*constant, linear, cosine/,
    );
  });
});

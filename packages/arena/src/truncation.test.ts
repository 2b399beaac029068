import { describe, expect, it } from 'vitest';
import { type PlanPiece, planTruncation } from './truncation.js';

// frame, then per turn: header, prompt, header, A, header, B; then the closing frame.
function pieces(turns: [number, number, number][]): PlanPiece[] {
  const out: PlanPiece[] = [{ fixed: true, turn: -1, length: 200 }];
  turns.forEach(([p, a, b], t) => {
    out.push(
      { fixed: true, turn: t, length: 5 },
      { fixed: false, turn: t, length: p },
      { fixed: true, turn: t, length: 6 },
      { fixed: false, turn: t, length: a },
      { fixed: true, turn: t, length: 6 },
      { fixed: false, turn: t, length: b },
    );
  });
  out.push({ fixed: true, turn: -1, length: 25 });
  return out;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('planTruncation', () => {
  it('keeps everything that fits', () => {
    const p = pieces([[10, 100, 100]]);
    const plan = planTruncation(p, 4096);
    expect(plan.truncated).toBe(false);
    expect(plan.keep).toEqual(p.map((x) => x.length));
  });

  it('fills maxLen exactly, keeps fixed pieces, cuts the two responses fairly', () => {
    const p = pieces([[50, 6000, 3000]]);
    const plan = planTruncation(p, 4096);
    expect(sum(plan.keep)).toBe(4096);
    p.forEach((x, i) => {
      if (x.fixed) expect(plan.keep[i]).toBe(x.length);
    });
    const [prompt, a, b] = [plan.keep[2], plan.keep[4], plan.keep[6]];
    expect(prompt).toBe(50); // short pieces are not cut for long ones
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
  });

  it('a short response keeps all of it; the long one takes the rest', () => {
    const plan = planTruncation(pieces([[20, 9000, 300]]), 4096);
    expect(plan.keep[6]).toBe(300);
    expect(plan.keep[4]).toBe(4096 - 200 - 25 - 17 - 20 - 300);
  });

  it('multi-turn: every turn keeps its markers and a share of both responses', () => {
    const plan = planTruncation(
      pieces([
        [30, 3000, 10],
        [40, 2000, 2500],
        [5, 800, 900],
      ]),
      4096,
    );
    expect(sum(plan.keep)).toBe(4096);
    expect(plan.droppedTurns).toBe(0);
    for (let t = 0; t < 3; t++) {
      const [a, b] = [plan.keep[1 + t * 6 + 3], plan.keep[1 + t * 6 + 5]];
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
    }
  });

  it('drops whole trailing turns (both responses together) only when shares would be tiny', () => {
    const many = Array.from({ length: 40 }, (): [number, number, number] => [100, 500, 500]);
    const plan = planTruncation(pieces(many), 1024);
    expect(plan.droppedTurns).toBeGreaterThan(0);
    expect(sum(plan.keep)).toBeLessThanOrEqual(1024);
    const kept = 40 - plan.droppedTurns;
    for (let t = 0; t < 40; t++) {
      const a = plan.keep[1 + t * 6 + 3];
      const b = plan.keep[1 + t * 6 + 5];
      if (t < kept) expect(Math.min(a, b)).toBeGreaterThanOrEqual(16);
      else expect([a, b, plan.keep[1 + t * 6]]).toEqual([0, 0, 0]);
    }
  });

  it('refuses a budget smaller than the template', () => {
    expect(() => planTruncation(pieces([[10, 10, 10]]), 100)).toThrow(/maxSequenceLength 100/);
  });
});

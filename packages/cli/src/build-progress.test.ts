import { describe, expect, it } from 'vitest';
import { buildProgress } from './build-progress.js';

describe('buildProgress', () => {
  it('prints nothing for a build faster than its interval', () => {
    const lines: string[] = [];
    const progress = buildProgress('tiny', (l) => lines.push(l), 60_000);
    for (let i = 0; i <= 4; i++) progress(i, 4);
    expect(lines).toEqual([]);
  });
  it('reports layers built and says when it is done once it has printed', () => {
    const lines: string[] = [];
    const progress = buildProgress('gemma2-9b (qlora, random init)', (l) => lines.push(l), 0);
    for (let i = 0; i <= 3; i++) progress(i, 3);
    expect(lines[0]).toMatch(/^building gemma2-9b \(qlora, random init\): 0\/3 layers \(\d+ s\)$/);
    expect(lines.at(-1)).toMatch(/: done, 3 layers in \d+ s$/);
  });
});

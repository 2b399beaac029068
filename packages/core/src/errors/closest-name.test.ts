import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name.js';

describe('closestName', () => {
  const fields = ['steps', 'seed', 'lr', 'lrWarmupSteps', 'batchSize'];
  it('finds slips: a swap, a missing or extra letter, a case difference', () => {
    expect(closestName('stpes', fields)).toBe('steps');
    expect(closestName('step', fields)).toBe('steps');
    expect(closestName('batchsize', fields)).toBe('batchSize');
    expect(closestName('seeds', fields)).toBe('seed');
  });
  it('suggests nothing for a name that is not a slip of any', () => {
    expect(closestName('lerning_rate', fields)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});

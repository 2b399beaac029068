/**
 * Test settings every package shares. The JSON report lets `.ci/run` print one summary line
 * for the whole workspace ('N passed, N failed, N skipped').
 */
import type { ViteUserConfig } from 'vitest/config';

export const sharedTestConfig: ViteUserConfig['test'] = {
  include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
  pool: 'forks',
  reporters: ['default', ['json', { outputFile: '.vitest/result.json' }]],
};

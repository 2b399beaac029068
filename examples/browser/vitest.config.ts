import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

export default defineConfig({
  test: { ...sharedTestConfig, testTimeout: 300_000, hookTimeout: 300_000 },
});
